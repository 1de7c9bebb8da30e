/**
 * Every command Reflect contributes, declared once. `extension.ts` registers exactly these keys at activation (so
 * this file stays light: no `vscode`, no services); `commands.ts` gives each one a handler, and the handler table's
 * type makes a missing or extra handler a compile error; a unit test checks `package.json` contributes the same ids.
 */

/** What the dispatcher needs to know about a command before running its handler. */
export interface CommandFlags {
  /** Runs the workspace's test command: refused, before any prompt, in an untrusted workspace (Restricted Mode). */
  readonly needsTrust: boolean;
}

/** The command table: id → flags. The order is the manifest's. */
export const COMMANDS = {
  'reflect.fixFailingTests': { needsTrust: true },
  'reflect.fixFailingTestsInFile': { needsTrust: true },
  'reflect.fixTestAtCursor': { needsTrust: true },
  'reflect.fixFunction': { needsTrust: true },
  'reflect.fixTestItem': { needsTrust: true },
  'reflect.fixTestMessage': { needsTrust: true },
  'reflect.stop': { needsTrust: false },
  'reflect.showPanel': { needsTrust: false },
  'reflect.setApiKey': { needsTrust: false },
  'reflect.clearApiKey': { needsTrust: false },
  'reflect.exportTrace': { needsTrust: false },
  'reflect.reviewBest': { needsTrust: false },
  'reflect.compareCandidates': { needsTrust: false },
  'reflect.acceptHunk': { needsTrust: false },
  'reflect.rejectHunk': { needsTrust: false },
  'reflect.acceptAll': { needsTrust: false },
  'reflect.rejectAll': { needsTrust: false },
  'reflect.openDiff': { needsTrust: false },
} as const satisfies Record<`reflect.${string}`, CommandFlags>;

/** A command Reflect contributes. */
export type CommandId = keyof typeof COMMANDS;

/** Every command id, in the table's order. */
export const COMMAND_IDS = Object.keys(COMMANDS) as CommandId[];

/** True for a string naming one of Reflect's commands. */
export function isCommandId(id: string): id is CommandId {
  return Object.prototype.hasOwnProperty.call(COMMANDS, id);
}
