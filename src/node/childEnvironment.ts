/**
 * The environment every process Reflect starts (tests, candidates, coverage) gets: without the model's key
 * variables and without any variable holding a registered secret, without the user's real project path (so code
 * run in a scratch copy cannot find its way back to the user's files), and with a marker naming the run, so a
 * process that escaped its process group (setsid, a daemon) can still be found and killed.
 */

/** Variables that hold model keys whatever the run's configuration. */
const KEY_VARIABLES = ['OPENAI_API_KEY', 'REFLECT_API_KEY'];

/** The variable every started process carries; its value names the Reflect process that started it. */
export const RUN_MARKER_VARIABLE = 'REFLECT_SCRATCH_RUN';

const secretValues = new Set<string>();
const secretNames = new Set<string>(KEY_VARIABLES);
const hiddenPaths = new Set<string>();

/** Registers a secret (the key) and the variable it came from: no child process sees either. */
export function registerSecret(value: string | undefined, variable?: string): void {
  if (value && value.length >= 4) secretValues.add(value);
  if (variable) secretNames.add(variable);
}

/** Registers a folder of the user's (the real project): no child process is told its path. */
export function registerHiddenPath(dir: string): void {
  if (dir && dir !== '/') hiddenPaths.add(dir.replace(/\/+$/, ''));
}

let markers = 0;

/** A new marker value for one started process (and everything it starts): `reflect-<our pid>-<n>-`. */
export function newRunMarker(): string {
  return `${markerPrefix()}${++markers}-`;
}

/** What every marker of this process starts with. */
export function markerPrefix(): string {
  return `reflect-${process.pid}-`;
}

/**
 * `env` as a child may see it: key variables and variables holding a secret dropped; variables naming the real
 * project dropped (PATH-like lists only lose their entries inside it); PWD set to the child's `cwd`; the marker.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, cwd: string, marker: string): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || secretNames.has(name) || holdsSecret(value)) continue;
    if (PATH_LISTS.has(name)) {
      out[name] = value.split(':').filter((entry) => !namesHiddenPath(entry)).join(':');
      continue;
    }
    if (namesHiddenPath(value) && !namesHiddenPath(cwd)) continue;
    out[name] = value;
  }
  out.PWD = cwd;
  delete out.OLDPWD;
  out[RUN_MARKER_VARIABLE] = marker;
  return out;
}

function holdsSecret(value: string): boolean {
  for (const s of secretValues) if (value.includes(s)) return true;
  return false;
}

/** Variables that are lists of folders: only their entries inside the project go. */
const PATH_LISTS = new Set(['PATH', 'PYTHONPATH', 'NODE_PATH']);

/**
 * True when the value is a path to the project or inside it (npm's INIT_CWD, npm_package_json …). Values that
 * merely mention it (JSON options of a test adapter) are left alone: they are Reflect's own, not the user's.
 */
function namesHiddenPath(value: string): boolean {
  for (const p of hiddenPaths) if (value === p || value.startsWith(`${p}/`)) return true;
  return false;
}
