/**
 * Any test command (`reflect.testCommand` / `--command`): run through the shell, judged by its exit code, with
 * best-effort evidence from its output: TAP or JUnit XML when it prints them, else one result for the whole
 * command whose failure carries the error line and the stack frames (V8 or Python) found in the output.
 * A targeted run cannot be expressed for an unknown tool: the command runs whole and the report is narrowed.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TestResult } from '../../core/types';
import type { ProcessResult } from '../processTree';
import { parseJUnit } from './junitParser';
import { EventOutcome, resultsFromEvents, toFailure } from './reporterEvents';
import { framesFromPythonTraceback, framesFromV8Stack, WorkspacePaths } from './stackFrames';
import { parseTap } from './tapParser';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';

/** An adapter running `command` as given. */
export function genericAdapter(command: string): FrameworkAdapter {
  return {
    framework: 'generic',
    prepare(_ctx: RunContext): Invocation {
      return { command, args: [], shell: true, display: command };
    },
    collect(ctx: RunContext, proc: ProcessResult): EventOutcome {
      return parseGenericOutput(proc.output, ctx.root, command, proc);
    },
  };
}

/** Results from a command's output and exit status. */
export function parseGenericOutput(
  output: string, root: string, command: string, proc: Pick<ProcessResult, 'exitCode' | 'timedOut' | 'spawnError' | 'durationMs'>,
): EventOutcome {
  if (/<testsuites?\b|<testcase\b/.test(output)) {
    const events = parseJUnit(output, (f) => fs.existsSync(path.join(root, f)));
    const stackKind = events.some((e) => e.type === 'result' && e.file.endsWith('.py')) ? 'python' : 'v8';
    if (events.length > 0) return resultsFromEvents(events, root, stackKind);
  }
  if (/^\s*(?:not )?ok \d+/m.test(output)) {
    const events = parseTap(output);
    if (events.length > 0) return resultsFromEvents(events, root, 'v8');
  }
  // The shell could not find or execute the command: a setup problem the report's `error` explains.
  if (proc.spawnError || ((proc.exitCode === 127 || proc.exitCode === 126) && /not found|No such file|Permission denied/i.test(output))) {
    return { results: [], unfinished: [] };
  }
  return { results: [wholeCommandResult(output, root, command, proc)], unfinished: [] };
}

function wholeCommandResult(
  output: string, root: string, command: string, proc: Pick<ProcessResult, 'exitCode' | 'timedOut' | 'durationMs'>,
): TestResult {
  const base = { id: `::${command}`, file: '', name: command, durationMs: proc.durationMs };
  if (proc.timedOut) return { ...base, status: 'timedOut' };
  if (proc.exitCode === 0) return { ...base, status: 'passed' };
  const paths = new WorkspacePaths(root);
  const python = framesFromPythonTraceback(output, paths).length > 0 && /Traceback|\.py:\d+/.test(output);
  const frames = python ? framesFromPythonTraceback(output, paths) : framesFromV8Stack(output, paths);
  const failure = toFailure({ message: errorLine(output, proc.exitCode), stack: stackExcerpt(output) }, paths, python ? 'python' : 'v8');
  failure.frames = frames.map((f) => ({ file: f.file, line: f.line }));
  if (frames[0]) failure.location = { file: frames[0].file, line: frames[0].line };
  return { ...base, status: 'failed', failure };
}

/** The first line that looks like an error, else the last line of output. */
function errorLine(output: string, exitCode: number | null): string {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  // An error line says more than a "FAIL file" header, which says more than the last line.
  const error = lines.find((l) => /^(?:E\s+)?[\w.]*(?:Error|Exception)\b/.test(l)) ?? lines.find((l) => /^(?:FAIL|not ok)\b/.test(l));
  return error ?? lines[lines.length - 1] ?? `exited with code ${exitCode}`;
}

/** The lines around the first stack frame (what a person would look at). */
function stackExcerpt(output: string): string {
  const lines = output.split('\n');
  const first = lines.findIndex((l) => /^\s*at .+:\d+:\d+\)?\s*$|^\s*File ".+", line \d+|^[^\s:]+\.py:\d+:/.test(l));
  if (first < 0) return lines.slice(-30).join('\n');
  return lines.slice(Math.max(0, first - 5), first + 25).join('\n');
}
