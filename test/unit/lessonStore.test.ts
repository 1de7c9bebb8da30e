import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createLessonStore, defaultLessonsFile } from '../../src/node/lessonStore';
import type { Lesson } from '../../src/core/types';

const lesson = (id: string, extra: Partial<Lesson> = {}): Lesson => ({
  id, createdAt: '2026-01-01T00:00:00.000Z', files: [], tests: [], symbols: [], text: `lesson ${id}`, ...extra,
});

describe('lesson store (JSON file per workspace)', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reflect-lessons-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('returns lessons that share tests, files or symbols, most overlapping first', async () => {
    const store = createLessonStore(path.join(dir, 'l.json'));
    await store.add(lesson('a', { files: ['src/sum.js'] }));
    await store.add(lesson('b', { tests: ['test/sum.test.js::adds'], files: ['src/sum.js'] }));
    await store.add(lesson('c', { files: ['src/other.js'], symbols: ['other'] }));
    const found = await store.relevant({ files: ['src/sum.js'], tests: ['test/sum.test.js::adds'], symbols: [] });
    assert.deepStrictEqual(found.map((l) => l.id), ['b', 'a']);
  });

  it('keeps at most maxLessons, dropping the oldest', async () => {
    const store = createLessonStore(path.join(dir, 'l.json'), { maxLessons: 2, maxRelevant: 10 });
    for (const id of ['1', '2', '3']) await store.add(lesson(id, { files: ['f'] }));
    assert.deepStrictEqual((await store.relevant({ files: ['f'], tests: [], symbols: [] })).map((l) => l.id), ['3', '2']);
  });

  it('keeps the file under maxBytes', async () => {
    const file = path.join(dir, 'l.json');
    const store = createLessonStore(file, { maxBytes: 2000, maxRelevant: 100 });
    for (let i = 0; i < 20; i++) await store.add(lesson(String(i), { files: ['f'], text: 'x'.repeat(300) }));
    assert.ok(fs.statSync(file).size <= 2000);
    const kept = await store.relevant({ files: ['f'], tests: [], symbols: [] });
    assert.strictEqual(kept[0].id, '19');
  });

  it('clears, and treats a corrupt file as empty', async () => {
    const file = path.join(dir, 'l.json');
    const store = createLessonStore(file);
    await store.add(lesson('a', { files: ['f'] }));
    await store.clear();
    assert.strictEqual(fs.existsSync(file), false);
    fs.writeFileSync(file, '{ not json');
    assert.deepStrictEqual(await store.relevant({ files: ['f'], tests: [], symbols: [] }), []);
  });

  it('puts the CLI lessons under $XDG_CACHE_HOME/reflect/lessons, one file per workspace', () => {
    const a = defaultLessonsFile('/w/a', { XDG_CACHE_HOME: '/cache' });
    const b = defaultLessonsFile('/w/b', { XDG_CACHE_HOME: '/cache' });
    assert.match(a, /^\/cache\/reflect\/lessons\/[0-9a-f]{16}\.json$/);
    assert.notStrictEqual(a, b);
  });
});
