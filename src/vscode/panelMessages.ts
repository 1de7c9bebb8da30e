/**
 * Routes a message from the trace panel's webview to the extension's actions. Kept free of `vscode` so the unit
 * tests can feed it malformed input: the page is ours, but a message is still data from a sandbox and must not reach
 * a command unless its shape and run are known.
 */

/** What the panel's buttons do; implemented by the extension's commands. */
export interface PanelActions {
  stop(runId: string): void;
  review(runId: string, candidateId: string): void;
  compare(runId: string, candidateId: string): void;
  reject(runId: string): void;
  retry(runId: string, hint: string): void;
  export(runId: string, format: 'markdown' | 'json'): void;
}

/** A longer hint is cut: it goes into a prompt, and a pasted log would crowd out the evidence. */
export const MAX_HINT_LENGTH = 4000;

/**
 * Calls the action a view message asks for. Returns 'ready' for the view's hello (the caller then sends a snapshot),
 * 'action' when an action ran, and 'ignored' for anything malformed or about a run the host does not know.
 */
export function routeViewMessage(m: unknown, isKnownRun: (runId: string) => boolean, actions: PanelActions): 'ready' | 'action' | 'ignored' {
  if (!m || typeof m !== 'object') return 'ignored';
  const msg = m as Record<string, unknown>;
  if (msg.type === 'ready') return 'ready';
  const runId = msg.runId;
  if (typeof runId !== 'string' || !isKnownRun(runId)) return 'ignored';
  switch (msg.type) {
    case 'stop':
      actions.stop(runId);
      return 'action';
    case 'reject':
      actions.reject(runId);
      return 'action';
    case 'review':
      if (typeof msg.candidateId !== 'string') return 'ignored';
      actions.review(runId, msg.candidateId);
      return 'action';
    case 'compare':
      if (typeof msg.candidateId !== 'string') return 'ignored';
      actions.compare(runId, msg.candidateId);
      return 'action';
    case 'retry':
      if (typeof msg.hint !== 'string') return 'ignored';
      actions.retry(runId, msg.hint.trim().slice(0, MAX_HINT_LENGTH));
      return 'action';
    case 'export':
      if (msg.format !== 'markdown' && msg.format !== 'json') return 'ignored';
      actions.export(runId, msg.format);
      return 'action';
    default:
      return 'ignored';
  }
}
