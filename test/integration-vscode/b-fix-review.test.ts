import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import type { RunOutcome } from '../../src/vscode/runController';
import { diskText, fileUri, resetEditors, services } from './support';

const SOURCE = 'src/range.js';
const BUGGY_LINE = '  return x > lo && x < hi;';
const FIXED_LINE = '  return x >= lo && x <= hi;';

describe('Fix Failing Tests with the built-in provider, then inline review', () => {
  let original: string;
  let outcome: RunOutcome;

  before(async () => {
    await resetEditors();
    original = diskText(SOURCE);
    assert.ok(original.includes(BUGGY_LINE), 'fixture changed: the buggy line is missing');
    outcome = await vscode.commands.executeCommand<RunOutcome>('reflect.fixFailingTests');
  });
  afterEach(async () => {
    await vscode.commands.executeCommand('reflect.rejectAll');
    await resetEditors();
  });

  it('reaches a verified candidate that changes only the source line, without touching the disk', async () => {
    assert.strictEqual(outcome.status, 'verified', outcome.result?.stopReason);
    assert.ok(outcome.result!.lesson, 'the verified result carries its lesson, to keep once accepted');
    const best = outcome.result!.best!;
    assert.deepStrictEqual(best.changes.map((c) => c.path), [SOURCE]);
    assert.strictEqual(best.changes[0].after, original.replace(BUGGY_LINE, FIXED_LINE));
    assert.strictEqual(diskText(SOURCE), original);
    const s = await services();
    assert.ok(s.runs.get(outcome.runId)!.reflections.length >= 1, 'no critique recorded');
  });

  it('Accept applies the hunk as one edit to the buffer (and keeps the lesson), and one Undo restores the original text', async () => {
    const s = await services();
    const lessons = () => (s.runs.lessonsFile && fs.existsSync(s.runs.lessonsFile) ? JSON.parse(fs.readFileSync(s.runs.lessonsFile, 'utf8')).lessons as { text: string }[] : []);
    const kept = lessons().length;
    assert.strictEqual(await vscode.commands.executeCommand('reflect.reviewBest', outcome.runId), true);
    const uri = fileUri(SOURCE);
    const hunks = s.inlineReview.hunks(uri);
    assert.deepStrictEqual(hunks.map((h) => [h.state, h.oldLines, h.newLines]), [['pending', [BUGGY_LINE], [FIXED_LINE]]]);
    assert.ok(hunks[0].why.length > 0, 'the hunk has no motivating sentence');
    const doc = await vscode.workspace.openTextDocument(uri);
    const result = await vscode.commands.executeCommand('reflect.acceptHunk', uri.toString(), 0);
    assert.deepStrictEqual(result, { applied: [0], conflicts: [] });
    assert.strictEqual(doc.getText(), original.replace(BUGGY_LINE, FIXED_LINE));
    assert.strictEqual(diskText(SOURCE), original, 'Accept must not save');
    // The verified fix was accepted: now, and only now, its lesson (cause + diff) is kept.
    assert.strictEqual(lessons().length, kept + 1);
    assert.ok(lessons()[kept].text.includes(`-${BUGGY_LINE}\n+${FIXED_LINE}`), lessons()[kept].text);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.strictEqual(doc.getText(), original);
  });

  it('Reject leaves the file and the buffer as they were', async () => {
    const s = await services();
    await vscode.commands.executeCommand('reflect.reviewBest', outcome.runId);
    const uri = fileUri(SOURCE);
    await vscode.commands.executeCommand('reflect.rejectHunk', uri.toString(), 0);
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.strictEqual(doc.getText(), original);
    assert.strictEqual(doc.isDirty, false);
    assert.deepStrictEqual(s.inlineReview.hunks(uri), []);
    assert.strictEqual(diskText(SOURCE), original);
  });

  it('a hunk whose lines the person edited after the run is reported and not applied', async () => {
    await vscode.commands.executeCommand('reflect.reviewBest', outcome.runId);
    const uri = fileUri(SOURCE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').indexOf(BUGGY_LINE);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(line).range, '  return lo <= x && x < hi; // edited by hand');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const edited = doc.getText();
    const result = await vscode.commands.executeCommand('reflect.acceptAll', uri.toString());
    assert.deepStrictEqual(result, { applied: [], conflicts: [0] });
    assert.strictEqual(doc.getText(), edited);
  });

  it('a hunk still applies, at its new place, when the person edited other lines', async () => {
    await vscode.commands.executeCommand('reflect.reviewBest', outcome.runId);
    const uri = fileUri(SOURCE);
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, new vscode.Position(0, 0), '// a note added after the run\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const result = await vscode.commands.executeCommand('reflect.acceptHunk', uri.toString(), 0);
    assert.deepStrictEqual(result, { applied: [0], conflicts: [] });
    assert.strictEqual(doc.getText(), `// a note added after the run\n${original.replace(BUGGY_LINE, FIXED_LINE)}`);
  });

  it('shows CodeLens actions, a hover with the motivating critique sentence, and the candidate in a diff editor', async () => {
    const s = await services();
    await vscode.commands.executeCommand('reflect.reviewBest', outcome.runId);
    const uri = fileUri(SOURCE);
    const [hunk] = s.inlineReview.hunks(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.filter((l) => l.command?.command.startsWith('reflect.')).map((l) => l.command!.title);
    assert.deepStrictEqual(titles, ['$(check) Accept hunk 1/1', '$(close) Reject', 'Accept All', 'Reject All', '$(diff) Open in Diff Editor']);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(hunk.line!, 4));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    // The sentence goes in as plain text: MarkdownString.appendText escapes markdown and turns spaces into &nbsp;.
    const plain = text.replace(/&nbsp;/g, ' ').replace(/[\\*]/g, '');
    assert.ok(hunk.why.length > 10, `no motivating sentence: ${hunk.why}`);
    assert.ok(plain.includes(`Why: ${hunk.why.replace(/\*/g, '')}`), `hover lacks the critique sentence: ${plain}`);
    await vscode.commands.executeCommand('reflect.openDiff', uri);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'no diff editor opened');
    const right = (tab!.input as vscode.TabInputTextDiff).modified;
    assert.strictEqual(right.scheme, 'reflect-candidate');
    assert.strictEqual((await vscode.workspace.openTextDocument(right)).getText(), outcome.result!.best!.changes[0].after);
  });

  it('exports the trace as JSON and Markdown', async () => {
    const s = await services();
    const dir = vscode.Uri.file(os.tmpdir());
    const json = await s.exportTrace(outcome.runId, 'json', vscode.Uri.joinPath(dir, `reflect-e2e-${process.pid}.json`));
    const md = await s.exportTrace(outcome.runId, 'markdown', vscode.Uri.joinPath(dir, `reflect-e2e-${process.pid}.md`));
    const trace = JSON.parse(Buffer.from(await vscode.workspace.fs.readFile(json!)).toString());
    assert.strictEqual(trace.version, 1);
    assert.strictEqual(trace.result.status, 'verified');
    const text = Buffer.from(await vscode.workspace.fs.readFile(md!)).toString();
    assert.ok(text.startsWith('# Reflect run '), text.slice(0, 80));
    await vscode.workspace.fs.delete(json!);
    await vscode.workspace.fs.delete(md!);
  });
});
