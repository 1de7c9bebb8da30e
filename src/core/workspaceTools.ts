/**
 * Read-only tools the actor may use before it answers: read a file or a line range, find a definition by name,
 * search the workspace for text. Arguments come from the model and are untrusted: every problem (a path outside
 * the workspace, a missing, huge or binary file, an unknown tool, arguments that are not JSON) becomes a tool error
 * the model reads, never an exception. Reads go through SourceFiles, which refuses paths outside the workspace.
 */
import type { SourceFiles, SyntaxParser, ToolCall, ToolSpec } from './ports';
import { outlineSource } from './sourceOutline';

export const WORKSPACE_TOOLS: ToolSpec[] = [
  {
    name: 'read_file',
    description: 'Read a workspace file (workspace-relative path), or only lines start_line..end_line (1-based, at most 400 lines). Lines come numbered as "12| ".',
    parameters: {
      type: 'object',
      properties: { path: { type: 'string' }, start_line: { type: 'integer' }, end_line: { type: 'integer' } },
      required: ['path'], additionalProperties: false,
    },
  },
  {
    name: 'find_definition',
    description: 'Find where a function, method, class or constant is defined (e.g. "roundCents" or "Cart.total") and show its code.',
    parameters: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false },
  },
  {
    name: 'search_text',
    description: 'Search the workspace files for a literal text; returns up to 30 matching lines as path:line: text.',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  },
];

/** What the tools may cost in one actor turn. */
export interface ToolLimits {
  /** Tool calls answered per actor turn (later ones get an error). */
  calls: number;
  /** Characters of tool output per call. */
  charsPerCall: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = { calls: 8, charsPerCall: 12_000 };

/** Files larger than this are never read whole or searched. */
const MAX_FILE_CHARS = 1_000_000;
/** A whole-file read beyond this size is refused: the model should ask for a range. */
const MAX_WHOLE_FILE_CHARS = 24_000;
const MAX_RANGE_LINES = 400;
const MAX_SEARCH_HITS = 30;
const MAX_FILES_SCANNED = 3_000;

export interface ToolContext {
  files: SourceFiles;
  syntax: SyntaxParser;
}

/** The tool's answer (text the model reads), a one-line summary for people, and whether it was an error. */
export interface ToolAnswer {
  output: string;
  summary: string;
  error: boolean;
}

/** Runs one tool call; never throws. */
export async function runWorkspaceTool(call: ToolCall, ctx: ToolContext, limits: ToolLimits = DEFAULT_TOOL_LIMITS): Promise<ToolAnswer> {
  let args: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(call.arguments || '{}');
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not a JSON object');
    args = parsed as Record<string, unknown>;
  } catch (e) {
    return fail(`${call.name}: the arguments are not a JSON object (${(e as Error).message}); send e.g. {"path": "src/x.js"}`);
  }
  try {
    switch (call.name) {
      case 'read_file':
        return cap(await readFile(ctx, args), limits);
      case 'find_definition':
        return cap(await findDefinition(ctx, args), limits);
      case 'search_text':
        return cap(await searchText(ctx, args), limits);
      default:
        return fail(`unknown tool "${call.name.slice(0, 60)}"; the tools are ${WORKSPACE_TOOLS.map((t) => t.name).join(', ')}`);
    }
  } catch (e) {
    return fail(`${call.name}: ${(e as Error).message}`);
  }
}

/** A tool answer that is an error (the model sees the message and may try again). */
export function fail(message: string): ToolAnswer {
  return { output: `error: ${message}`, summary: `error: ${message}`, error: true };
}

