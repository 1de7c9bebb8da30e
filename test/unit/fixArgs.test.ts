import * as assert from 'assert';
import { CliUsageError } from '../../src/cli/args';
import { parseFixArgs, providerFromArgs } from '../../src/cli/fixCommand';
import { createHybridProposer } from '../../src/core/hybridProposer';
import { Proposal, ProposalRequest, Proposer } from '../../src/core/ports';

describe('reflect fix flags', () => {
  it('maps flags to loop options', () => {
    const a = parseFixArgs(['--rounds', '2', '--candidates=1', '--max-seconds', '30', '--test-timeout', '10', '--candidate-timeout-factor', '3', '--max-tokens', '5000', '--context-tokens', '2000', '--allow-test-edits', '--hint', 'look at dates', '--only', 'test/a.test.js::adds two', '--only', './test/b.test.js']);
    assert.deepStrictEqual(a.options, {
      rounds: 2, candidates: 1, testTimeoutMs: 10_000, candidateTimeoutFactor: 3, allowTestEdits: true, maxTokens: 5000, contextTokens: 2000, maxDurationMs: 30_000, flakyRetries: 'auto', concurrency: 2,
      hint: 'look at dates', only: [{ file: 'test/a.test.js', name: 'adds two' }, { file: 'test/b.test.js' }],
    });
  });

  it('refuses unknown flags and bad numbers with a message', () => {
    assert.throws(() => parseFixArgs(['--frobnicate']), (e: Error) => e instanceof CliUsageError && /^Unknown option '--frobnicate'.*; run "reflect fix --help" for the options$/.test(e.message));
    assert.throws(() => parseFixArgs(['--candidates', '0']), { message: '--candidates needs a whole number above 0, got "0"' });
    assert.throws(() => parseFixArgs(['--candidate-timeout-factor=-1']), { message: '--candidate-timeout-factor needs a whole number of at least 0, got "-1"' });
    assert.throws(() => parseFixArgs(['--model']), { message: 'Option \'--model <value>\' argument missing; run "reflect fix --help" for the options' });
    assert.throws(() => parseFixArgs(['--timeout', '30']), { message: '--timeout is not an option; use --test-timeout S for one test run, or --max-seconds S for a whole repair run' });
    assert.strictEqual(parseFixArgs(['--test-timeout', '0.5']).options.testTimeoutMs, 500);
  });

  it('measures coverage on the baseline unless --no-coverage says not to', () => {
    assert.strictEqual(parseFixArgs([]).options.coverage, undefined, 'the loop measures by default');
    assert.strictEqual(parseFixArgs(['--no-coverage']).options.coverage, false);
  });

  it('uses the built-in engine unless a model or base URL is given', () => {
    assert.deepStrictEqual(providerFromArgs(parseFixArgs([]), {}), { kind: 'builtin' });
    assert.deepStrictEqual(providerFromArgs(parseFixArgs(['--base-url', 'http://127.0.0.1:11434/v1', '--model', 'qwen2.5-coder']), {}), {
      kind: 'openai', baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder', apiKeyEnv: 'OPENAI_API_KEY',
    });
    assert.strictEqual(providerFromArgs(parseFixArgs([]), { REFLECT_PROVIDER: 'openai', REFLECT_MODEL: 'm', OPENAI_API_KEY: 'k' }).kind, 'openai');
  });

  it('reads the key from the named variable, OPENAI_BASE_URL for the endpoint, and wants a key for api.openai.com', () => {
    const p = providerFromArgs(parseFixArgs(['--model', 'gpt', '--critic-model', 'critic', '--api-key-env', 'MY_KEY']), { MY_KEY: 'secret-value', OPENAI_BASE_URL: 'http://h:1/v1' });
    assert.deepStrictEqual(p, { kind: 'openai', baseURL: 'http://h:1/v1', model: 'gpt', apiKeyEnv: 'MY_KEY', apiKey: 'secret-value', criticModel: 'critic' });
    assert.throws(() => providerFromArgs(parseFixArgs(['--model', 'gpt']), {}), { message: 'no API key: set OPENAI_API_KEY, or pass --base-url for a local server (Ollama, LM Studio, llama.cpp, vLLM)' });
    assert.throws(() => providerFromArgs(parseFixArgs(['--model', 'gpt', '--api-key-env', 'NOPE']), {}), { message: 'the environment variable NOPE (from --api-key-env) is not set' });
    assert.throws(() => providerFromArgs(parseFixArgs(['--provider', 'openai']), {}), /needs --model NAME/);
  });
});

describe('hybrid proposer', () => {
  const fixed = (name: string, proposals: Proposal[]): Proposer & { calls: number } => {
    const p = { name, calls: 0, async propose() { p.calls++; return proposals; } };
    return p;
  };
  const req = {} as ProposalRequest;
  const proposal = (summary: string, source: Proposal['source']): Proposal => ({ summary, changes: [], source });

  it('asks the built-in engine first, then the model', async () => {
    const builtin = fixed('builtin', [proposal('b', 'builtin')]);
    const model = fixed('model', [proposal('m', 'model')]);
    const hybrid = createHybridProposer(builtin, model);
    assert.deepStrictEqual(await hybrid.propose(req), [proposal('b', 'hybrid')]);
    assert.deepStrictEqual(await hybrid.propose(req), [proposal('m', 'model')]);
    assert.deepStrictEqual([builtin.calls, model.calls], [1, 1]);
  });

  it('lets the model take over at once when the built-in engine has nothing', async () => {
    const hybrid = createHybridProposer(fixed('builtin', []), fixed('model', [proposal('m', 'model')]));
    assert.deepStrictEqual(await hybrid.propose(req), [proposal('m', 'model')]);
  });
});
