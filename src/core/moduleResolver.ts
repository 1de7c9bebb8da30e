/**
 * Finds the workspace source file an import names, the way real projects are wired: relative specifiers, Python
 * modules (src-layout, relative imports), `tsconfig.json` `paths`/`baseUrl` aliases, and npm workspace packages
 * (`@scope/pkg` → `packages/pkg`, through its `exports`/`main`, preferring source over `dist/` or `build/` output).
 * Third-party packages are not followed: the context is about the user's code.
 */
import type { SourceFiles } from './ports';
import { dirname, importCandidates, joinPath } from './importResolution';

/** Resolves import specifiers to workspace files; one per context build (it caches what it reads). */
export interface ModuleResolver {
  /** Candidate workspace paths for `specifier` imported from `fromFile`, most likely first. */
  candidates(fromFile: string, specifier: string, python: boolean): Promise<string[]>;
}

interface ProjectWiring {
  /** tsconfig `paths`: pattern (with at most one `*`) → targets, workspace-relative. */
  aliases: { pattern: string; targets: string[] }[];
  baseUrl?: string;
  /** Workspace package name → its folder. */
  packages: Map<string, { dir: string; manifest: PackageManifest }>;
}

interface PackageManifest {
  name?: string;
  main?: string;
  module?: string;
  source?: string;
  exports?: unknown;
  workspaces?: string[] | { packages?: string[] };
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx'];

/** A resolver for the workspace behind `files`. */
export function createModuleResolver(files: SourceFiles): ModuleResolver {
  let wiring: Promise<ProjectWiring> | undefined;
  return {
    async candidates(fromFile, specifier, python) {
      if (python) return importCandidates(fromFile, specifier, python);
      if (specifier.startsWith('.')) return [...new Set(importCandidates(fromFile, specifier, python).flatMap(sourceFirst))];
      wiring ??= readWiring(files);
      const w = await wiring;
      const out: string[] = [];
      for (const target of aliasTargets(w, specifier)) out.push(...withExtensions(target));
      const pkg = packageOf(w, specifier);
      if (pkg) out.push(...packageEntries(pkg.dir, pkg.manifest, specifier.slice((pkg.manifest.name ?? '').length).replace(/^\//, '')));
      return [...new Set(out)];
    },
  };
}

async function readWiring(files: SourceFiles): Promise<ProjectWiring> {
  const wiring: ProjectWiring = { aliases: [], packages: new Map() };
  const tsconfig = parseLooseJson(await files.read('tsconfig.json')) as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } } | undefined;
  const options = tsconfig?.compilerOptions;
  if (options?.baseUrl !== undefined) wiring.baseUrl = joinPath('', options.baseUrl);
  for (const [pattern, targets] of Object.entries(options?.paths ?? {})) {
    if (Array.isArray(targets)) wiring.aliases.push({ pattern, targets: targets.map((t) => joinPath(wiring.baseUrl ?? '', t)) });
  }
  const root = parseLooseJson(await files.read('package.json')) as PackageManifest | undefined;
  const globs = Array.isArray(root?.workspaces) ? root.workspaces : root?.workspaces?.packages ?? [];
  if (globs.length) {
    const manifests = (await files.list()).filter((p) => p.endsWith('/package.json') && globs.some((g) => matchesWorkspaceGlob(dirname(p), g)));
    for (const m of manifests) {
      const manifest = parseLooseJson(await files.read(m)) as PackageManifest | undefined;
      if (manifest?.name) wiring.packages.set(manifest.name, { dir: dirname(m), manifest });
    }
  }
  return wiring;
}

/** `packages/*` matches `packages/a`; `apps/web` matches itself. */
function matchesWorkspaceGlob(dir: string, glob: string): boolean {
  const g = joinPath('', glob.replace(/\/\*\*$/, '/*'));
  if (!g.includes('*')) return dir === g;
  const [head, tail] = g.split('*', 2);
  return dir.startsWith(head) && dir.endsWith(tail) && !dir.slice(head.length, dir.length - tail.length).includes('/');
}

function aliasTargets(w: ProjectWiring, specifier: string): string[] {
  const out: string[] = [];
  for (const { pattern, targets } of w.aliases) {
    const star = pattern.indexOf('*');
    if (star < 0) {
      if (pattern === specifier) out.push(...targets);
      continue;
    }
    const head = pattern.slice(0, star);
    const tail = pattern.slice(star + 1);
    if (!specifier.startsWith(head) || !specifier.endsWith(tail) || specifier.length < head.length + tail.length) continue;
    const middle = specifier.slice(head.length, specifier.length - tail.length);
    out.push(...targets.map((t) => t.replace('*', middle)));
  }
  if (w.baseUrl !== undefined && !w.packages.has(specifier)) out.push(joinPath(w.baseUrl, specifier));
  return out;
}

function packageOf(w: ProjectWiring, specifier: string): { dir: string; manifest: PackageManifest } | undefined {
  for (const [name, pkg] of w.packages) if (specifier === name || specifier.startsWith(`${name}/`)) return pkg;
  return undefined;
}

/** Entry files of a workspace package for `subpath` ('' for the package itself), source before build output. */
function packageEntries(dir: string, manifest: PackageManifest, subpath: string): string[] {
  const entries: string[] = [];
  const exported = exportTarget(manifest.exports, subpath ? `./${subpath}` : '.');
  if (exported) entries.push(exported);
  if (!subpath) entries.push(...[manifest.source, manifest.module, manifest.main].filter((e): e is string => typeof e === 'string'), 'src/index', 'index');
  else entries.push(`src/${subpath}`, subpath);
  const out: string[] = [];
  for (const entry of entries) {
    const p = joinPath(dir, entry);
    out.push(...sourceFirst(p).filter((c) => c !== p), ...withExtensions(p.replace(/\.(?:[cm]?js)$/, '')), p);
  }
  return out;
}

/** A path, preceded by the sources it stands for when it is compiled output: dist/x.js → src/x.ts, src/x.js … */
function sourceFirst(p: string): string[] {
  const source = p.replace(/(^|\/)(dist|build|lib|out)\//, '$1src/').replace(/\.(?:d\.ts|[cm]?js)$/, '');
  return source === p ? [p] : [...withExtensions(source), p];
}

/** The file an `exports` map gives for `key` ('.' or './sub'), preferring source-like conditions. */
function exportTarget(exports: unknown, key: string): string | undefined {
  if (typeof exports === 'string') return key === '.' ? exports : undefined;
  if (!exports || typeof exports !== 'object') return undefined;
  const map = exports as Record<string, unknown>;
  const entry = Object.keys(map).some((k) => k.startsWith('.')) ? map[key] : key === '.' ? map : undefined;
  return conditionTarget(entry);
}

function conditionTarget(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (!entry || typeof entry !== 'object') return undefined;
  const map = entry as Record<string, unknown>;
  for (const condition of ['source', 'development', 'import', 'require', 'node', 'default']) {
    const t = conditionTarget(map[condition]);
    if (t) return t;
  }
  return undefined;
}

function withExtensions(p: string): string[] {
  if (/\.(?:[cm]?[jt]sx?)$/.test(p)) return [p];
  return [...SOURCE_EXTENSIONS.map((e) => `${p}${e}`), ...SOURCE_EXTENSIONS.map((e) => `${p}/index${e}`)];
}

/** JSON that may carry comments and trailing commas (tsconfig.json does); undefined when unreadable. */
export function parseLooseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    try {
      const noComments = text.replace(/"(?:[^"\\]|\\.)*"|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (m) => (m.startsWith('"') ? m : ''));
      return JSON.parse(noComments.replace(/,(\s*[}\]])/g, '$1'));
    } catch {
      return undefined;
    }
  }
}
