/** The text the model is writing, live: one block per model call, removed when the call completes. */
import type { RunView } from '../panel/protocol';
import { h, replaceChildren } from './dom';

/** The live model output of the shown run. */
export interface StreamView {
  element: HTMLElement;
  /** Appends `piece` to the call's block (created on its first piece) and keeps the newest text in sight. */
  delta(run: RunView, callId: string, piece: string): void;
  /** The call completed: its block goes (the reply is in the round now). */
  end(callId: string): void;
  clear(): void;
}

/** Builds the (hidden) stream block. */
export function createStreamView(): StreamView {
  const label = h('p', { class: 'stream-label' });
  const stream = h('div', { class: 'stream', 'data-testid': 'stream', 'aria-live': 'off', tabindex: 0, 'aria-label': 'Model output' });
  const element = h('section', { class: 'stream-block', hidden: true, 'aria-label': 'Model output' }, label, stream);
  const calls = new Map<string, { el: HTMLElement; text: Text }>();
  let followScheduled = false;

  /** Keeps the newest streamed text in sight (once per frame), unless the person scrolled up to read. */
  function follow(): void {
    if (followScheduled || stream.scrollHeight - stream.scrollTop - stream.clientHeight > 40) return;
    followScheduled = true;
    requestAnimationFrame(() => {
      followScheduled = false;
      stream.scrollTop = stream.scrollHeight;
    });
  }

  return {
    element,
    delta(run, callId, piece) {
      let s = calls.get(callId);
      if (!s) {
        const text = document.createTextNode('');
        s = { el: h('div', { class: 'stream-call', 'data-call-id': callId }, text), text };
        calls.set(callId, s);
        stream.appendChild(s.el);
      }
      s.text.appendData(piece);
      follow();
      const live = run.streams.find((x) => x.callId === callId);
      if (live) label.textContent = `The ${live.role} model is writing (round ${live.round}, ${live.completionTokens} tokens so far)…`;
      element.hidden = false;
    },
    end(callId) {
      calls.get(callId)?.el.remove();
      calls.delete(callId);
      if (calls.size === 0) element.hidden = true;
    },
    clear() {
      calls.clear();
      replaceChildren(stream);
      element.hidden = true;
    },
  };
}