async function readFile(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolAnswer> {
  const path = stringArg(args, 'path');
  if (!path) return fail('read_file needs "path", a workspace-relative file path');
  const text = await readChecked(ctx, path);
  if (typeof text !== 'string') return text;
  const lines = text.split(/\r?\n/);
  const start = intArg(args, 'start_line');
  const end = intArg(args, 'end_line');
  if (start === undefined && end === undefined) {
    if (text.length > MAX_WHOLE_FILE_CHARS) {
      return fail(`${path} has ${lines.length} lines (${Math.round(text.length / 1024)} KB), too much to read whole; ask for start_line and end_line (at most ${MAX_RANGE_LINES} lines)`);
    }
    return { output: numbered(path, lines, 1, lines.length), summary: `${path} (${lines.length} lines)`, error: false };
  }
  const from = Math.max(1, start ?? 1);
  const to = Math.min(lines.length, end ?? from + MAX_RANGE_LINES - 1, from + MAX_RANGE_LINES - 1);
  if (from > lines.length) return fail(`${path} has only ${lines.length} lines`);
  if (to < from) return fail(`end_line ${end} is before start_line ${from}`);
  return { output: numbered(path, lines, from, to), summary: `${path}:${from}-${to}`, error: false };
}

async function findDefinition(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolAnswer> {
  const wanted = stringArg(args, 'name');
  if (!wanted || !/^[\w$.]+$/.test(wanted)) return fail('find_definition needs "name", an identifier such as "total" or "Cart.total"');
  const bare = wanted.split('.').pop()!;
  const word = new RegExp(`\\b${bare.replace(/\$/g, '\\$')}\\b`);
  const out: string[] = [];
  for (const path of (await ctx.files.list()).slice(0, MAX_FILES_SCANNED)) {
    const language = ctx.syntax.languageOf(path);
    if (!language || out.length >= 3) continue;
    const text = await ctx.files.read(path).catch(() => undefined);
    if (!text || text.length > MAX_FILE_CHARS || !word.test(text)) continue;
    const outline = await outlineSource(language, text, ctx.syntax);
    const lines = text.split(/\r?\n/);
    for (const d of outline.definitions) {
      if ((d.qualified === wanted || d.name === wanted || (!wanted.includes('.') && d.name === bare)) && out.length < 3) {
        out.push(`${d.kind} ${d.qualified}\n${numbered(path, lines, d.startRow + 1, Math.min(d.endRow + 1, d.startRow + MAX_RANGE_LINES))}`);
      }
    }
  }
  if (!out.length) return fail(`no definition named ${wanted} in the workspace's source files; try search_text`);
  return { output: out.join('\n\n'), summary: `${wanted}: ${out.length} definition${out.length > 1 ? 's' : ''}`, error: false };
}

async function searchText(ctx: ToolContext, args: Record<string, unknown>): Promise<ToolAnswer> {
  const needle = stringArg(args, 'text');
  if (!needle || needle.length > 200) return fail('search_text needs "text", 1 to 200 characters to look for');
  const hits: string[] = [];
  for (const path of (await ctx.files.list()).slice(0, MAX_FILES_SCANNED)) {
    if (hits.length >= MAX_SEARCH_HITS) break;
    const text = await ctx.files.read(path).catch(() => undefined);
    if (!text || text.length > MAX_FILE_CHARS || text.includes('\u0000') || !text.includes(needle)) continue;
    text.split(/\r?\n/).forEach((line, i) => {
      if (hits.length < MAX_SEARCH_HITS && line.includes(needle)) hits.push(`${path}:${i + 1}: ${line.trim().slice(0, 200)}`);
    });
  }
  if (!hits.length) return { output: `no line contains ${JSON.stringify(needle)}`, summary: `"${needle}": no match`, error: false };
  return { output: hits.join('\n'), summary: `"${needle}": ${hits.length} line${hits.length > 1 ? 's' : ''}`, error: false };
}

/** The file's text, or a tool error: outside the workspace, missing, too large, binary. */
async function readChecked(ctx: ToolContext, path: string): Promise<string | ToolAnswer> {
  let text: string | undefined;
  try {
    text = await ctx.files.read(path);
  } catch (e) {
    return fail(`cannot read ${path}: ${(e as Error).message}`);
  }
  if (text === undefined) return fail(`there is no file ${path} in the workspace (paths are workspace-relative, e.g. src/x.js)`);
  if (text.length > MAX_FILE_CHARS) return fail(`${path} is ${Math.round(text.length / 1024)} KB, too large to read`);
  if (text.includes('\u0000')) return fail(`${path} is a binary file`);
  return text;
}

function numbered(path: string, lines: string[], from: number, to: number): string {
  const width = String(to).length;
  const body = lines.slice(from - 1, to).map((l, i) => `${String(from + i).padStart(width)}| ${l}`);
  return `${path}:${from}-${to}\n${body.join('\n')}`;
}

function cap(answer: ToolAnswer, limits: ToolLimits): ToolAnswer {
  if (answer.output.length <= limits.charsPerCall) return answer;
  return { ...answer, output: `${answer.output.slice(0, limits.charsPerCall)}\n[… cut at ${limits.charsPerCall} characters; ask for a smaller range]` };
}

function stringArg(args: Record<string, unknown>, key: string): string | undefined {
  const v = args[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function intArg(args: Record<string, unknown>, key: string): number | undefined {
  const v = args[key];
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
}
