// UI test: the fix flow with the built-in provider (the default: no settings, no model).
'use strict';
const { fixFlow } = require('./ui-flow');
const [baseUrl, workspace, outDir, devPath] = process.argv.slice(2);

fixFlow({ baseUrl, workspace, outDir, devPath, name: 'builtin' }).then(() => process.exit(0), () => process.exit(1));
