import * as vscode from 'vscode';

/** Language id of the output channel; syntaxes/reflect-log.tmLanguage.json colours it. */
export const LOG_LANGUAGE = 'reflect-log';

/** The run log: one line per fact, `HH:MM:SS.mmm [level] text`. Never receives a key (callers pass none). */
export interface RunLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  show(): void;
  /** Everything written so far (the integration tests read it to prove no key leaks). */
  text(): string;
}

/** Creates the "Reflect" output channel; the disposable is pushed onto `subscriptions`. */
export function createRunLog(subscriptions: vscode.Disposable[]): RunLog {
  const channel = vscode.window.createOutputChannel('Reflect', LOG_LANGUAGE);
  subscriptions.push(channel);
  // A bounded copy so `text()` stays cheap on long sessions.
  const lines: string[] = [];
  const write = (level: string, message: string) => {
    const stamp = new Date().toISOString().slice(11, 23);
    for (const part of message.split('\n')) {
      const line = `${stamp} [${level}] ${part}`;
      channel.appendLine(line);
      lines.push(line);
    }
    if (lines.length > 5000) lines.splice(0, lines.length - 5000);
  };
  return {
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    show: () => channel.show(true),
    text: () => lines.join('\n'),
  };
}
