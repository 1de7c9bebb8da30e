/**
 * The project's `test` script read the way `npm test` runs it: `pretest` and `posttest`, steps chained with
 * `&&` before and after the framework (`tsc && vitest run`), environment assignments (`TZ=UTC jest`,
 * `cross-env NODE_ENV=test mocha`) and, for node:test, the Node flags and paths it gives (`node --import tsx
 * --test dist/test/`). The framework itself is still started by its adapter, with our reporter; this is what
 * surrounds it.
 */

/** What the project's scripts add around the framework. */
export interface TestScript {
  /** Shell commands run first, in order (pretest, then steps before the framework). */
  before: string[];
  /** Shell commands run after the tests (steps after the framework, then posttest). */
  after: string[];
  /** Environment assignments of the framework's step. */
  env: Record<string, string>;
  /** Arguments after the framework's command (for node: its flags and paths, without `--test`). */
  args: string[];
}

/**
 * Reads `scripts` (package.json's). Undefined when there is nothing to honour, or when the test script is
 * shell beyond `&&` chains (`||`, `;`, pipes): then only the framework runs, as before.
 */
export function parseTestScript(scripts: Record<string, unknown> | undefined, isFrameworkStep: (step: string) => boolean): TestScript | undefined {
  const test = typeof scripts?.test === 'string' ? scripts.test : '';
  const pre = typeof scripts?.pretest === 'string' && scripts.pretest.trim() ? [scripts.pretest.trim()] : [];
  const post = typeof scripts?.posttest === 'string' && scripts.posttest.trim() ? [scripts.posttest.trim()] : [];
  if (/\|\||;|(?<!\|)\|(?!\|)|`|\$\(/.test(stripQuoted(test))) return undefined;
  const steps = test.split('&&').map((s) => s.trim()).filter(Boolean);
  const at = steps.findIndex(isFrameworkStep);
  if (at < 0) return undefined;
  const { env, args } = frameworkStep(steps[at]);
  const script: TestScript = { before: [...pre, ...steps.slice(0, at)], after: [...steps.slice(at + 1), ...post], env, args };
  const empty = !script.before.length && !script.after.length && !Object.keys(env).length && !args.length;
  return empty ? undefined : script;
}

/** Leading `VAR=value` words (also after `cross-env`), then the command's arguments past the framework's name. */
function frameworkStep(step: string): { env: Record<string, string>; args: string[] } {
  const words = shellWords(step);
  const env: Record<string, string> = {};
  let i = 0;
  for (; i < words.length; i++) {
    const m = /^([A-Za-z_]\w*)=(.*)$/s.exec(words[i]);
    if (m) env[m[1]] = m[2];
    else if (words[i] !== 'cross-env' && words[i] !== 'npx' && words[i] !== 'env') break;
  }
  const command = words[i] ?? '';
  const rest = words.slice(i + 1);
  // For node, its own flags and the paths matter (--import tsx, dist/test/); --test is ours to add.
  const args = /(?:^|\/)node$/.test(command) ? rest.filter((w) => w !== '--test') : [];
  return { env, args };
}

/** Splits a command into words, honouring single and double quotes and backslash escapes. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

function stripQuoted(text: string): string {
  return text.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""');
}
