/**
 * Finds and kills processes by the run marker in their environment. A test that starts a child with `setsid`
 * (or a daemon that double-forks) leaves the process group Reflect kills, but it keeps the environment it was
 * started with, and so the marker. Linux only (/proc); elsewhere the process-group kill is all there is.
 */
import * as fs from 'fs';
import { RUN_MARKER_VARIABLE } from './childEnvironment';

/** Pids of live processes whose environment holds `REFLECT_SCRATCH_RUN=<marker…>`. */
export function findMarkedProcesses(marker: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const needle = Buffer.from(`${RUN_MARKER_VARIABLE}=${marker}`);
  const found: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`/proc/${name}/environ`);
    } catch {
      // Gone already, or another user's process: not ours to kill.
      continue;
    }
    if (startsAnEntry(environ, needle)) found.push(pid);
  }
  return found;
}

/** True when `needle` occurs at the start of one of the NUL-separated entries. */
function startsAnEntry(environ: Buffer, needle: Buffer): boolean {
  for (let at = environ.indexOf(needle); at >= 0; at = environ.indexOf(needle, at + 1)) {
    if (at === 0 || environ[at - 1] === 0) return true;
  }
  return false;
}

/**
 * SIGKILLs every process carrying the marker, a few passes over, since a forking process can start another
 * between the scan and the kill. Synchronous: it also runs in the exit hook. Returns how many were killed.
 */
export function killMarkedProcesses(marker: string): number {
  let killed = 0;
  for (let pass = 0; pass < 3; pass++) {
    const pids = findMarkedProcesses(marker);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
        killed++;
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
}
