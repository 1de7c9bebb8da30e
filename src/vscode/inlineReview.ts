/**
 * Inline review of a candidate: the buffer is never changed until the person accepts, so Reject and Stop leave it
 * exactly as it was. Lines a hunk removes are highlighted in place, the lines it adds are shown after them; each
 * hunk has Accept / Reject (CodeLens, commands, keybindings) and a hover with the critique sentence behind it.
 * Accepting is one WorkspaceEdit on the buffer (one undo step); a hunk whose lines were edited since the run is
 * reported and never forced.
 */
import * as path from 'path';
import * as vscode from 'vscode';
import type { Candidate } from '../core/types';
import { targetRefusal } from '../node/safeWrite';
import type { RunLog } from './outputChannel';
import { computeHunks, editorLines, hunkEdit, locateHunks, motivatingSentence, ReviewHunk } from './reviewHunks';
import { CANDIDATE_SCHEME, registerReviewViews } from './reviewViews';

export type HunkState = 'pending' | 'accepted' | 'rejected';

/** One changed file under review. */
export interface FileReview {
  runId: string;
  candidate: Candidate;
  uri: vscode.Uri;
  /** The workspace folder the run was in: every Accept is checked against it. */
  root: string;
  rel: string;
  before: string;
  after: string;
  why: string;
  hunks: ReviewHunk[];
  states: HunkState[];
}

/** What an Accept did: hunks applied and hunks that no longer apply (left alone). */
export interface AcceptOutcome {
  applied: number[];
  conflicts: number[];
  /** Why nothing was applied: the file may not be written (see node/safeWrite.ts). */
  refused?: string;
}

/** A hunk as the integration tests and views see it. `line` is its 0-based start now, undefined when stale. */
export interface HunkView {
  index: number;
  state: HunkState;
  line: number | undefined;
  oldLines: string[];
  newLines: string[];
  why: string;
}

export interface InlineReview {
  open(runId: string, candidate: Candidate, root: string, why: string): Promise<void>;
  accept(target: unknown[], all: boolean): Promise<AcceptOutcome>;
  reject(target: unknown[], all: boolean): void;
  openDiff(target: unknown[]): Promise<void>;
  closeRun(runId: string): void;
  hunks(uri: vscode.Uri): HunkView[];
  readonly onDidChange: vscode.Event<void>;
}

/**
 * Creates the review service and registers its views (decorations, CodeLens, hover, candidate documents).
 * `onAccepted` hears of every Accept that changed the buffer (the run's lesson is stored then, see runController).
 */
