import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { createReflectMcpServer } from '../../src/cli/mcpServer';
import { DEFAULT_LOOP_OPTIONS } from '../../src/core/types';
import { fixInput, runTestsInput, verifyInput } from '../../src/node/toolInput';
import { repoRoot } from '../support/fixtures';

/** The tools' arguments are declared three times (zod for MCP, JSON Schema in package.json, the editor's checks). */

type Schema = { properties?: Record<string, Record<string, unknown>> };
const MCP_TO_LM: Record<string, string> = {
  run_tests: 'reflect_run_tests', fix_failing_tests: 'reflect_fix_failing_tests', verify_change: 'reflect_verify_change',
};
/** The parts of a property schema that constrain a value (descriptions differ between the two on purpose). */
const BOUNDS = ['type', 'minimum', 'maximum', 'minLength', 'maxLength', 'maxItems', 'pattern'];
const bounds = (p: Record<string, unknown>) => JSON.stringify(Object.fromEntries(BOUNDS.filter((k) => p[k] !== undefined).map((k) => [k, p[k]])));

describe('the tools\' argument schemas', () => {
  it('package.json declares for each editor tool the same arguments and bounds as the MCP server lists', async () => {
    const server = createReflectMcpServer({ root: repoRoot, provider: { kind: 'builtin' }, options: DEFAULT_LOOP_OPTIONS }, '0.0.0');
    const [a, b] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: 'schema-test', version: '1' });
    await Promise.all([server.connect(a), client.connect(b)]);
    const { tools } = await client.listTools();
    await client.close();
    const lm = (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes.languageModelTools as { name: string; inputSchema: Schema }[]);
    assert.deepStrictEqual(lm.map((t) => t.name), tools.map((t) => MCP_TO_LM[t.name]));
    for (const tool of tools) {
      const mcp = (tool.inputSchema as Schema).properties ?? {};
      const declared = lm.find((t) => t.name === MCP_TO_LM[tool.name])!.inputSchema.properties ?? {};
      assert.deepStrictEqual(Object.keys(declared).sort(), Object.keys(mcp).sort(), tool.name);
      for (const key of Object.keys(mcp)) {
        assert.strictEqual(bounds(declared[key]), bounds(mcp[key]), `${tool.name}.${key}`);
        if (mcp[key].items) assert.strictEqual(bounds(declared[key].items as Record<string, unknown>), bounds(mcp[key].items as Record<string, unknown>), `${tool.name}.${key}[]`);
      }
    }
  });

  it('the editor\'s checks accept what the schemas allow and name the field of what they do not', () => {
    assert.deepStrictEqual(fixInput({ only: ['test/a.test.js::adds'], rounds: 2, apply: true }), { only: [{ file: 'test/a.test.js', name: 'adds' }], rounds: 2, apply: true });
    assert.deepStrictEqual(runTestsInput(undefined), {});
    assert.deepStrictEqual(verifyInput({ base: 'main~1' }), { base: 'main~1' });
    assert.throws(() => fixInput({ rounds: 11 }), /^ToolInputError: rounds must be a whole number from 1 to 10$/);
    assert.throws(() => fixInput({ rounds: '2' }), /rounds must be a whole number/);
    assert.throws(() => fixInput({ apply: 'yes' }), /apply must be true or false/);
    assert.throws(() => runTestsInput({ command: 'rm -rf /' }), /unknown argument "command"; the arguments are only, timeoutSeconds/);
    assert.throws(() => runTestsInput({ only: ['../secret/x.test.js'] }), /"..\/secret\/x.test.js" is outside the workspace/);
    assert.throws(() => runTestsInput({ only: ['/etc/passwd'] }), /outside the workspace/);
    assert.throws(() => verifyInput({ base: '--output=/tmp/x' }), /base must be a git ref/);
    assert.throws(() => verifyInput({ base: 'main; rm -rf /' }), /base must be a git ref/);
  });
});
