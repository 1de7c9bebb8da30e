/** The editor's side of the inline review, for unit tests: what applying the review's line edits does to a text. */
import type { LineEdit } from '../../src/vscode/reviewHunks';
import { editorLines } from '../../src/vscode/reviewHunks';

/** Applies non-overlapping line edits to text (bottom-up), as the editor applies a WorkspaceEdit. */
export function applyLineEdits(text: string, edits: readonly LineEdit[], eol = '\n'): string {
  const lines = editorLines(text);
  const offsetOf = (p: { line: number; character: number }) => {
    let off = 0;
    for (let i = 0; i < p.line; i++) off += lines[i].length + eol.length;
    return off + p.character;
  };
  const joined = lines.join(eol);
  const sorted = [...edits].sort((a, b) => offsetOf(b.start) - offsetOf(a.start));
  let out = joined;
  for (const e of sorted) out = out.slice(0, offsetOf(e.start)) + e.text + out.slice(offsetOf(e.end));
  return out;
}
