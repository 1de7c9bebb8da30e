/**
 * The panel's DOM: a header (run picker, status, Stop), the baseline, the rounds, the live model output, the run's
 * actions (Review best, Reject, Retry with a hint, Export) and its log. `render` builds a run from scratch (after a
 * snapshot or a change of run); `apply` patches only what an event changed, so a long trace stays fast to update.
 * Each part is a view of its own (runHeaderView, roundsView, streamView); this file puts them together and routes
 * each change to the part it concerns.
 * DOM contract: `data-testid="run-status"` (aria-live) holds the run status; `data-testid="stream"` holds the text
 * the model is writing; action buttons carry `data-action="stop|reject|retry|export|review"` (review buttons also
 * `data-candidate-id`; export buttons `data-format="markdown|json"`).
 */
import type { PanelChange } from '../panel/panelModel';
import type { RunView, ViewMessage } from '../panel/protocol';
import { h, replaceChildren } from './dom';
import { baselineText } from './format';
import { createRoundsView } from './roundsView';
import { createRunChrome } from './runHeaderView';
import { createStreamView } from './streamView';

export interface PanelView {
  /** Rebuilds the run picker and the whole selected run. */
  render(runs: RunView[], selected: RunView | undefined): void;
  /** Patches the selected run's DOM after `applyPanelEvent` returned `changes`. */
  apply(run: RunView, changes: PanelChange[]): void;
  /** Refreshes the run picker (labels and order) without touching the run. */
  updatePicker(runs: RunView[], selectedId: string | undefined): void;
}

/** Builds the panel inside `root`; actions go to `post`, a choice in the run picker to `onSelect`. */
export function createPanelView(root: HTMLElement, post: (m: ViewMessage) => void, onSelect: (runId: string) => void): PanelView {
  const chrome = createRunChrome();
  const rounds = createRoundsView();
  const stream = createStreamView();
  const log = createLogView();
  const baseline = h('p', { class: 'baseline', 'data-testid': 'baseline' });
  const empty = h('p', { class: 'empty' }, 'No runs yet. Run “Reflect: Fix Failing Tests” to start one; each round will appear here.');
  const body = h('div', { class: 'run', hidden: true }, chrome.header, baseline, rounds.element, stream.element, chrome.footer, log.element);
  replaceChildren(root, empty, body);
  let current: RunView | undefined;
  listenForActions(root, chrome, post, () => current);
  chrome.picker.addEventListener('change', () => onSelect(chrome.picker.value));

  function render(runs: RunView[], selected: RunView | undefined): void {
    current = selected;
    rounds.clear();
    stream.clear();
    chrome.updatePicker(runs, selected?.id);
    empty.hidden = !!selected;
    body.hidden = !selected;
    if (!selected) return;
    chrome.update(selected);
    baseline.textContent = baselineText(selected.baseline, selected.baselineRunning);
    rounds.drawAll(selected);
    for (const s of selected.streams) stream.delta(selected, s.callId, s.text);
    log.update(selected);
  }

  /** One change to the part it concerns; the header follows whatever changes the run's figures. */
  function applyChange(run: RunView, ch: PanelChange): void {
    switch (ch.kind) {
      case 'run': chrome.update(run); break;
      case 'baseline':
        baseline.textContent = baselineText(run.baseline, run.baselineRunning);
        chrome.update(run);
        break;
      case 'round':
        rounds.updateRound(run, ch.round);
        chrome.update(run);
        break;
      case 'candidate': rounds.updateCandidate(run, ch.round, ch.candidateId); break;
      case 'best':
        chrome.update(run);
        rounds.moveBest(run, ch.previous, ch.current);
        break;
      case 'stream-delta': stream.delta(run, ch.callId, ch.text); break;
      case 'stream-end': stream.end(ch.callId); break;
      case 'log': log.update(run); break;
    }
  }

  function apply(run: RunView, changes: PanelChange[]): void {
    if (run !== current) return;
    const done = new Set<string>();
    for (const ch of changes) {
      // A run, round or candidate is redrawn once per batch of changes, however often the batch names it.
      const key = ch.kind === 'round' ? `r${ch.round}` : ch.kind === 'candidate' ? `c${ch.candidateId}` : ch.kind === 'run' ? 'run' : '';
      if (key && done.has(key)) continue;
      if (key) done.add(key);
      applyChange(run, ch);
    }
    // A candidate can be re-rendered before its round's best is known; the mark follows the model either way.
    rounds.markBest(run);
  }

  return { render, apply, updatePicker: chrome.updatePicker };
}

/** One listener for every action button (buttons are re-created as the trace grows), and the Retry form. */
function listenForActions(root: HTMLElement, chrome: ReturnType<typeof createRunChrome>, post: (m: ViewMessage) => void, current: () => RunView | undefined): void {
  root.addEventListener('click', (ev) => {
    const button = (ev.target as Element).closest<HTMLButtonElement>('button[data-action]');
    const summary = (ev.target as Element).closest('summary');
    if (summary?.parentElement) summary.parentElement.dataset.toggled = 'true';
    const run = current();
    if (!button || !run || button.type === 'submit') return;
    const runId = run.id;
    const action = button.dataset.action;
    if (action === 'stop') post({ type: 'stop', runId });
    else if (action === 'reject') post({ type: 'reject', runId });
    else if (action === 'review' && button.dataset.candidateId) post({ type: 'review', runId, candidateId: button.dataset.candidateId });
    else if (action === 'compare' && button.dataset.candidateId) post({ type: 'compare', runId, candidateId: button.dataset.candidateId });
    else if (action === 'export') post({ type: 'export', runId, format: button.dataset.format === 'json' ? 'json' : 'markdown' });
  });
  chrome.retryForm.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const run = current();
    if (!run) return;
    post({ type: 'retry', runId: run.id, hint: chrome.hint.value.trim() });
    chrome.hint.value = '';
  });
}

/** The run's log, folded away under its line count. */
function createLogView(): { element: HTMLElement; update(run: RunView): void } {
  const list = h('ul', { class: 'log-lines' });
  const summary = h('summary', {}, 'Log');
  const element = h('details', { class: 'log', hidden: true }, summary, list);
  return {
    element,
    update(run) {
      element.hidden = run.logs.length === 0;
      summary.textContent = `Log (${run.logs.length})`;
      replaceChildren(list, ...run.logs.map((l) => h('li', { class: `log-${l.level}` }, `${l.level}: ${l.message}`)));
    },
  };
}
