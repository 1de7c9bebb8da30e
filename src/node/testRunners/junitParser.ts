/**
 * Best-effort JUnit XML (pytest --junitxml, jest-junit, many CI reporters) → reporter events, with a small
 * tolerant scanner rather than an XML dependency: only <testcase> elements and their failure/error/skipped
 * children matter here.
 */
import type { ReporterEvent } from './reporterEvents';

const TESTCASE = /<testcase\b([^>]*?)(?:\/>|>([\s\S]*?)<\/testcase>)/g;
const ATTR = /([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;
const PROBLEM = /<(failure|error)\b([^>]*?)(?:\/>|>([\s\S]*?)<\/\1>)/;

/**
 * Events for every <testcase>. The file is the `file` attribute, else derived from a Python-style classname
 * ("tests.test_calendar.TestAverage" → "tests/test_calendar.py", class "TestAverage") when `exists` says so.
 */
export function parseJUnit(xml: string, exists: (file: string) => boolean = () => false): ReporterEvent[] {
  const events: ReporterEvent[] = [];
  for (const m of xml.matchAll(TESTCASE)) {
    const attrs = attributes(m[1]);
    const body = m[2] ?? '';
    const { file, suites } = placeOf(attrs, exists);
    const names = [...suites, attrs.name ?? ''];
    const problem = PROBLEM.exec(body);
    const skipped = /<skipped\b/.test(body);
    const status = problem ? 'failed' : skipped ? 'skipped' : 'passed';
    const event: ReporterEvent = { type: 'result', file, names, status, durationMs: Math.round(Number(attrs.time ?? 0) * 1000) };
    if (problem) {
      const pAttrs = attributes(problem[2]);
      const text = decode(stripCdata(problem[3] ?? ''));
      event.error = { message: pAttrs.message ?? text.split('\n')[0] ?? '', stack: text };
    }
    events.push(event);
  }
  return events;
}

function placeOf(attrs: Record<string, string>, exists: (file: string) => boolean): { file: string; suites: string[] } {
  if (attrs.file) return { file: attrs.file, suites: [] };
  const parts = (attrs.classname ?? '').split('.').filter(Boolean);
  for (let n = parts.length; n > 0; n--) {
    const file = `${parts.slice(0, n).join('/')}.py`;
    if (exists(file)) return { file, suites: parts.slice(n) };
  }
  return { file: '', suites: attrs.classname ? [attrs.classname] : [] };
}

function attributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of text.matchAll(ATTR)) out[a[1]] = decode(a[3] ?? a[4] ?? '');
  return out;
}

function stripCdata(text: string): string {
  return text.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1');
}

function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&amp;/g, '&');
}
