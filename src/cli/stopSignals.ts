/**
 * The signals that stop a command the way Ctrl-C does: a `kill`, a closed terminal (SIGHUP) and Ctrl-C all abort
 * the run, so its test process trees are killed and its scratch copies removed before the process exits. Node's
 * default for SIGTERM and SIGHUP is to exit at once, which would skip that cleanup.
 */

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 128 + the signal's number, as shells report a process ended by it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return signal === 'SIGTERM' ? 143 : signal === 'SIGHUP' ? 129 : 130;
}

/** Calls `onStop` for each stop signal received; returns the function that stops listening. */
export function onStopSignals(onStop: (signal: NodeJS.Signals) => void): () => void {
  for (const sig of STOP_SIGNALS) process.on(sig, onStop);
  return () => {
    for (const sig of STOP_SIGNALS) process.off(sig, onStop);
  };
}
