/**
 * Mocha entry loaded by the real VS Code extension host (`extensionTestsPath` points at this folder's compiled
 * output). BDD like the rest of the project. Runs only this folder's *.test.js (restricted/ has its own entry,
 * started by a second server with Workspace Trust on).
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { services } from './support';

/** On failure, the extension's own log says what the runs did (it never holds a key). */
async function printReflectLog(): Promise<void> {
  try {
    console.log(`---- Reflect output channel ----\n${(await services()).log.text()}\n----`);
  } catch (e) {
    console.log(`(no Reflect log: ${String(e)})`);
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 180_000, reporter: 'spec' });
  for (const f of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run(async (failures) => {
      if (failures) await printReflectLog();
      console.log(`RESULT: ${mocha.suite.total() - failures} passed, ${failures} failed`);
      if (failures) reject(new Error(`${failures} tests failed`));
      else resolve();
    });
  });
}
