/**
 * Finds the workspace file an import names: relative JavaScript/TypeScript specifiers (with the usual extension
 * and index-file guesses) and Python modules (dotted, relative, or under src/). Packages are not followed: the
 * context is about the user's code.
 */

/** Candidate workspace paths for `module` imported from `fromFile`, most likely first. */
export function importCandidates(fromFile: string, module: string, python: boolean): string[] {
  const dir = dirname(fromFile);
  if (python) {
    const dots = /^\.*/.exec(module)![0].length;
    const rest = module.slice(dots).replace(/\./g, '/');
    if (dots > 0) {
      let base = dir;
      for (let k = 1; k < dots; k++) base = dirname(base);
      const m = joinPath(base, rest);
      return rest ? [`${m}.py`, `${m}/__init__.py`] : [`${base ? `${base}/` : ''}__init__.py`];
    }
    const bases = ['', 'src', dir, dirname(dir)];
    const out: string[] = [];
    for (const b of bases) for (const c of [`${joinPath(b, rest)}.py`, `${joinPath(b, rest)}/__init__.py`]) if (!out.includes(c)) out.push(c);
    return out;
  }
  if (!module.startsWith('.')) return [];
  const p = joinPath(dir, module);
  const out = [p, `${p}.ts`, `${p}.tsx`, `${p}.js`, `${p}.jsx`, `${p}.mjs`, `${p}.cjs`, `${p}/index.ts`, `${p}/index.js`];
  // TypeScript sources imported the ESM way (`./x.js` standing for x.ts).
  if (/\.[cm]?js$/.test(p)) out.splice(1, 0, p.replace(/\.([cm]?)js$/, '.$1ts'), p.replace(/\.[cm]?js$/, '.tsx'));
  return out;
}

/** The folder part of a workspace-relative path ('' at the root). */
export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

/** Joins and normalises workspace-relative paths; `..` past the root is dropped. */
export function joinPath(base: string, rel: string): string {
  const parts: string[] = [];
  for (const seg of `${base}/${rel}`.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}
