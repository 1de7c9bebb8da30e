'use strict';
// A deliberately slow "test command" for the Stop test: it starts a grandchild that sleeps for two minutes, so
// stopping a run must kill the whole process tree, not just the direct child.
const { spawn } = require('node:child_process');
const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)', 'reflect-e2e-slow-grandchild'], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
