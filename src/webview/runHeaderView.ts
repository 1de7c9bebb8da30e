/**
 * The run's header (run picker, status, Stop, one line of figures) and its footer of actions (Review best, Reject,
 * Retry with a hint, Export). Both only reflect the run; the clicks are handled once, by the panel view.
 */
import type { RunView } from '../panel/protocol';
import { findCandidate } from '../panel/panelModel';
import { h, replaceChildren } from './dom';
import { formatDuration, formatTokens, runStatusText } from './format';

/** The header and footer of the shown run. */
export interface RunChrome {
  header: HTMLElement;
  footer: HTMLElement;
  picker: HTMLSelectElement;
  retryForm: HTMLFormElement;
  hint: HTMLInputElement;
  /** Status line, figures, which buttons show, the best candidate the Review button opens. */
  update(run: RunView): void;
  /** The run picker's options (labels and order) and its selection. */
  updatePicker(runs: RunView[], selectedId: string | undefined): void;
}

/** Only real changes: rewriting the same text would make screen readers announce it again. */
function setText(el: HTMLElement, value: string): void {
  if (el.textContent !== value) el.textContent = value;
}

/** Builds the header and the footer (empty until `update`). */
export function createRunChrome(): RunChrome {
  const picker = h('select', { class: 'run-picker', 'data-testid': 'run-picker', 'aria-label': 'Recent runs' });
  const status = h('p', { class: 'run-status', 'data-testid': 'run-status', role: 'status', 'aria-live': 'polite' });
  const meta = h('p', { class: 'run-meta' });
  const stop = h('button', { type: 'button', 'data-action': 'stop', class: 'danger', 'aria-label': 'Stop the run' }, '■ Stop');
  const hint = h('input', { type: 'text', id: 'retry-hint', class: 'hint', placeholder: 'e.g. the bug is in the loop bound, not the test' });
  const retryForm = h(
    'form',
    { class: 'retry' },
    h('label', { for: 'retry-hint' }, 'Hint for another try'),
    h('div', { class: 'retry-row' }, hint, h('button', { type: 'submit', 'data-action': 'retry' }, 'Retry')),
  );
  const reviewBest = h('button', { type: 'button', 'data-action': 'review', class: 'review-best' }, 'Review best');
  const finishedActions = h(
    'div',
    { class: 'finished-actions' },
    reviewBest,
    h('button', { type: 'button', 'data-action': 'reject', class: 'secondary', 'aria-label': 'Reject this run’s result' }, 'Reject'),
    retryForm,
  );
  const exportActions = h(
    'div',
    { class: 'export-actions' },
    h('button', { type: 'button', 'data-action': 'export', 'data-format': 'markdown', class: 'secondary' }, 'Export Markdown'),
    h('button', { type: 'button', 'data-action': 'export', 'data-format': 'json', class: 'secondary' }, 'Export JSON'),
  );
  const header = h('header', { class: 'run-header' }, h('div', { class: 'run-line' }, picker, stop), status, meta);
  const footer = h('footer', { class: 'run-actions', 'aria-label': 'Run actions' }, finishedActions, exportActions);

  function update(run: RunView): void {
    setText(status, runStatusText(run));
    status.className = `run-status status-${run.status}`;
    const parts = [run.title];
    if (run.provider) parts.push(run.provider);
    parts.push(formatTokens(run.tokens));
    if (run.durationMs !== undefined) parts.push(formatDuration(run.durationMs));
    if (run.error) parts.push(`error: ${run.error}`);
    setText(meta, parts.join(' · '));
    stop.hidden = run.status !== 'running';
    finishedActions.hidden = run.status === 'running';
    const best = findCandidate(run, run.bestCandidateId);
    reviewBest.hidden = !best || !best.diff;
    if (best) {
      reviewBest.dataset.candidateId = best.id;
      reviewBest.setAttribute('aria-label', `Review the best candidate, ${best.round}.${best.index + 1}, inline`);
    }
  }

  function updatePicker(runs: RunView[], selectedId: string | undefined): void {
    replaceChildren(
      picker,
      ...runs.map((r) => h('option', { value: r.id, selected: r.id === selectedId }, `${r.title} — ${r.status === 'running' ? 'running' : r.status}`)),
    );
    if (selectedId !== undefined) picker.value = selectedId;
  }

  return { header, footer, picker, retryForm, hint, update, updatePicker };
}
