/**
 * Tree-sitter for Node: web-tree-sitter (WASM, no native parts) with the javascript, typescript, tsx and python
 * grammars. Nothing loads at import time: the runtime and each grammar load on the first parse that needs them,
 * so commands that never parse (e.g. `reflect --help`) pay nothing.
 */
import * as fs from 'fs';
import * as path from 'path';
import type * as TreeSitter from 'web-tree-sitter';
import type { LanguageId, SyntaxNode, SyntaxParser } from '../core/ports';

export interface SyntaxParserOptions {
  /** Folder holding tree-sitter.wasm and tree-sitter-<language>.wasm (default: next to the bundle, else node_modules). */
  wasmDir?: string;
}

const EXTENSIONS: Record<string, LanguageId> = {
  '.js': 'javascript', '.mjs': 'javascript', '.cjs': 'javascript', '.jsx': 'javascript',
  '.ts': 'typescript', '.mts': 'typescript', '.cts': 'typescript',
  '.tsx': 'tsx',
  '.py': 'python',
};

/** The language of a workspace path by its extension, or undefined for files tree-sitter is not used on. */
export function languageOf(filePath: string): LanguageId | undefined {
  const dot = filePath.lastIndexOf('.');
  return dot < 0 ? undefined : EXTENSIONS[filePath.slice(dot).toLowerCase()];
}

type Runtime = { module: typeof TreeSitter; parser: TreeSitter.Parser };

// One runtime per process: web-tree-sitter's module is a singleton, and a second concurrent Parser.init breaks
// the first one ("Incompatible language version 0"). Grammars are cached by file.
let runtime: Promise<Runtime> | undefined;
const languages = new Map<string, Promise<TreeSitter.Language>>();

function loadRuntime(wasmDir?: string): Promise<Runtime> {
  if (!runtime) {
    runtime = (async () => {
      // A plain require of the CJS build: the ESM build's import.meta.url breaks inside a CommonJS bundle.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('web-tree-sitter') as typeof TreeSitter;
      const runtimeWasm = locateRuntimeWasm(wasmDir);
      await module.Parser.init({ locateFile: () => runtimeWasm } as never);
      return { module, parser: new module.Parser() };
    })();
    runtime.catch(() => {
      runtime = undefined;
    });
  }
  return runtime;
}

const grammarFiles = new Map<string, string>();

function loadLanguage(id: LanguageId, wasmDir?: string): Promise<TreeSitter.Language> {
  const key = `${wasmDir ?? ''}\n${id}`;
  let file = grammarFiles.get(key);
  if (!file) grammarFiles.set(key, (file = locateGrammarWasm(id, wasmDir)));
  let lang = languages.get(file);
  if (!lang) {
    lang = loadRuntime(wasmDir).then(({ module }) => module.Language.load(file));
    lang.catch(() => languages.delete(file));
    languages.set(file, lang);
  }
  return lang;
}

/** A SyntaxParser backed by web-tree-sitter. Instances share the process's one runtime and grammar cache. */
export function createSyntaxParser(opts: SyntaxParserOptions = {}): SyntaxParser {
  return {
    languageOf,
    async parse<T>(language: LanguageId, text: string, use: (root: SyntaxNode) => T): Promise<T> {
      const [{ parser }, lang] = await Promise.all([loadRuntime(opts.wasmDir), loadLanguage(language, opts.wasmDir)]);
      // From here on everything is synchronous, so the shared parser cannot be switched under another parse.
      parser.setLanguage(lang);
      const tree = parser.parse(text);
      if (!tree) throw new Error(`tree-sitter could not parse the ${language} text (${text.length} characters)`);
      try {
        return use(tree.rootNode as unknown as SyntaxNode);
      } finally {
        tree.delete();
      }
    },
  };
}

/** Folders that may hold the grammar files, best first. */
function grammarDirs(wasmDir?: string): string[] {
  const dirs = wasmDir ? [wasmDir] : [];
  // Bundled: esbuild.js copies the .wasm files next to dist/*.js, which is this code's __dirname.
  dirs.push(__dirname);
  try {
    dirs.push(path.join(path.dirname(require.resolve('@vscode/tree-sitter-wasm/package.json')), 'wasm'));
  } catch {
    // Not installed (a bundle shipped without node_modules): the folders above must do.
  }
  return dirs;
}

function locateGrammarWasm(id: LanguageId, wasmDir?: string): string {
  const name = `tree-sitter-${id}.wasm`;
  const dirs = grammarDirs(wasmDir);
  for (const dir of dirs) {
    const p = path.join(dir, name);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`tree-sitter grammar ${name} not found in ${dirs.join(', ')}; reinstall Reflect or run \`npm run build\``);
}

function locateRuntimeWasm(wasmDir?: string): string {
  const dirs = wasmDir ? [wasmDir, __dirname] : [__dirname];
  try {
    dirs.push(path.dirname(require.resolve('web-tree-sitter')));
  } catch {
    // Bundled without node_modules.
  }
  for (const dir of dirs) {
    const p = path.join(dir, 'tree-sitter.wasm');
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`tree-sitter.wasm not found in ${dirs.join(', ')}; reinstall Reflect or run \`npm run build\``);
}
