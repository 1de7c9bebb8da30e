/**
 * Every prompt the model proposer and critic send, as data, plus the small renderers that fill them in.
 * The actor proposes edits (SEARCH/REPLACE blocks); the critic explains what the evidence proves (Self-Debugging:
 * what the code does against the failing assertion, expected vs actual, where) and what to try next.
 */
import { truncateToTokens } from './tokens';
import type { Candidate, Lesson, Reflection, TestResult } from './types';

export const ACTOR_SYSTEM_PROMPT = `You are the actor in Reflect, a tool that fixes failing unit tests round by round.
Change the project's source code so that the failing tests pass without breaking any other test.

Reply with one or two sentences saying what the bug is, then the edit as SEARCH/REPLACE blocks in exactly this form:

path/to/file.js
<<<<<<< SEARCH
the exact lines now in the file
=======
the lines that replace them
>>>>>>> REPLACE

Rules:
- The path line is workspace-relative, alone on its line, right before <<<<<<< SEARCH.
- SEARCH copies the current lines exactly (indentation included) and is unique in the file; keep blocks small.
- Code excerpts show line numbers as "12| "; never copy those prefixes into SEARCH or REPLACE.
- Never edit test files: the tests are the specification. Fix the code under test.
- Do not add dependencies, do not delete unrelated code, do not only add logging.

If the code you need is not shown (a helper, a table, another file), ask before you answer: call the tools
read_file, find_definition or search_text, or reply with only lines of the form
NEED: path/to/file.js
NEED: path/to/file.js:40-80
and you will get that code in the next message. Fix the root cause, not a workaround in the caller.`;

export const CRITIC_SYSTEM_PROMPT = `You are the critic in Reflect, a tool that fixes failing unit tests round by round.
Candidate fixes were tested with the project's real tests and none passed. Write the reflection the next attempt
will read. Be concrete and cite the evidence:
1. What the closest candidate changed (file and line).
2. What the code now does for the failing test's input, step by step, compared with what the test expects:
   quote the expected and actual values and the assertion's line.
3. What the evidence proves (and rules out).
4. Exactly what to try next, and what not to repeat. If a candidate was rejected before testing, say why.
At most 10 sentences. No code edits, no SEARCH/REPLACE blocks.`;

/** One instruction and temperature per candidate of a round, so K samples explore different fixes. */
export const ACTOR_VARIATIONS: ReadonlyArray<{ temperature: number; instruction: string }> = [
  { temperature: 0.2, instruction: 'Make the smallest change that makes the failing assertion hold.' },
  { temperature: 0.6, instruction: 'Re-read the failure: the bug may be somewhere less obvious (a helper, an edge case, an off-by-one, a wrong default). Fix the root cause.' },
  { temperature: 0.9, instruction: 'Take a different approach from the attempts described above; never repeat a change that already failed.' },
];

/** The variation for candidate `index` (cycles when K exceeds the list). */
export function actorVariation(index: number): { temperature: number; instruction: string } {
  return ACTOR_VARIATIONS[index % ACTOR_VARIATIONS.length];
}

/** What the actor prompt is built from. */
export interface ActorPromptInput {
  failures: TestResult[];
  context: string;
  /** The context already quotes each failure's evidence: list the failing tests by id only. */
  contextHasEvidence?: boolean;
  memory: Reflection[];
  best?: Candidate;
  lessons: Lesson[];
  hint?: string;
  instruction: string;
  /** Why replies of the last round could not be applied ("r1c2: SEARCH block 1 for src/x.js does not match …"). */
  rejected?: string[];
}

/** The actor's user message: failures, code, memory of critiques, best so far, lessons, hint, the instruction. */
export function renderActorPrompt(input: ActorPromptInput): string {
  const out: string[] = input.contextHasEvidence
    ? ['## Failing tests', '', ...input.failures.map((t) => `- ${t.id}`), '']
    : ['## Failing tests', '', ...input.failures.map(renderFailure)];
  if (input.context.trim()) out.push('## Code', '', input.context.trim(), '');
  if (input.memory.length) {
    out.push('## Critiques of earlier attempts (oldest first)', '');
    for (const r of input.memory) out.push(`Round ${r.round}:`, r.text.trim(), '');
  }
  if (input.best) out.push(...renderBest(input.best));
  if (input.rejected?.length) {
    out.push('## Replies of the last round that could not be applied (do not repeat the mistake)', '', ...input.rejected.map((r) => `- ${r}`), '');
  }
  if (input.lessons.length) {
    out.push('## Lessons from earlier verified fixes in this workspace', '');
    for (const l of input.lessons) out.push(`- ${l.text}`);
    out.push('');
  }
  if (input.hint?.trim()) out.push('## Hint from the developer', '', input.hint.trim(), '');
  out.push('## Your task', '', input.instruction, 'Answer with the explanation and the SEARCH/REPLACE blocks.');
  return out.join('\n');
}

