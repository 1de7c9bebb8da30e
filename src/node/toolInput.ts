/**
 * Checks the arguments a model passes to Reflect's tools in the editor (VS Code's language-model tools do not
 * validate them against the declared schema). The same bounds as the MCP server's zod schemas and the
 * `languageModelTools` schemas in package.json (a unit test keeps the three in step). Pure.
 */
import { parseSelector, SelectorSyntaxError } from '../core/testSelectors';
import type { TestSelector } from '../core/types';

/** A tool argument that is not what the schema says; the message names the field and what it must be. */
export class ToolInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInputError';
  }
}

/** Validated arguments of `run_tests`. */
export interface RunTestsInput { only?: TestSelector[]; timeoutSeconds?: number }
/** Validated arguments of `fix_failing_tests`. */
export interface FixInput { only?: TestSelector[]; rounds?: number; candidates?: number; hint?: string; maxDurationSeconds?: number; apply?: boolean }
/** Validated arguments of `verify_change`. */
export interface VerifyInput { base?: string }

/** The bounds of each integer argument, shared with the schemas. */
export const TOOL_INTEGER_BOUNDS = {
  timeoutSeconds: [1, 3600], rounds: [1, 10], candidates: [1, 8], maxDurationSeconds: [1, 7200],
} as const;

/** A git ref as the tools accept it: no spaces, no leading '-', nothing a shell or git would read as an option. */
export const GIT_REF_PATTERN = /^[\w./~^@{}-]+$/;

export function runTestsInput(raw: unknown): RunTestsInput {
  const o = object(raw, ['only', 'timeoutSeconds']);
  return { ...selectorsOf(o.only), ...int(o, 'timeoutSeconds') };
}

export function fixInput(raw: unknown): FixInput {
  const o = object(raw, ['only', 'rounds', 'candidates', 'hint', 'maxDurationSeconds', 'apply']);
  if (o.hint !== undefined && (typeof o.hint !== 'string' || o.hint.length > 2000)) throw new ToolInputError('hint must be a string of at most 2000 characters');
  if (o.apply !== undefined && typeof o.apply !== 'boolean') throw new ToolInputError('apply must be true or false');
  return {
    ...selectorsOf(o.only), ...int(o, 'rounds'), ...int(o, 'candidates'), ...int(o, 'maxDurationSeconds'),
    ...(o.hint ? { hint: o.hint as string } : {}), ...(o.apply !== undefined ? { apply: o.apply as boolean } : {}),
  };
}

export function verifyInput(raw: unknown): VerifyInput {
  const o = object(raw, ['base']);
  if (o.base === undefined) return {};
  if (typeof o.base !== 'string' || o.base.length > 200 || !GIT_REF_PATTERN.test(o.base) || o.base.startsWith('-')) {
    throw new ToolInputError('base must be a git ref: a branch, tag or commit such as HEAD or main');
  }
  return { base: o.base };
}

/**
 * `FILE` or `FILE::FULL TEST NAME` selectors, confined to the workspace: no absolute paths, no "..".
 * Undefined or empty: the whole suite.
 */
export function workspaceSelectors(specs: readonly string[] | undefined): TestSelector[] | undefined {
  if (!specs?.length) return undefined;
  return specs.map((spec) => {
    let selector: TestSelector;
    try {
      selector = parseSelector(spec);
    } catch (e) {
      if (e instanceof SelectorSyntaxError) throw new ToolInputError(e.message);
      throw e;
    }
    if (/^(?:[\\/]|[a-zA-Z]:)/.test(selector.file) || selector.file.split('/').includes('..')) {
      throw new ToolInputError(`"${spec}" is outside the workspace; give paths relative to the workspace, without ".."`);
    }
    return selector;
  });
}

function object(raw: unknown, known: string[]): Record<string, unknown> {
  const o = raw ?? {};
  if (typeof o !== 'object' || Array.isArray(o)) throw new ToolInputError('the arguments must be an object');
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown) throw new ToolInputError(`unknown argument "${unknown}"; the arguments are ${known.join(', ')}`);
  return o as Record<string, unknown>;
}

function selectorsOf(only: unknown): { only?: TestSelector[] } {
  if (only === undefined) return {};
  if (!Array.isArray(only) || only.length > 50 || only.some((s) => typeof s !== 'string' || s.length === 0 || s.length > 1000)) {
    throw new ToolInputError('only must be a list of at most 50 test selectors ("FILE" or "FILE::FULL TEST NAME")');
  }
  const selectors = workspaceSelectors(only as string[]);
  return selectors ? { only: selectors } : {};
}

function int(o: Record<string, unknown>, key: keyof typeof TOOL_INTEGER_BOUNDS): Record<string, number> {
  const v = o[key];
  if (v === undefined) return {};
  const [min, max] = TOOL_INTEGER_BOUNDS[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new ToolInputError(`${key} must be a whole number from ${min} to ${max}`);
  return { [key]: v };
}
