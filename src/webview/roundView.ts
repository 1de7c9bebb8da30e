/**
 * Renders one round: a heading, its tokens and time, its model calls, its candidates and the critique written after
 * it. The round's parts are kept in `RoundElements` so an event updates only what it changed.
 * DOM contract: a round with a critique has one `data-testid="critique"` element whose textContent is exactly the
 * critique text; a round without one has none.
 */
import type { RoundView } from '../panel/protocol';
import { h, replaceChildren } from './dom';
import { callText, candidateCounts, formatDuration, formatTokens } from './format';

/** The live parts of a rendered round. */
export interface RoundElements {
  section: HTMLElement;
  meta: HTMLElement;
  calls: HTMLElement;
  candidates: HTMLElement;
  critiqueBlock: HTMLElement;
  critiqueAuthor: HTMLElement;
  critique: HTMLElement;
}

/** Builds the empty skeleton of a round (fill it with `updateRound` and candidates). */
export function createRound(index: number): RoundElements {
  const headingId = `round-${index}`;
  const meta = h('p', { class: 'round-meta' });
  const calls = h('ul', { class: 'calls', 'aria-label': `Model calls of round ${index}` });
  const candidates = h('div', { class: 'candidates' });
  const critiqueAuthor = h('span', { class: 'critique-author' });
  // The test id is set only once there is a critique, so every `critique` element holds real text.
  const critique = h('blockquote', { class: 'critique' });
  const critiqueBlock = h(
    'div',
    { class: 'critique-block', hidden: true },
    h('h3', {}, 'Critique ', critiqueAuthor),
    critique,
  );
  const section = h(
    'section',
    { class: 'round', 'data-testid': 'round', 'data-round': index, 'aria-labelledby': headingId },
    h('h2', { id: headingId }, `Round ${index}`),
    meta,
    calls,
    candidates,
    critiqueBlock,
  );
  return { section, meta, calls, candidates, critiqueBlock, critiqueAuthor, critique };
}

/** Updates the round's one-line summary: its candidates by status, tokens and time. */
export function updateRoundMeta(els: RoundElements, r: RoundView, runEnded: boolean): void {
  const parts = [candidateCounts(r.candidates, runEnded), formatTokens(r.tokens)].filter(Boolean);
  if (r.durationMs !== undefined) parts.push(formatDuration(r.durationMs));
  if (!r.ended && !runEnded) parts.push('in progress');
  const text = parts.join(' · ');
  if (els.meta.textContent !== text) els.meta.textContent = text;
  els.section.classList.toggle('ended', r.ended);
}

/** Updates a round's summary, calls and critique from the model. */
export function updateRound(els: RoundElements, r: RoundView, runEnded: boolean): void {
  updateRoundMeta(els, r, runEnded);

  replaceChildren(els.calls, ...r.calls.map((c) => h('li', { class: c.error ? 'call failed' : 'call' }, callText(c))));
  els.calls.hidden = r.calls.length === 0;

  const refl = r.reflection;
  els.critiqueBlock.hidden = !refl;
  if (refl) els.critique.setAttribute('data-testid', 'critique');
  else els.critique.removeAttribute('data-testid');
  if (refl) {
    const who = refl.model ? `${refl.author}, ${refl.model}` : refl.author;
    const cost = refl.usage ? ` · ${formatTokens(refl.usage)}` : '';
    els.critiqueAuthor.textContent = `(${who} · ${formatDuration(refl.durationMs)}${cost})`;
    if (els.critique.textContent !== refl.text) els.critique.textContent = refl.text;
  }
}
