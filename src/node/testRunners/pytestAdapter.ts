/**
 * pytest: `python -m pytest` with a small plugin of ours loaded by name from the run's temp dir (`-p`, on
 * PYTHONPATH), which appends each test's start and phase reports as they happen, so an endless test still leaves
 * the tests before it and its own start behind (a JUnit XML file is only written at the end, never on a kill).
 * No cache folder, no bytecode files: the workspace is left as it was. Targeted runs use pytest node ids.
 */
import * as path from 'path';
import type { TestResult } from '../../core/types';
import type { ProcessResult } from '../processTree';
import { findPython, SYSTEM_PYTHON } from './binaries';
import { readPytestCoverage } from './pytestCoverage';
import { PYTEST_COVERAGE_MODULE, PYTEST_COVERAGE_PLUGIN } from './pytestCoveragePlugin';
import { editableSourceFolders } from './pythonPaths';
import { ReporterEvent, resultsFromEvents } from './reporterEvents';
import { displayCommand, readEvents, selectedFiles, writeReporter } from './reporterShared';
import type { FrameworkAdapter, Invocation, RunContext } from './runWithAdapter';

const PYTEST_PLUGIN = `"""Reflect's pytest plugin: one JSON line per test start and per test outcome."""
import json
import os

_OUT = os.environ.get("REFLECT_EVENTS_FILE")


def _emit(event):
    if _OUT:
        with open(_OUT, "a", encoding="utf-8") as f:
            f.write(json.dumps(event) + "\\n")


def _split(nodeid):
    parts = nodeid.split("::")
    return parts[0], parts[1:]


def _error(report):
    crash = getattr(report.longrepr, "reprcrash", None)
    message = crash.message if crash is not None else ""
    if not message and isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        message = str(report.longrepr[2])
    return {"message": message, "stack": report.longreprtext or ""}


def pytest_runtest_logstart(nodeid, location):
    file, names = _split(nodeid)
    _emit({"type": "start", "file": file, "names": names})


def pytest_runtest_logreport(report):
    if not (report.when == "call" or report.failed or report.skipped):
        return
    file, names = _split(report.nodeid)
    status = "failed" if report.failed else "skipped" if report.skipped else "passed"
    event = {"type": "result", "file": file, "names": names, "status": status,
             "durationMs": round(report.duration * 1000, 3)}
    if status == "failed":
        event["error"] = _error(report)
    _emit(event)


# The selection rule of src/core/testSelectors.ts (matchTestName), in Python: a full name, a leading class
# path, or its end (the function as written, "Class > test", a parametrized group by its function name).
_ONLY = json.loads(os.environ["REFLECT_ONLY"]) if os.environ.get("REFLECT_ONLY") else None


def _same_title(wanted, title):
    return wanted == title or (title.startswith(wanted + "[") and title.endswith("]"))


def _matches(wanted, names):
    w = wanted.split(" > ")
    if w == names or (len(w) < len(names) and names[:len(w)] == w):
        return True
    if len(w) > len(names):
        return False
    tail = names[len(names) - len(w):]
    return tail[:-1] == w[:-1] and _same_title(w[-1], tail[-1])


def _selected(item):
    path = os.path.abspath(str(getattr(item, "path", None) or item.fspath))
    names = item.nodeid.split("::")[1:]
    return any(os.path.abspath(s["file"]) == path and (not s.get("name") or _matches(s["name"], names)) for s in _ONLY)


def pytest_collection_modifyitems(config, items):
    if _ONLY is None:
        return
    keep = [i for i in items if _selected(i)]
    dropped = [i for i in items if not _selected(i)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_collectreport(report):
    if report.failed:
        _emit({"type": "fileError", "file": report.nodeid or str(report.fspath), "error": _error(report)})
`;

const MISSING_PYTEST = /No module named pytest/;

/** The adapter for pytest. */
export const pytestAdapter: FrameworkAdapter = {
  framework: 'pytest',
  prepare(ctx: RunContext): Invocation {
    return invocation(ctx, findPython(ctx.root));
  },
  fallback(ctx: RunContext, first: ProcessResult): Invocation | undefined {
    const tried = findPython(ctx.root);
    if (tried === SYSTEM_PYTHON || !(first.spawnError || MISSING_PYTEST.test(first.output))) return undefined;
    return invocation(ctx, SYSTEM_PYTHON);
  },
  collect(ctx: RunContext, _proc: ProcessResult) {
    return resultsFromEvents(readEvents(ctx).map(withAssertOperands), ctx.root, 'python');
  },
  coverage(ctx: RunContext, tests: TestResult[]) {
    return readPytestCoverage(ctx.coverageDir as string, ctx.root, tests);
  },
};

function invocation(ctx: RunContext, python: string): Invocation {
  writeReporter(ctx, 'reflect_pytest_plugin.py', PYTEST_PLUGIN);
  // no:benchmark: pytest-benchmark would otherwise create a .benchmarks folder in the workspace.
  const args = ['-m', 'pytest', '-p', 'reflect_pytest_plugin', '-p', 'no:cacheprovider', '-p', 'no:benchmark', '--color=no', '-q', '-rN'];
  // Files on the command line; our plugin keeps the selected tests among them, so a name may be written as
  // people write it (see core/testSelectors.ts), which a pytest node id cannot express.
  args.push(...selectedFiles(ctx.only));
  const env: Record<string, string> = {
    // The run's own sources ahead of an editable install's (see pythonPaths.ts).
    PYTHONPATH: [ctx.tmpDir, ...editableSourceFolders(ctx.root), process.env.PYTHONPATH].filter(Boolean).join(':'),
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
  };
  if (ctx.coverageDir) {
    // Only when asked: without coverage the command line and environment are what they always were.
    writeReporter(ctx, `${PYTEST_COVERAGE_MODULE}.py`, PYTEST_COVERAGE_PLUGIN);
    args.splice(args.indexOf('reflect_pytest_plugin') + 1, 0, '-p', PYTEST_COVERAGE_MODULE);
    env.REFLECT_COVERAGE_DIR = ctx.coverageDir;
    env.REFLECT_COVERAGE_ROOT = ctx.root;
  }
  if (ctx.only && ctx.only.length > 0) env.REFLECT_ONLY = JSON.stringify(ctx.only.map((s) => ({ file: path.resolve(ctx.root, s.file), name: s.name })));
  // Our plugin is an implementation detail; the command shown is the one a person would type.
  const ours = new Set(['reflect_pytest_plugin', PYTEST_COVERAGE_MODULE]);
  const shown = args.filter((a, i) => !ours.has(a) && !(a === '-p' && ours.has(args[i + 1])));
  return { command: python, args, env, display: displayCommand([python, ...shown]) };
}

/** `assert a == b` → actual a, expected b (pytest's own message after a failed comparison). */
export function assertOperands(message: string): { actual: string; expected: string } | undefined {
  const first = message.split('\n')[0].replace(/^AssertionError: /, '');
  const m = /^assert (.+?) == (.+)$/.exec(first);
  return m ? { actual: m[1], expected: m[2] } : undefined;
}

function withAssertOperands(ev: ReporterEvent): ReporterEvent {
  if (ev.type !== 'result' || !ev.error || ev.error.expected !== undefined) return ev;
  const ops = assertOperands(ev.error.message);
  return ops ? { ...ev, error: { ...ev.error, ...ops } } : ev;
}