/** What the critic prompt is built from. */
export interface CriticPromptInput {
  round: number;
  candidates: Candidate[];
  closest?: Candidate;
  failures: TestResult[];
  /** The code under test as it was before the candidates (test block, functions on the stack), quoting the evidence. */
  context?: string;
  memory: Reflection[];
  hint?: string;
  /** The same tests' failures before any change (beside the closest candidate's). */
  baselineFailures?: TestResult[];
}

/** The critic's user message: every candidate of the round with its verdict, the closest one's failure evidence. */
export function renderCriticPrompt(input: CriticPromptInput): string {
  const out: string[] = [`## Round ${input.round}: candidates and what the tests said`, ''];
  for (const c of input.candidates) {
    const mark = c.id === input.closest?.id ? ' (closest)' : '';
    out.push(`### ${c.id}${mark}: ${c.status}`, `Summary: ${c.summary}`);
    if (c.rejectReason) out.push(`Rejected before testing: ${c.rejectReason}`);
    else out.push(`Target tests passed: ${c.targetsPassed}/${c.targetsTotal}`);
    for (const w of c.warnings ?? []) out.push(`Warning: ${w}`);
    if (c.newFailures.length) out.push(`Broke tests that passed before: ${c.newFailures.join(', ')}`);
    if (c.missingTests?.length) out.push(`Of these, missing from the run (their file no longer loads, or they were not run): ${c.missingTests.join(', ')}`);
    if (c.notVerifiedReason) out.push(`Not verified: ${c.notVerifiedReason}`);
    if (c.diff) out.push('```diff', truncateToTokens(c.diff.trim(), 800), '```');
    out.push('');
  }
  if (input.context?.trim()) {
    out.push(`## Failure evidence${input.closest ? ` with ${input.closest.id}` : ''} and the code before the change`, '', input.context.trim(), '');
  } else if (input.failures.length) {
    out.push(`## Failure evidence${input.closest ? ` with ${input.closest.id}` : ''}`, '', ...input.failures.map(renderFailure));
  }
  if (input.baselineFailures?.length) {
    out.push('## The same tests before any change (baseline), to compare with the failures above', '', ...input.baselineFailures.map(renderFailure));
  }
  if (input.memory.length) {
    out.push('## Earlier critiques', '');
    for (const r of input.memory) out.push(`Round ${r.round}: ${r.text.trim()}`, '');
  }
  if (input.hint?.trim()) out.push('## Hint from the developer', '', input.hint.trim(), '');
  out.push('Write the reflection now.');
  return out.join('\n');
}

/** A failing test with its evidence: message, expected/actual, where it failed, the top of the stack. */
export function renderFailure(test: TestResult): string {
  const f = test.failure;
  const lines = [`### ${test.name}  (${test.file})`];
  if (!f) return `${lines[0]}\nstatus: ${test.status}\n`;
  lines.push(`Message: ${truncateToTokens(f.message.trim(), 300)}`);
  if (f.expected !== undefined) lines.push(`Expected: ${truncateToTokens(f.expected, 150)}`);
  if (f.actual !== undefined) lines.push(`Actual: ${truncateToTokens(f.actual, 150)}`);
  if (f.location) lines.push(`At: ${f.location.file}:${f.location.line}`);
  if (f.frames.length) lines.push(`Frames: ${f.frames.slice(0, 5).map((fr) => `${fr.file}:${fr.line}`).join(' ← ')}`);
  else if (f.stack) lines.push('Stack:', truncateToTokens(f.stack.split('\n').slice(0, 8).join('\n'), 200));
  return `${lines.join('\n')}\n`;
}

function renderBest(best: Candidate): string[] {
  const out = ['## Best attempt so far (keep what works, fix what still fails)', '', `${best.id}: ${best.summary} — ${best.targetsPassed}/${best.targetsTotal} target tests pass`];
  out.push('```diff', truncateToTokens(best.diff.trim(), 800), '```');
  if (best.remainingFailures.length) out.push('Still failing:', ...best.remainingFailures.map((f) => `- ${f.id}: ${f.message.split('\n')[0]}`));
  out.push('This attempt was not applied: SEARCH blocks must match the files as they are now (shown under Code).', '');
  return out;
}
