/**
 * The rounds of the shown run and their candidates, drawn one element at a time: a candidate is redrawn when an
 * event changed it, in its place, keeping keyboard focus and a diff the person opened or closed.
 */
import type { RunView } from '../panel/protocol';
import { findCandidate } from '../panel/panelModel';
import { renderCandidate, setBestMark } from './candidateView';
import { h, replaceChildren } from './dom';
import { createRound, updateRound, updateRoundMeta } from './roundView';
import type { RoundElements } from './roundView';

/** The rounds section of the shown run. */
export interface RoundsView {
  element: HTMLElement;
  /** Draws every round and candidate of `run` (after `clear`). */
  drawAll(run: RunView): void;
  /** The round's critique, calls and figures (and its section, created in index order when new). */
  updateRound(run: RunView, index: number): void;
  /** Draws (or redraws in place) one candidate, then its round's figures. */
  updateCandidate(run: RunView, round: number, id: string): void;
  /** Moves the best mark from `previous` to `current`. */
  moveBest(run: RunView, previous: string | undefined, current: string | undefined): void;
  /** Makes sure the run's best candidate carries the mark (it may have been drawn before its round ended). */
  markBest(run: RunView): void;
  clear(): void;
}

/** Builds the (empty) rounds section. */
export function createRoundsView(): RoundsView {
  const element = h('div', { class: 'rounds' });
  const roundEls = new Map<number, RoundElements>();
  const candidateEls = new Map<string, HTMLElement>();
  const ended = (run: RunView) => run.status !== 'running';

  function ensureRound(index: number): RoundElements {
    let els = roundEls.get(index);
    if (!els) {
      els = createRound(index);
      roundEls.set(index, els);
      const next = [...roundEls.entries()].filter(([i]) => i > index).sort(([a], [b]) => a - b)[0];
      element.insertBefore(els.section, next ? next[1].section : null);
    }
    return els;
  }

  function drawCandidate(run: RunView, roundIndex: number, id: string): void {
    const round = run.rounds.find((r) => r.index === roundIndex);
    const c = round?.candidates.find((x) => x.id === id);
    if (!round || !c) return;
    const els = ensureRound(roundIndex);
    const old = candidateEls.get(id);
    // Keep the diff open or closed only if the person chose; otherwise the new status decides.
    const wasOpen = old?.querySelector<HTMLDetailsElement>('details[data-toggled]')?.open;
    const el = renderCandidate(c, { best: run.bestCandidateId === id, baseline: run.baseline, wasOpen, runEnded: ended(run) });
    candidateEls.set(id, el);
    if (old) {
      // Keep keyboard focus where it was: a redraw must not throw a keyboard user back to the top of the page.
      const focused = old.contains(document.activeElement) ? (document.activeElement as HTMLElement) : undefined;
      old.replaceWith(el);
      if (focused) focusCounterpart(el, focused);
    } else {
      // Insert before the next candidate of the round (model order) that is already on screen.
      const after = round.candidates.slice(round.candidates.indexOf(c) + 1).find((x) => candidateEls.has(x.id));
      els.candidates.insertBefore(el, after ? candidateEls.get(after.id)! : null);
    }
  }

  return {
    element,
    drawAll(run) {
      for (const r of run.rounds) {
        updateRound(ensureRound(r.index), r, ended(run));
        for (const c of r.candidates) drawCandidate(run, r.index, c.id);
      }
    },
    updateRound(run, index) {
      const r = run.rounds.find((x) => x.index === index);
      if (r) updateRound(ensureRound(index), r, ended(run));
    },
    updateCandidate(run, round, id) {
      drawCandidate(run, round, id);
      const r = run.rounds.find((x) => x.index === round);
      if (r) updateRoundMeta(ensureRound(round), r, ended(run));
    },
    moveBest(run, previous, current) {
      for (const id of [previous, current]) {
        const el = id !== undefined ? candidateEls.get(id) : undefined;
        if (el) setBestMark(el, id === run.bestCandidateId);
      }
    },
    markBest(run) {
      const best = findCandidate(run, run.bestCandidateId);
      const el = best ? candidateEls.get(best.id) : undefined;
      if (el && el.getAttribute('data-best') !== 'true') setBestMark(el, true);
    },
    clear() {
      roundEls.clear();
      candidateEls.clear();
      replaceChildren(element);
    },
  };
}

/** After a redraw, focuses the control of the new element that matches the one that had focus. */
function focusCounterpart(el: HTMLElement, focused: HTMLElement): void {
  const action = focused.dataset.action;
  const target = action ? el.querySelector<HTMLElement>(`[data-action="${action}"]`) : el.querySelector<HTMLElement>(focused.tagName.toLowerCase());
  (target ?? el.querySelector<HTMLElement>('summary'))?.focus();
}