export function createInlineReview(
  subscriptions: vscode.Disposable[], log: RunLog, onAccepted?: (runId: string, candidateId: string) => Promise<void>,
): InlineReview {
  const files = new Map<string, FileReview>();
  const changed = new vscode.EventEmitter<void>();
  subscriptions.push(changed);

  const view = (f: FileReview): HunkView[] => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === f.uri.toString());
    const where = locateHunks(f.before, doc ? doc.getText() : f.before, f.hunks);
    return f.hunks.map((h) => ({
      index: h.index, state: f.states[h.index], line: where.get(h.index), oldLines: h.oldLines, newLines: h.newLines,
      why: motivatingSentence(f.why, h),
    }));
  };
  const refresh = () => {
    for (const [key, f] of files) if (f.states.every((s) => s !== 'pending')) files.delete(key);
    void vscode.commands.executeCommand('setContext', 'reflect.reviewActive', files.size > 0);
    changed.fire();
  };
  registerReviewViews(subscriptions, { files: () => [...files.values()], view, onDidChange: changed.event });

  /** The file a command means: its first argument (a URI or URI string), else the active editor's. */
  const fileFor = (target: unknown[]): FileReview | undefined => {
    const arg = target[0];
    const key = arg instanceof vscode.Uri ? arg.toString() : typeof arg === 'string' ? arg : vscode.window.activeTextEditor?.document.uri.toString();
    return key ? files.get(key) : undefined;
  };
  /** The hunk a command means: its second argument, else the pending hunk at or after the cursor, else the first. */
  const hunkFor = (f: FileReview, target: unknown[]): number | undefined => {
    if (typeof target[1] === 'number') return target[1];
    const pending = view(f).filter((h) => h.state === 'pending');
    const editor = vscode.window.activeTextEditor;
    const cursor = editor?.document.uri.toString() === f.uri.toString() ? editor.selection.active.line : 0;
    const here = pending.find((h) => h.line !== undefined && cursor >= h.line && cursor < h.line + Math.max(1, h.oldLines.length));
    return (here ?? pending.find((h) => (h.line ?? -1) >= cursor) ?? pending[0])?.index;
  };

  return {
    onDidChange: changed.event,
    hunks: (uri) => { const f = files.get(uri.toString()); return f ? view(f) : []; },

    async open(runId, candidate, root, why) {
      for (const key of [...files.keys()]) files.delete(key);
      const opened: vscode.Uri[] = [];
      for (const change of candidate.changes) {
        const uri = vscode.Uri.file(path.join(root, ...change.path.split('/')));
        const hunks = computeHunks(change.before, change.after);
        if (hunks.length === 0) continue;
        files.set(uri.toString(), {
          runId, candidate, uri, root, rel: change.path, before: change.before, after: change.after, why, hunks,
          states: hunks.map(() => 'pending'),
        });
        opened.push(uri);
      }
      log.info(`review: candidate ${candidate.id} (${candidate.summary}) — ${[...files.values()].reduce((n, f) => n + f.hunks.length, 0)} hunk(s) in ${opened.length} file(s)`);
      for (const [i, uri] of opened.entries()) {
        const doc = await vscode.workspace.openTextDocument(uri);
        const f = files.get(uri.toString())!;
        const first = locateHunks(f.before, doc.getText(), f.hunks).get(0) ?? 0;
        await vscode.window.showTextDocument(doc, { preview: false, preserveFocus: i > 0, selection: new vscode.Range(first, 0, first, 0) });
      }
      refresh();
    },

    async accept(target, all) {
      const f = fileFor(target);
      if (!f) return { applied: [], conflicts: [] };
      // The same write rules as reflect fix --apply: no link out of the workspace, no protected path, no binary
      // or non-UTF-8 file (the editor would save it re-encoded).
      const refusal = targetRefusal(f.root, { path: f.rel, before: f.before, after: f.after }, {
        allowTestEdits: vscode.workspace.getConfiguration('reflect', vscode.Uri.file(f.root)).get<boolean>('allowTestEdits', false) === true,
      });
      if (refusal) {
        log.warn(`review: not applied: ${refusal}`);
        void vscode.window.showErrorMessage(`Reflect did not apply the change: ${refusal}. Nothing was changed.`);
        return { applied: [], conflicts: [], refused: refusal };
      }
      const doc = await vscode.workspace.openTextDocument(f.uri);
      const chosen = all ? f.hunks.filter((h) => f.states[h.index] === 'pending').map((h) => h.index) : [hunkFor(f, target)].filter((i): i is number => i !== undefined && f.states[i] === 'pending');
      const where = locateHunks(f.before, doc.getText(), f.hunks);
      const lines = editorLines(doc.getText());
      const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
      const applied = chosen.filter((i) => where.get(i) !== undefined);
      const conflicts = chosen.filter((i) => where.get(i) === undefined);
      if (applied.length) {
        // One WorkspaceEdit for everything accepted at once: one undo step in the editor.
        const edit = new vscode.WorkspaceEdit();
        for (const i of applied) {
          const e = hunkEdit(f.hunks[i], where.get(i)!, lines, eol);
          edit.replace(f.uri, new vscode.Range(e.start.line, e.start.character, e.end.line, e.end.character), e.text);
        }
        if (!(await vscode.workspace.applyEdit(edit))) {
          void vscode.window.showErrorMessage(`Reflect could not edit ${f.rel} (the editor refused the change); nothing was applied. Try again, or apply it from the diff editor.`);
          return { applied: [], conflicts };
        }
        for (const i of applied) f.states[i] = 'accepted';
        log.info(`review: accepted hunk(s) ${applied.map((i) => i + 1).join(', ')} of ${f.hunks.length} in ${f.rel}`);
        await onAccepted?.(f.runId, f.candidate.id).catch((error) => log.warn(`the lesson could not be saved: ${(error as Error).message}`));
      }
      if (conflicts.length) {
        const which = conflicts.map((i) => `${i + 1} (was line ${f.hunks[i].oldStart + 1})`).join(', ');
        log.warn(`review: hunk(s) ${which} of ${f.rel} no longer apply: the file changed since the run; not applied`);
        void vscode.window.showWarningMessage(
          `Reflect did not apply hunk ${which} of ${f.rel}: those lines changed since the run, so the fix no longer fits. ` +
          'Review it in the diff editor, or run Reflect again on the current code.', 'Open in Diff Editor',
        ).then((c) => c && vscode.commands.executeCommand('reflect.openDiff', f.uri));
      }
      refresh();
      return { applied, conflicts };
    },

    reject(target, all) {
      const f = fileFor(target);
      if (!f) return;
      const chosen = all ? f.hunks.map((h) => h.index) : [hunkFor(f, target)].filter((i): i is number => i !== undefined);
      const rejected = chosen.filter((i) => f.states[i] === 'pending');
      for (const i of rejected) f.states[i] = 'rejected';
      if (rejected.length) log.info(`review: rejected hunk(s) ${rejected.map((i) => i + 1).join(', ')} of ${f.hunks.length} in ${f.rel}`);
      refresh();
    },

    async openDiff(target) {
      const f = fileFor(target) ?? [...files.values()][0];
      if (!f) return;
      const right = vscode.Uri.from({ scheme: CANDIDATE_SCHEME, path: `/${f.rel}`, query: `${f.runId}/${f.candidate.id}` });
      await vscode.commands.executeCommand('vscode.diff', f.uri, right, `${path.basename(f.rel)}: yours ↔ Reflect ${f.candidate.id}`);
    },

    closeRun(runId) {
      for (const [key, f] of files) if (f.runId === runId) files.delete(key);
      refresh();
    },
  };
}
