/**
 * How an inline review looks: decorations (removed lines highlighted in place, added lines shown after them),
 * CodeLens Accept / Reject per hunk plus Accept All / Reject All / Diff, a hover with the critique sentence behind
 * the hunk, and the read-only candidate documents the diff editor shows. Model text only ever enters as plain text.
 */
import * as vscode from 'vscode';
import type { FileReview, HunkView } from './inlineReview';

/** Scheme of the candidate's version of a file: `reflect-candidate:/<rel path>?<runId>/<candidateId>`. */
export const CANDIDATE_SCHEME = 'reflect-candidate';

export interface ReviewViewSource {
  files(): FileReview[];
  view(file: FileReview): HunkView[];
  onDidChange: vscode.Event<void>;
}

/** Registers the views; everything is pushed onto `subscriptions`. */
export function registerReviewViews(subscriptions: vscode.Disposable[], source: ReviewViewSource): void {
  const removed = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('diffEditor.removedLineBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.deletedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
    textDecoration: 'line-through',
  });
  const added = vscode.window.createTextEditorDecorationType({
    overviewRulerColor: new vscode.ThemeColor('editorOverviewRuler.addedForeground'),
    overviewRulerLane: vscode.OverviewRulerLane.Left,
  });
  subscriptions.push(removed, added);

  const fileOf = (doc: vscode.TextDocument) => source.files().find((f) => f.uri.toString() === doc.uri.toString());
  const decorate = (editor: vscode.TextEditor) => {
    const f = fileOf(editor.document);
    const hunks = f ? source.view(f).filter((h) => h.state === 'pending' && h.line !== undefined) : [];
    const removedRanges: vscode.Range[] = [];
    const addedOptions: vscode.DecorationOptions[] = [];
    for (const h of hunks) {
      const start = h.line!;
      if (h.oldLines.length) removedRanges.push(new vscode.Range(start, 0, start + h.oldLines.length - 1, 0));
      if (!h.newLines.length) continue;
      // Added lines are shown after the last removed line (or the line above an insertion), as ghost text.
      const anchor = h.oldLines.length ? start + h.oldLines.length - 1 : Math.max(0, start - 1);
      const line = editor.document.lineAt(Math.min(anchor, editor.document.lineCount - 1));
      addedOptions.push({
        range: new vscode.Range(line.range.end, line.range.end),
        renderOptions: {
          after: {
            contentText: `  ⟶ ${h.newLines.map((l) => l.trim()).join('  ⏎  ')}`,
            color: new vscode.ThemeColor('editor.foreground'),
            backgroundColor: new vscode.ThemeColor('diffEditor.insertedTextBackground'),
            fontStyle: 'italic',
            margin: '0 0 0 1em',
          },
        },
      });
    }
    editor.setDecorations(removed, removedRanges);
    editor.setDecorations(added, addedOptions);
  };
  const decorateAll = () => vscode.window.visibleTextEditors.forEach(decorate);
  subscriptions.push(
    source.onDidChange(decorateAll),
    vscode.window.onDidChangeVisibleTextEditors(decorateAll),
    vscode.workspace.onDidChangeTextDocument((e) => { if (fileOf(e.document)) decorateAll(); }),
  );

  const lensesChanged = new vscode.EventEmitter<void>();
  subscriptions.push(lensesChanged, source.onDidChange(() => lensesChanged.fire()));
  subscriptions.push(vscode.languages.registerCodeLensProvider({ scheme: 'file' }, {
    onDidChangeCodeLenses: lensesChanged.event,
    provideCodeLenses(doc) {
      const f = fileOf(doc);
      if (!f) return [];
      const uri = doc.uri.toString();
      const lenses: vscode.CodeLens[] = [];
      const views = source.view(f).filter((h) => h.state === 'pending');
      for (const [n, h] of views.entries()) {
        const at = new vscode.Range(h.line ?? 0, 0, h.line ?? 0, 0);
        const label = `hunk ${h.index + 1}/${f.hunks.length}`;
        if (h.line === undefined) {
          lenses.push(new vscode.CodeLens(at, { title: `$(warning) Reflect ${label} no longer applies (lines changed) — Dismiss`, command: 'reflect.rejectHunk', arguments: [uri, h.index] }));
        } else {
          lenses.push(
            new vscode.CodeLens(at, { title: `$(check) Accept ${label}`, command: 'reflect.acceptHunk', arguments: [uri, h.index], tooltip: h.why }),
            new vscode.CodeLens(at, { title: '$(close) Reject', command: 'reflect.rejectHunk', arguments: [uri, h.index] }),
          );
        }
        if (n === 0) {
          lenses.push(
            new vscode.CodeLens(at, { title: 'Accept All', command: 'reflect.acceptAll', arguments: [uri] }),
            new vscode.CodeLens(at, { title: 'Reject All', command: 'reflect.rejectAll', arguments: [uri] }),
            new vscode.CodeLens(at, { title: '$(diff) Open in Diff Editor', command: 'reflect.openDiff', arguments: [uri] }),
          );
        }
      }
      return lenses;
    },
  }));

  subscriptions.push(vscode.languages.registerHoverProvider({ scheme: 'file' }, {
    provideHover(doc, position) {
      const f = fileOf(doc);
      if (!f) return undefined;
      const h = source.view(f).find((v) => v.state === 'pending' && v.line !== undefined &&
        position.line >= v.line && position.line <= v.line + Math.max(0, v.oldLines.length - 1));
      if (!h) return undefined;
      const md = new vscode.MarkdownString();
      md.appendMarkdown(`**Reflect** — hunk ${h.index + 1} of ${f.hunks.length}, candidate ${f.candidate.id} (${f.candidate.status})\n\n`);
      if (h.why) { md.appendMarkdown('*Why:* '); md.appendText(h.why); md.appendMarkdown('\n\n'); }
      md.appendCodeblock([...h.oldLines.map((l) => `-${l}`), ...h.newLines.map((l) => `+${l}`)].join('\n'), 'diff');
      return new vscode.Hover(md, new vscode.Range(h.line!, 0, h.line! + Math.max(0, h.oldLines.length - 1), 0));
    },
  }));

  subscriptions.push(vscode.workspace.registerTextDocumentContentProvider(CANDIDATE_SCHEME, {
    provideTextDocumentContent(uri) {
      const [runId, candidateId] = uri.query.split('/');
      const f = source.files().find((x) => x.runId === runId && x.candidate.id === candidateId && `/${x.rel}` === uri.path);
      const change = f?.candidate.changes.find((c) => `/${c.path}` === uri.path);
      return change?.after ?? `Reflect: the candidate ${candidateId} of run ${runId} is no longer under review.`;
    },
  }));
}
