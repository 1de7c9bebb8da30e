// UI test: the fix flow with the OpenAI-compatible provider against a scripted chat-completions server on
// 127.0.0.1 (configured through the workspace's settings). Round 1's fix is wrong, the critique explains why (and
// carries HTML/script that must show as text), round 2's fix is right.
'use strict';
const fs = require('fs');
const path = require('path');
const { log } = require('./common');
const { fixFlow } = require('./ui-flow');
const { startScriptedOpenAIServer } = require('../../out/test/support/scriptedOpenAIServer');
const [baseUrl, workspace, outDir, devPath] = process.argv.slice(2);

const HOSTILE = '<img src=x onerror=alert(1)><script>window.__reflectPwned = 1</script>';
const CRITIQUE = `The candidate changed only \`x < hi\` to \`x <= hi\` in src/range.js:5, so inRange(1, 1, 5) still returns false where the test expects true. ${HOSTILE} Keep \`x <= hi\` and also change \`x > lo\` to \`x >= lo\`.`;
const block = (search, replace) => `src/range.js\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE\n`;
const WRONG = `The upper bound is excluded. ${HOSTILE}\n\n${block('  return x > lo && x < hi;', '  return x > lo && x <= hi;')}`;
const RIGHT = `As the critique says, both bounds must be included.\n\n${block('  return x > lo && x < hi;', '  return x >= lo && x <= hi;')}`;

(async () => {
  let actorCalls = 0;
  const server = await startScriptedOpenAIServer((request) => {
    const system = request.messages.find((m) => m.role === 'system')?.content ?? '';
    if (/You are the critic/.test(system)) return { text: CRITIQUE };
    actorCalls += 1;
    return { text: actorCalls === 1 ? WRONG : RIGHT };
  });
  log('scripted model server at', server.baseURL);
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({
    'reflect.provider': 'openai',
    'reflect.openai.baseUrl': server.baseURL,
    'reflect.openai.model': 'scripted-model',
    'reflect.rounds': 2,
    'reflect.candidates': 1,
  }, null, 2));
  try {
    await fixFlow({
      baseUrl, workspace, outDir, devPath, name: 'openai',
      async check({ panel, critiques }) {
        const candidates = await panel.locator('[data-testid="candidate"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-status')));
        log('openai: candidate statuses', JSON.stringify(candidates));
        if (candidates.length < 2) throw new Error(`expected a candidate in each of two rounds, saw ${candidates.length}`);
        const critique = critiques.find((t) => t.includes('also change `x > lo` to `x >= lo`'));
        if (!critique) throw new Error(`the scripted critique is not in the panel: ${JSON.stringify(critiques)}`);
        if (!critique.includes(HOSTILE)) throw new Error('the HTML in the critique does not show as text');
        const injected = await panel.locator('img[src="x"], [data-testid="critique"] script, [data-testid="critique"] img').count();
        if (injected !== 0) throw new Error(`model HTML became ${injected} element(s) in the panel`);
        const pwned = await panel.locator('body').evaluate(() => window.__reflectPwned);
        if (pwned !== undefined) throw new Error('a script from the model ran in the panel');
        log('openai: critique shows as text; no element or script from model text');
        const actor = server.requests.filter((r) => !/You are the critic/.test(r.messages[0]?.content ?? ''));
        if (!actor.some((r) => r.messages.some((m) => m.content.includes('also change `x > lo` to `x >= lo`')))) {
          throw new Error('round 2 prompt did not carry the critique');
        }
      },
    });
  } finally {
    await server.close();
  }
})().then(() => process.exit(0), () => process.exit(1));
