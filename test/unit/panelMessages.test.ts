import * as assert from 'assert';
import type { PanelActions } from '../../src/vscode/panelMessages';
import { MAX_HINT_LENGTH, routeViewMessage } from '../../src/vscode/panelMessages';

/** Actions that record their calls. */
function recorder(): { actions: PanelActions; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const actions: PanelActions = {
    stop: (...a) => void calls.push(['stop', ...a]),
    review: (...a) => void calls.push(['review', ...a]),
    compare: (...a) => void calls.push(['compare', ...a]),
    reject: (...a) => void calls.push(['reject', ...a]),
    retry: (...a) => void calls.push(['retry', ...a]),
    export: (...a) => void calls.push(['export', ...a]),
  };
  return { actions, calls };
}

const known = (id: string) => id === 'run-1';

describe('trace panel view messages', () => {
  it('routes each action of a known run to its handler with its arguments', () => {
    const { actions, calls } = recorder();
    const results = [
      { type: 'stop', runId: 'run-1' },
      { type: 'review', runId: 'run-1', candidateId: 'r2c1' },
      { type: 'reject', runId: 'run-1' },
      { type: 'retry', runId: 'run-1', hint: '  the step can be negative \n' },
      { type: 'export', runId: 'run-1', format: 'json' },
      { type: 'export', runId: 'run-1', format: 'markdown' },
      { type: 'compare', runId: 'run-1', candidateId: 'r1c2' },
    ].map((m) => routeViewMessage(m, known, actions));
    assert.deepStrictEqual(results, ['action', 'action', 'action', 'action', 'action', 'action', 'action']);
    assert.deepStrictEqual(calls, [
      ['stop', 'run-1'],
      ['review', 'run-1', 'r2c1'],
      ['reject', 'run-1'],
      ['retry', 'run-1', 'the step can be negative'],
      ['export', 'run-1', 'json'],
      ['export', 'run-1', 'markdown'],
      ['compare', 'run-1', 'r1c2'],
    ]);
  });

  it('answers ready without calling anything', () => {
    const { actions, calls } = recorder();
    assert.strictEqual(routeViewMessage({ type: 'ready' }, known, actions), 'ready');
    assert.deepStrictEqual(calls, []);
  });

  it('ignores malformed messages and runs it does not know', () => {
    const { actions, calls } = recorder();
    const bad: unknown[] = [
      null, 'stop', 42, {}, { type: 'stop' }, { type: 'stop', runId: 7 }, { type: 'stop', runId: 'run-9' },
      { type: 'review', runId: 'run-1' }, { type: 'compare', runId: 'run-1', candidateId: 3 }, { type: 'retry', runId: 'run-1', hint: 3 },
      { type: 'export', runId: 'run-1', format: 'html' }, { type: 'delete', runId: 'run-1' },
    ];
    assert.deepStrictEqual(bad.map((m) => routeViewMessage(m, known, actions)), bad.map(() => 'ignored'));
    assert.deepStrictEqual(calls, []);
  });

  it('cuts a very long hint', () => {
    const { actions, calls } = recorder();
    routeViewMessage({ type: 'retry', runId: 'run-1', hint: 'h'.repeat(MAX_HINT_LENGTH + 50) }, known, actions);
    assert.strictEqual((calls[0][2] as string).length, MAX_HINT_LENGTH);
  });
});
