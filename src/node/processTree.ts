/**
 * Process control for everything that runs user code (test runs, benchmarks, coverage): each child is spawned in
 * its own process group so a timeout or an abort can kill the WHOLE tree (test frameworks start workers, shells
 * start their own children), and its output is capped so a test printing gigabytes cannot exhaust memory.
 */
import { spawn } from 'child_process';
import { childEnvironment, markerPrefix, newRunMarker } from './childEnvironment';
import { killMarkedProcesses } from './markedProcesses';

/** What to run and how. */
export interface RunProcessOptions {
  /** Executable, or a shell command line when `shell` is true. */
  command: string;
  args?: string[];
  cwd: string;
  /** Full environment for the child (default: this process's environment). */
  env?: NodeJS.ProcessEnv;
  /** Run `command` through /bin/sh (for user-supplied command lines). */
  shell?: boolean;
  /** Kill the tree after this many milliseconds (0 or undefined: no limit). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Bytes kept from the start and from the end of each stream (default 1 MiB each). */
  capBytes?: number;
  /** Time between SIGTERM and SIGKILL (default 1500 ms). */
  killGraceMs?: number;
  /** Called with every chunk of output as it arrives (for progress). */
  onOutput?: (chunk: string, stream: 'stdout' | 'stderr') => void;
}

/** How the process ended. Never rejects: a missing executable is reported in `spawnError`. */
export interface ProcessResult {
  exitCode: number | null;
  /** The signal that ended the process, if any. */
  exitSignal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, capped the same way. */
  output: string;
  /** Set when the process could not be started (e.g. ENOENT). */
  spawnError?: string;
}

const MiB = 1024 * 1024;

/** Process groups still running. If this process exits first (a test runner ending, an editor shutting down),
 * they are killed on the way out: a detached test run must never outlive the program that started it. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const group of liveGroups) killGroup(group, 'SIGKILL');
    // Processes that left their group (setsid, daemons) still carry our marker.
    killMarkedProcesses(markerPrefix());
  });
}

/** Runs a process in its own process group; resolves when it has exited and its group is gone. */
export function runProcess(options: RunProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  const cap = options.capBytes ?? MiB;
  const stdout = new CappedText(cap);
  const stderr = new CappedText(cap);
  const output = new CappedText(cap);
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    const marker = newRunMarker();
    const child = spawn(options.command, options.args ?? [], {
      cwd: options.cwd,
      // Never the model's key, never the real project's path; a marker to find escaped descendants by.
      env: childEnvironment(options.env ?? process.env, options.cwd, marker),
      shell: options.shell ?? false,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const pid = child.pid;
    if (pid !== undefined) trackGroup(pid);
    const timers: NodeJS.Timeout[] = [];
    const finish = (exitCode: number | null, exitSignal: string | null, spawnError?: string) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      options.signal?.removeEventListener('abort', onAbort);
      // Leftover grandchildren (workers, servers a test started) must not outlive the run.
      if (pid !== undefined) {
        killGroup(pid, 'SIGKILL');
        liveGroups.delete(pid);
      }
      killMarkedProcesses(marker);
      resolve({
        exitCode, exitSignal, timedOut, aborted, durationMs: Date.now() - started,
        stdout: stdout.text(), stderr: stderr.text(), output: output.text(), spawnError,
      });
    };
    const stop = () => {
      if (pid === undefined) return;
      killGroup(pid, 'SIGTERM');
      timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs ?? 1500));
    };
    const onAbort = () => {
      aborted = true;
      stop();
    };
    child.stdout.on('data', (b: Buffer) => {
      stdout.push(b);
      output.push(b);
      options.onOutput?.(b.toString('utf8'), 'stdout');
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr.push(b);
      output.push(b);
      options.onOutput?.(b.toString('utf8'), 'stderr');
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(null, null, e.code === 'ENOENT' ? `command not found: ${options.command}` : e.message));
    // 'exit' rather than 'close': a grandchild holding the pipes open must not keep us waiting; we kill the group.
    child.on('exit', (code, sig) => {
      // Give the pipes a moment to drain the last output before we resolve.
      const t = setTimeout(() => finish(code, sig), 50);
      child.stdout.once('end', () => child.stderr.readableEnded && (clearTimeout(t), finish(code, sig)));
      child.stderr.once('end', () => child.stdout.readableEnded && (clearTimeout(t), finish(code, sig)));
      timers.push(t);
    });
    if (options.timeoutMs && options.timeoutMs > 0) {
      timers.push(setTimeout(() => {
        timedOut = true;
        stop();
      }, options.timeoutMs));
    }
    if (options.signal) {
      if (options.signal.aborted) onAbort();
      else options.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}

/** Sends `sig` to the process group led by `pid` (ignores a group that is already gone). */
export function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // ESRCH: nothing left to kill.
  }
}

/** Keeps the first and last `cap` bytes of a stream and counts what was dropped in between. */
export class CappedText {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private dropped = 0;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    if (this.headBytes < this.cap) {
      const take = Math.min(this.cap - this.headBytes, chunk.length);
      this.head.push(chunk.subarray(0, take));
      this.headBytes += take;
      chunk = chunk.subarray(take);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Trim the tail back to `cap` bytes, dropping whole chunks first.
    while (this.tailBytes - this.tail[0].length >= this.cap) {
      this.tailBytes -= this.tail[0].length;
      this.dropped += this.tail[0].length;
      this.tail.shift();
    }
    if (this.tailBytes > this.cap) {
      const over = this.tailBytes - this.cap;
      this.tail[0] = this.tail[0].subarray(over);
      this.tailBytes -= over;
      this.dropped += over;
    }
  }

  /** Head, a marker saying how much was left out, and tail. */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    return this.dropped > 0 ? `${head}\n… [${this.dropped} bytes of output left out] …\n${tail}` : head + tail;
  }
}
