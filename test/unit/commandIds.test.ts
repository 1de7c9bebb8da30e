import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMAND_IDS, COMMANDS, isCommandId } from '../../src/vscode/commandIds';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('the command table', () => {
  it('is what package.json contributes, in the same order', () => {
    assert.deepStrictEqual(manifest.contributes.commands.map((c: { command: string }) => c.command), COMMAND_IDS);
  });

  it('names only its own commands in menus and keybindings', () => {
    const menus = Object.values(manifest.contributes.menus as Record<string, { command: string }[]>).flat();
    const used = [...menus, ...manifest.contributes.keybindings].map((m: { command: string }) => m.command);
    assert.deepStrictEqual(used.filter((id) => !isCommandId(id)), []);
  });

  it('marks exactly the Fix commands, which run the workspace\'s tests, as needing trust', () => {
    assert.deepStrictEqual(COMMAND_IDS.filter((id) => COMMANDS[id].needsTrust), COMMAND_IDS.filter((id) => id.startsWith('reflect.fix')));
    assert.strictEqual(isCommandId('reflect.nope'), false);
    assert.strictEqual(isCommandId('toString'), false);
  });
});
