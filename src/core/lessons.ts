/**
 * Lessons across runs: looked up at the start of a run by the failing tests' files and names. The loop only builds
 * the lesson of a verified fix (`lessonOf`, on the RunResult); a front end stores it once the fix is applied
 * (`reflect fix --apply`, the tools' `apply`, an accepted review), so a lesson never teaches a fix nobody took.
 * A lesson store failure never fails the run.
 */
import type { Clock, LessonStore } from './ports';
import type { Candidate, Lesson, LoopEvent, Reflection, TestResult } from './types';

/** Lessons relevant to these failing tests (by the files on their frames, their own files, their names). */
export async function relevantLessons(store: LessonStore, failing: TestResult[], emit: (e: LoopEvent) => void): Promise<Lesson[]> {
  const files = new Set<string>();
  for (const t of failing) {
    files.add(t.file);
    for (const f of t.failure?.frames ?? []) files.add(f.file);
  }
  try {
    return await store.relevant({ files: [...files], tests: failing.map((t) => t.id), symbols: symbolsOfTests(failing) });
  } catch (error) {
    emit({ type: 'log', level: 'warn', message: `lessons could not be read: ${(error as Error).message}` });
    return [];
  }
}

/**
 * The lesson of a verified fix, not stored: the root cause in one sentence (the fix's own rationale, else the
 * decisive critique's first sentence) and the diff. Candidate ids mean nothing to a later run and are left out;
 * nothing is cut mid-word.
 */
export function lessonOf(winner: Candidate, tests: string[], memory: Reflection[], clock: Clock): Lesson {
  const decisive = memory[memory.length - 1];
  const cause = firstSentence(winner.rationale ?? '') || firstSentence(decisive?.text ?? '') || winner.summary;
  const text = `${withoutCandidateIds(cutAtWord(cause, 300))} Fix in ${winner.changes.map((c) => c.path).join(', ')}:\n${diffLines(winner.diff, 1200)}`;
  return {
    id: `lesson-${clock.now().toString(36)}`,
    createdAt: new Date(clock.now()).toISOString(),
    files: winner.changes.map((c) => c.path),
    tests,
    symbols: symbolsOfDiff(winner.diff),
    text,
  };
}

function firstSentence(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  const m = /^.*?[.!?](?=\s|$)/.exec(t);
  return (m ? m[0] : t).trim();
}

/** At most `max` characters, cut at a word boundary with an ellipsis. */
export function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** "r2c3" names a candidate of one run; in a lesson it would point nowhere. */
function withoutCandidateIds(text: string): string {
  return text.replace(/\b(?:candidate\s+)?r\d+c\d+\b/g, 'an earlier attempt').replace(/\s+/g, ' ').trim();
}

/** The diff's change lines (hunk headers and +/- lines), whole lines only, within `max` characters. */
function diffLines(diff: string, max: number): string {
  const out: string[] = [];
  let used = 0;
  for (const line of diff.split('\n').filter((l) => /^(?:@@|[-+](?![-+]{2}))/.test(l))) {
    if (used + line.length + 1 > max) {
      out.push('…');
      break;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out.join('\n');
}

/** Identifiers declared on the changed lines' functions (function/def/const f = …), a cheap relevance key. */
export function symbolsOfDiff(diff: string): string[] {
  const names = new Set<string>();
  for (const line of diff.split('\n')) {
    if (!/^[-+ ]/.test(line) || /^(---|\+\+\+)/.test(line)) continue;
    for (const m of line.matchAll(/\b(?:function\s*\*?\s*|def\s+|class\s+)([A-Za-z_$][\w$]*)|\b(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(?:async\s*)?(?:\(|function)/g)) {
      names.add(m[1] ?? m[2]);
    }
  }
  return [...names];
}

function symbolsOfTests(failing: TestResult[]): string[] {
  const words = new Set<string>();
  for (const t of failing) for (const w of t.name.match(/[A-Za-z_$][\w$]{2,}/g) ?? []) words.add(w);
  return [...words];
}
