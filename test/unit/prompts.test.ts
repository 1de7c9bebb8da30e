import * as assert from 'assert';
import { ACTOR_SYSTEM_PROMPT, actorVariation, CRITIC_SYSTEM_PROMPT, renderActorPrompt, renderFailure } from '../../src/core/prompts';
import { TestResult } from '../../src/core/types';

const failing: TestResult = {
  id: 'test/a.test.js::adds', file: 'test/a.test.js', name: 'math > adds', status: 'failed', durationMs: 1,
  failure: { message: 'Expected values to be strictly equal:\n\n-1 !== 3', expected: '3', actual: '-1', location: { file: 'test/a.test.js', line: 4 }, frames: [{ file: 'src/a.js', line: 2 }, { file: 'test/a.test.js', line: 4 }] },
};

describe('prompts', () => {
  it('the actor system prompt fixes the edit format and forbids test edits', () => {
    assert.ok(ACTOR_SYSTEM_PROMPT.includes('path/to/file.js\n<<<<<<< SEARCH\nthe exact lines now in the file\n=======\nthe lines that replace them\n>>>>>>> REPLACE'));
    assert.ok(ACTOR_SYSTEM_PROMPT.includes('Never edit test files'));
  });

  it('the critic system prompt asks for evidence and a next step, not edits', () => {
    assert.ok(CRITIC_SYSTEM_PROMPT.includes('quote the expected and actual values'));
    assert.ok(CRITIC_SYSTEM_PROMPT.includes('Exactly what to try next'));
    assert.ok(CRITIC_SYSTEM_PROMPT.includes('No code edits'));
  });

  it('renders a failure with its evidence', () => {
    assert.strictEqual(renderFailure(failing), [
      '### math > adds  (test/a.test.js)', 'Message: Expected values to be strictly equal:\n\n-1 !== 3', 'Expected: 3', 'Actual: -1',
      'At: test/a.test.js:4', 'Frames: src/a.js:2 ← test/a.test.js:4', '',
    ].join('\n'));
  });

  it('lists failures by id only when the context already quotes the evidence, and ends with the instruction', () => {
    const text = renderActorPrompt({ failures: [failing], context: 'CODE', contextHasEvidence: true, memory: [], lessons: [], instruction: actorVariation(1).instruction });
    assert.strictEqual(text, [
      '## Failing tests', '', '- test/a.test.js::adds', '', '## Code', '', 'CODE', '', '## Your task', '', actorVariation(1).instruction,
      'Answer with the explanation and the SEARCH/REPLACE blocks.',
    ].join('\n'));
  });

  it('tells the actor why the replies of the last round could not be applied', () => {
    const reason = 'r1c2: unified diff 1 for src/m.js: hunk 2 does not match lines 4–6 of the file (nor any other place)';
    const text = renderActorPrompt({ failures: [failing], context: 'CODE', contextHasEvidence: true, memory: [], lessons: [], instruction: 'Fix it.', rejected: [reason] });
    assert.ok(text.includes(`## Replies of the last round that could not be applied (do not repeat the mistake)\n\n- ${reason}\n`), text);
  });

  it('varies temperature and instruction per candidate, cycling past three', () => {
    assert.deepStrictEqual([0, 1, 2, 3].map((i) => actorVariation(i).temperature), [0.2, 0.6, 0.9, 0.2]);
    assert.notStrictEqual(actorVariation(0).instruction, actorVariation(2).instruction);
  });
});
