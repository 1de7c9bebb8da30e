// How soon `reflect mcp` answers: the time from spawning `node dist/cli.js mcp` to the answer of `tools/list`
// (initialize handshake included), with the official SDK client over stdio, in a fresh process per trial. Also the
// server's CPU time up to then (not inflated by other load) and the time of `node -e 0` for scale.
// Prints figures; asserts nothing (target: tools/list within 300 ms).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const sample = path.join(root, 'test', 'fixtures', 'sample');
const TRIALS = Number(process.env.TRIALS || 15);

async function trial(Client, StdioClientTransport) {
  const started = performance.now();
  const client = new Client({ name: 'bench', version: '1' });
  const transport = new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--cwd', sample], stderr: 'ignore' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const ms = performance.now() - started;
  const cpuMs = cpuTimeMs(transport.pid);
  await client.close();
  if (tools.length !== 3) throw new Error(`expected 3 tools, got ${tools.length}`);
  return { ms, cpuMs };
}

/** CPU time (user + system) a process has used so far, from /proc (Linux; 10 ms ticks). Unaffected by other load. */
function cpuTimeMs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function nodeStart() {
  const started = performance.now();
  cp.spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
  const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
  const times = [];
  const cpu = [];
  const bare = [];
  for (let i = 0; i < TRIALS; i++) {
    bare.push(nodeStart());
    const t = await trial(Client, StdioClientTransport);
    times.push(t.ms);
    cpu.push(t.cpuMs);
  }
  console.log(`reflect mcp: tools/list answered ${median(times).toFixed(0)} ms after spawn (median of ${TRIALS}; min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
  console.log(`CPU time of the server up to that answer: ${median(cpu).toFixed(0)} ms (median; what the wall time would be on an idle core)`);
  console.log(`node -e 0 on this machine: ${median(bare).toFixed(0)} ms (median)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
