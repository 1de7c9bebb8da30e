/**
 * The `TestRunner` the engine, the CLI and the benchmark use: detects the framework of a workspace once, then
 * runs its tests in that workspace or in any scratch copy of it (`request.root`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { TestRunner, TestRunRequest } from '../../core/ports';
import type { FrameworkId, TestReport } from '../../core/types';
import { detectFramework, frameworkInScript } from './detectFramework';
import { genericAdapter } from './genericAdapter';
import { jestAdapter } from './jestAdapter';
import { mochaAdapter } from './mochaAdapter';
import { nodeTestAdapter } from './nodeTestAdapter';
import { pytestAdapter } from './pytestAdapter';
import { FrameworkAdapter, runWithAdapter } from './runWithAdapter';
import { parseTestScript, TestScript } from './testScript';
import { TestSetupError } from './testSetupError';
import { vitestAdapter } from './vitestAdapter';

/** A runner bound to one workspace's framework. */
export type WorkspaceTestRunner = TestRunner & {
  readonly framework: FrameworkId;
  /** One line for a person: "jest (scripts.test runs jest)". */
  describe(): string;
};

const ADAPTERS: Record<Exclude<FrameworkId, 'generic'>, FrameworkAdapter> = {
  'node-test': nodeTestAdapter,
  jest: jestAdapter,
  vitest: vitestAdapter,
  mocha: mochaAdapter,
  pytest: pytestAdapter,
};

/**
 * Detects how `root` runs its tests (or uses `opts.command` as given) and returns a runner for it.
 * Throws `TestSetupError` when the folder does not exist or no framework can be found.
 */
export async function createTestRunner(root: string, opts: { command?: string } = {}): Promise<WorkspaceTestRunner> {
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new TestSetupError(`${root} is not a folder; pass the workspace folder (--cwd DIR)`);
  }
  const command = opts.command?.trim();
  if (opts.command !== undefined && !command) throw new TestSetupError('the test command is empty; pass a command such as --command "npm test"');
  if (command) return bind(genericAdapter(command), `the command \`${command}\``);
  const detection = detectFramework(root);
  if (!detection) {
    throw new TestSetupError(`no test framework detected in ${root}; set reflect.testCommand or pass --command "YOUR TEST COMMAND"`);
  }
  const script = scriptOf(root, detection.framework);
  const steps = script?.before.length ? `; runs \`${script.before.join(' && ')}\` first` : '';
  return bind(ADAPTERS[detection.framework], `${detection.framework} (${detection.reason}${steps})`, script);
}

/** What package.json's scripts put around the framework (build steps, env), when they run it. */
function scriptOf(root: string, framework: FrameworkId): TestScript | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, unknown> };
    return parseTestScript(pkg.scripts, (step) => frameworkInScript(step) === framework);
  } catch {
    return undefined;
  }
}

function bind(adapter: FrameworkAdapter, description: string, script?: TestScript): WorkspaceTestRunner {
  return {
    framework: adapter.framework,
    describe: () => description,
    run: (request: TestRunRequest): Promise<TestReport> => runWithAdapter(adapter, request, script),
  };
}
