/**
 * Two candidates of a run side by side in VS Code's multi-file diff editor (`vscode.changes`): for every file either
 * one changes, candidate A's version on the left and candidate B's on the right. The versions are served read-only
 * from the run's record under the `reflect-compare` scheme; nothing is written.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Candidate } from '../core/types';
import type { RunController } from './runController';

/** Scheme of a candidate's version of a file: `reflect-compare:/<rel path>?<runId>/<candidateId>`. */
export const COMPARE_SCHEME = 'reflect-compare';

/** Serves the candidates' versions of files from the run records. */
export function registerCandidateVersions(subscriptions: vscode.Disposable[], runs: RunController): void {
  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(COMPARE_SCHEME, {
    provideTextDocumentContent(uri) {
      const [runId, candidateId] = uri.query.split('/');
      const candidate = runs.get(runId)?.candidates.get(candidateId);
      if (!candidate) return `Reflect no longer has the candidate ${candidateId} of run ${runId}.`;
      return versionOf(candidate, uri.path.slice(1), runs.get(runId)!.candidates);
    },
  }));
}

/** What the comparison opened: the two candidates and, per file, [workspace file, A's version, B's version]. */
export interface Comparison {
  a: string;
  b: string;
  resources: [vscode.Uri, vscode.Uri, vscode.Uri][];
}

/**
 * Opens the multi-file diff of candidates `a` and `b` of `runId` (default: the latest run; a candidate not given is
 * asked for). Returns what was opened, or undefined when there was nothing to compare.
 */
export async function compareCandidates(runs: RunController, runId?: string, a?: string, b?: string): Promise<Comparison | undefined> {
  const rec = runs.get(runId);
  const tested = [...(rec?.candidates.values() ?? [])].filter((c) => c.changes.length > 0);
  if (!rec || tested.length < 2) {
    void vscode.window.showInformationMessage('Reflect: a run with at least two candidates is needed to compare them; run "Reflect: Fix Failing Tests" first.');
    return undefined;
  }
  let pair = [a, b].map((id) => tested.find((c) => c.id === id)).filter((c): c is Candidate => !!c);
  if (pair.length === 1) {
    // From the panel: this candidate against one the person picks.
    const other = await vscode.window.showQuickPick(
      tested.filter((c) => c !== pair[0]).map((c) => ({ label: `${c.id} · ${c.status}`, description: c.summary, candidate: c })),
      { title: `Reflect: compare ${pair[0].id} with…`, ignoreFocusOut: true },
    );
    if (!other) return undefined;
    pair = [pair[0], other.candidate];
  }
  if (pair.length !== 2) {
    const picked = await vscode.window.showQuickPick(
      tested.map((c) => ({ label: `${c.id} · ${c.status}`, description: c.summary, picked: false, candidate: c })),
      { canPickMany: true, title: 'Reflect: pick two candidates to compare', ignoreFocusOut: true },
    );
    if (!picked || picked.length !== 2) return undefined;
    pair = picked.map((p) => p.candidate);
  }
  const [left, right] = pair;
  const root = rec.request.folder.uri.fsPath;
  const files = [...new Set([...left.changes, ...right.changes].map((c) => c.path))].sort();
  const version = (c: Candidate, rel: string) => vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${rel}`, query: `${rec.id}/${c.id}` });
  const resources = files.map((rel): [vscode.Uri, vscode.Uri, vscode.Uri] => [vscode.Uri.file(path.join(root, rel)), version(left, rel), version(right, rel)]);
  await vscode.commands.executeCommand('vscode.changes', `Reflect: ${left.id} ↔ ${right.id}`, resources);
  return { a: left.id, b: right.id, resources };
}

/** The candidate's text of `rel`: its own change, else the file as the run found it (another candidate's `before`). */
function versionOf(candidate: Candidate, rel: string, all: Map<string, Candidate>): string {
  const own = candidate.changes.find((c) => c.path === rel);
  if (own) return own.after;
  for (const other of all.values()) {
    const change = other.changes.find((c) => c.path === rel);
    if (change) return change.before;
  }
  return '';
}
