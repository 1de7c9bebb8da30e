/**
 * Lessons across runs, one JSON file per workspace: bounded (newest kept), clearable, looked up by overlapping
 * files, tests and symbols. The CLI keeps them under the user's cache folder; the extension under its
 * globalStorage. A corrupt file is treated as empty (lessons are a hint, never a reason to fail a run).
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { LessonStore } from '../core/ports';
import type { Lesson } from '../core/types';

export interface LessonStoreOptions {
  /** At most this many lessons (default 50); the oldest go first. */
  maxLessons?: number;
  /** At most this many bytes of JSON (default 64 KB). */
  maxBytes?: number;
  /** At most this many lessons returned by `relevant` (default 3). */
  maxRelevant?: number;
}

const FILE_VERSION = 1;

/** A LessonStore kept in `file` (created on first add). */
export function createLessonStore(file: string, options: LessonStoreOptions = {}): LessonStore {
  const maxLessons = options.maxLessons ?? 50;
  const maxBytes = options.maxBytes ?? 64 * 1024;
  const maxRelevant = options.maxRelevant ?? 3;
  const load = async (): Promise<Lesson[]> => {
    try {
      const data = JSON.parse(await fs.promises.readFile(file, 'utf8')) as { version?: number; lessons?: Lesson[] };
      return data.version === FILE_VERSION && Array.isArray(data.lessons) ? data.lessons : [];
    } catch {
      return [];
    }
  };
  return {
    async relevant(query) {
      const lessons = await load();
      const scored = lessons
        .map((lesson, order) => ({ lesson, order, score: overlap(lesson.tests, query.tests) * 3 + overlap(lesson.files, query.files) * 2 + overlap(lesson.symbols, query.symbols) }))
        .filter((s) => s.score > 0)
        .sort((a, b) => b.score - a.score || b.order - a.order);
      return scored.slice(0, maxRelevant).map((s) => s.lesson);
    },
    async add(lesson) {
      let lessons = [...(await load()), lesson].slice(-maxLessons);
      let text = serialize(lessons);
      while (Buffer.byteLength(text) > maxBytes && lessons.length > 1) {
        lessons = lessons.slice(1);
        text = serialize(lessons);
      }
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      // Write then rename, so a concurrent reader never sees half a file.
      const tmp = `${file}.${process.pid}.tmp`;
      await fs.promises.writeFile(tmp, text);
      await fs.promises.rename(tmp, file);
    },
    async clear() {
      await fs.promises.rm(file, { force: true });
    },
  };
}

/** Where the CLI keeps a workspace's lessons: $XDG_CACHE_HOME or ~/.cache, reflect/lessons/<hash of root>.json. */
export function defaultLessonsFile(root: string, env: Record<string, string | undefined> = process.env): string {
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const hash = crypto.createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 16);
  return path.join(cache, 'reflect', 'lessons', `${hash}.json`);
}

function serialize(lessons: Lesson[]): string {
  return `${JSON.stringify({ version: FILE_VERSION, lessons }, null, 1)}\n`;
}

function overlap(a: string[], b: string[]): number {
  const set = new Set(b);
  return a.filter((x) => set.has(x)).length;
}
