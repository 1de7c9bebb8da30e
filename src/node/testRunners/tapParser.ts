/**
 * Best-effort TAP (version 13/14, with the YAML diagnostics node:test and tape write) → reporter events.
 * Nested subtests (four-space indentation, "# Subtest:" headers) become suite names; suites themselves are not
 * tests. Used by the generic runner on any command's output.
 */
import type { RawError, ReporterEvent } from './reporterEvents';

const RESULT = /^(\s*)(not ok|ok)\s+\d+(?:\s*-)?\s*(.*?)\s*$/;
const SUBTEST = /^(\s*)# Subtest: (.*)$/;
const DIRECTIVE = /\s+#\s+(SKIP|TODO)\b.*$/i;

/** Events for the test lines of a TAP stream; `file` comes from the YAML `location` when present. */
export function parseTap(text: string): ReporterEvent[] {
  const lines = text.split('\n');
  const subtests: string[] = [];
  const events: ReporterEvent[] = [];
  const groups: string[] = [];
  const groupFiles = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const sub = SUBTEST.exec(line);
    if (sub) {
      const level = Math.floor(sub[1].length / 4);
      subtests.length = level;
      subtests[level] = sub[2].trim();
      continue;
    }
    const m = RESULT.exec(line);
    if (!m) continue;
    const level = Math.floor(m[1].length / 4);
    let title = m[3];
    const directive = DIRECTIVE.exec(title);
    if (directive) title = title.slice(0, directive.index);
    const { yaml, end } = readYaml(lines, i + 1);
    i = end - 1;
    const group = level === 0 ? unquote(title) : subtests[0] ?? '';
    const location = /^(.*):(\d+):\d+$/.exec(yaml.location ?? '');
    if (location && !groupFiles.has(group)) groupFiles.set(group, location[1]);
    if (yaml.type === 'suite') continue;
    const names = [...subtests.slice(0, level), unquote(title)];
    const status = directive ? 'skipped' : m[2] === 'ok' ? 'passed' : 'failed';
    const event: ReporterEvent = {
      type: 'result', file: location ? location[1] : '', names, status, durationMs: Number(yaml.duration_ms ?? 0),
    };
    if (status === 'failed') event.error = tapError(yaml);
    events.push(event);
    groups.push(group);
  }
  return events.map((e, k) => withGroupFile(e, groups[k], groupFiles));
}

/**
 * Only failures carry a location, so a passing test takes the file of its top-level group: the group's name
 * when it is a file path (node --test over several files), else the first location seen in the group.
 */
function withGroupFile(event: ReporterEvent, group: string, groupFiles: Map<string, string>): ReporterEvent {
  if (event.type !== 'result') return event;
  const groupIsFile = /\.[cm]?[jt]sx?$/.test(group) && event.names.length > 1 && event.names[0] === group;
  const names = groupIsFile ? event.names.slice(1) : event.names;
  const file = event.file || (groupIsFile ? group : groupFiles.get(group) ?? '');
  return { ...event, file, names };
}

function tapError(yaml: Record<string, string>): RawError {
  // node:test prints frames without the leading "at "; put it back so the V8 frame parser reads them.
  const stack = (yaml.stack ?? '').split('\n').filter(Boolean).map((l) => `    at ${l.trim()}`).join('\n');
  const error: RawError = { message: (yaml.error ?? yaml.message ?? '').trim(), stack: stack ? `${yaml.name ?? 'Error'}: ${yaml.error ?? ''}\n${stack}` : undefined };
  if (yaml.expected !== undefined || yaml.actual !== undefined) {
    error.expected = yaml.expected;
    error.actual = yaml.actual;
  }
  return error;
}

/** Reads a "---" … "..." block right after a result line into a flat key → text map (block scalars joined). */
function readYaml(lines: string[], start: number): { yaml: Record<string, string>; end: number } {
  const yaml: Record<string, string> = {};
  if (!/^\s*---\s*$/.test(lines[start] ?? '')) return { yaml, end: start };
  const indent = (lines[start].match(/^\s*/) ?? [''])[0].length;
  let i = start + 1;
  let key = '';
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*\.\.\.\s*$/.test(line)) return { yaml, end: i + 1 };
    const kv = /^(\s*)([\w-]+):\s?(.*)$/.exec(line);
    if (kv && kv[1].length === indent) {
      key = kv[2];
      const value = kv[3];
      yaml[key] = /^[|>][-+]?$/.test(value) ? '' : unquote(value);
    } else if (key) {
      yaml[key] = yaml[key] ? `${yaml[key]}\n${line.slice(indent + 2)}` : line.slice(indent + 2);
    }
  }
  return { yaml, end: i };
}

function unquote(value: string): string {
  const v = value.trim();
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
    try {
      return JSON.parse(v) as string;
    } catch {
      return v.slice(1, -1);
    }
  }
  return v;
}
