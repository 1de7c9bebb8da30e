/**
 * An unbounded async queue: the loop's workers push events while tests run concurrently, and the loop's generator
 * yields them as they come, so a front end sees progress live instead of at the end of each step.
 */

export interface EventQueue<T> {
  push(item: T): void;
  /** No more items will be pushed; `next` returns `undefined` once the queue is drained. */
  close(): void;
  /** The next item, waiting for one; `undefined` when closed and drained. */
  next(): Promise<T | undefined>;
}

/** Creates an empty queue. */
export function createEventQueue<T>(): EventQueue<T> {
  const items: T[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  return {
    push(item) {
      if (closed) return;
      items.push(item);
      notify();
    },
    close() {
      closed = true;
      notify();
    },
    async next() {
      while (items.length === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      return items.shift();
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight; stops starting new ones once `stop()` is true. */
export async function forEachBounded<T>(items: T[], limit: number, stop: () => boolean, work: (item: T, slot: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (slot: number) => {
    while (next < items.length && !stop()) {
      const item = items[next++];
      await work(item, slot);
    }
  };
  const lanes = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: lanes }, (_, slot) => lane(slot)));
}
