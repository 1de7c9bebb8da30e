/** Benchmark problems in the HumanEvalFix JSONL shape, and which language each is in. */
import * as fs from 'fs';

/** One bug-fixing problem: a prompt (docstring + signature), a buggy body and the tests. */
export interface Problem {
  taskId: string;
  language: 'js' | 'python';
  prompt: string;
  buggySolution: string;
  test: string;
  entryPoint?: string;
  canonicalSolution?: string;
  bugType?: string;
  /** The examples of the docstring as a test (HumanEvalFix's `example_test`): what --hidden-tests shows the engine. */
  exampleTest?: string;
  /** Only the first N assertions of `test` become tests the engine sees (--hidden-tests without examples). */
  visibleAssertions?: number;
}

/**
 * The problem as --hidden-tests shows it to the engine: its example test when it has one, else the first half of
 * its assertions. The independent check still runs every assertion of `test`.
 */
export function withHiddenTests(problem: Problem): Problem {
  if (problem.exampleTest?.trim()) return { ...problem, test: problem.exampleTest };
  return { ...problem, visibleAssertions: -1 };
}

/** How many of `count` assertions a problem shows: all, or (-1) the first half, at least one. */
export function shownAssertions(problem: Problem, count: number): number {
  if (problem.visibleAssertions === undefined) return count;
  return problem.visibleAssertions < 0 ? Math.max(1, Math.floor(count / 2)) : Math.min(count, problem.visibleAssertions);
}

/** Reads a JSONL suite. `language` overrides the task_id prefix ("JavaScript/3", "Python/3"). */
export function readProblems(file: string, language?: 'js' | 'python'): Problem[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  return lines.map((line, i) => {
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`${file}:${i + 1} is not JSON (${(e as Error).message}); each line must be one problem object`);
    }
    const str = (k: string) => (typeof row[k] === 'string' ? (row[k] as string) : undefined);
    const taskId = str('task_id') ?? `problem/${i}`;
    const lang = language ?? languageOf(taskId);
    if (!lang) throw new Error(`${file}:${i + 1}: cannot tell the language of ${taskId}; pass --language js or --language python`);
    for (const k of ['prompt', 'buggy_solution', 'test']) {
      if (str(k) === undefined) throw new Error(`${file}:${i + 1} (${taskId}) has no "${k}" field`);
    }
    return {
      taskId, language: lang, prompt: str('prompt')!, buggySolution: str('buggy_solution')!, test: str('test')!,
      entryPoint: str('entry_point'), canonicalSolution: str('canonical_solution'), bugType: str('bug_type'), exampleTest: str('example_test'),
    };
  });
}

/** The language of a task id: its prefix before '/'. */
export function languageOf(taskId: string): 'js' | 'python' | undefined {
  const prefix = taskId.split('/')[0].toLowerCase();
  if (prefix === 'javascript' || prefix === 'js' || prefix === 'node') return 'js';
  if (prefix === 'python' || prefix === 'py') return 'python';
  return undefined;
}
