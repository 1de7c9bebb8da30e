/**
 * Reflect's pytest coverage plugin (Python source), loaded like the reporter plugin: written into the run's temp
 * dir and named with `-p` only when the run measures coverage. It records, per test, which workspace lines the
 * test's setup, call and teardown ran; the lines run while a test file is imported (collection) and outside any
 * test are kept apart, so the reader can attribute module-level code (tables, constants, def lines) to the tests
 * that use it. Standard library only; coverage.py measures instead when asked (REFLECT_COVERAGE_TRACER=coverage.py).
 */

import { PYTEST_COVERAGE_TRACERS } from './pytestCoverageTracers';

/** Module name of the plugin (written as `<name>.py` into the run's temp dir, which is on PYTHONPATH). */
export const PYTEST_COVERAGE_MODULE = 'reflect_pytest_coverage';

/** Constants and the rule for which files are the project's own code. */
const PREAMBLE = `
"""Reflect's pytest coverage: the workspace lines each test ran (its setup, call and teardown), written as one
JSON file per process at the end of the session, by a tracer on the standard library: sys.monitoring on Python
3.12+, sys.settrace before; or by coverage.py (one dynamic context per test) when REFLECT_COVERAGE_TRACER=coverage.py.
Only files under the workspace root that are not tests, virtualenvs or installed packages are traced at all."""
import json
import os
import signal
import sys
import threading

import pytest

_DIR = os.environ.get("REFLECT_COVERAGE_DIR")
_ROOT = os.path.abspath(os.environ.get("REFLECT_COVERAGE_ROOT") or os.getcwd())
_ROOTS = tuple(sorted({os.path.join(_ROOT, ""), os.path.join(os.path.realpath(_ROOT), "")}))
# Folders whose files are never the project's own code (dependencies, virtualenvs, caches).
_NOT_OURS = {"site-packages", "dist-packages", "node_modules", ".venv", "venv", ".tox", ".nox", "__pycache__", ".git"}
# The rule of src/core/testFiles.ts (isTestFile), in Python.
_TEST_DIRS = {"test", "tests", "__tests__", "spec", "__test__"}
_OUTSIDE = ""  # the bucket of lines run outside any test (imports, collection)


def _is_test(parts):
    name = parts[-1]
    return (name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"
            or name.endswith((".test.py", ".spec.py")) or any(p in _TEST_DIRS for p in parts[:-1]))


def _under_root(path):
    for root in _ROOTS:
        if path.startswith(root):
            return path[len(root):]
    return None


def workspace_file(filename):
    """The workspace-relative '/' path of a Python file that is the project's own code, else None."""
    if not filename.endswith(".py"):
        return None
    path = os.path.abspath(filename)
    rel = _under_root(path)
    if rel is None:
        rel = _under_root(os.path.realpath(path))
    if rel is None:
        return None
    parts = rel.split(os.sep)
    if any(p in _NOT_OURS for p in parts[:-1]) or _is_test(parts):
        return None
    return "/".join(parts)

`;

/** Which measurer, and pytest's hooks: a bucket per test and per imported test file, the file at the end. */
const HOOKS = `

def _measurer():
    # Ours by default: coverage.py's switch of context per test costs about 2 ms of SQLite writes per test, and its
    # import 0.1 s; ours records the same lines for less (README, "Coverage"). coverage.py when asked for.
    if os.environ.get("REFLECT_COVERAGE_TRACER") == "coverage.py":
        try:
            import coverage
            return _CoverageDotPy(coverage)
        except Exception:
            pass
    if sys.version_info >= (3, 12):
        return _MonitoringTracer()
    return _SettraceTracer()


def _start():
    measurer = _measurer()
    try:
        measurer.start()
        return measurer
    except Exception as error:
        # Never the reason a run fails: the tests run unmeasured, and the report says why.
        _write({"source": measurer.source, "tests": {}, "collected": {}, "outside": {}, "note": "could not start (%s)" % error})
        return None


def _write(result):
    with open(os.path.join(_DIR, "pytest-%d.json" % os.getpid()), "w", encoding="utf-8") as f:
        json.dump(result, f)


_MEASURER = _start() if _DIR else None
if _MEASURER is not None:
    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: _killed())


def _killed():
    # Reflect's time limit ends the run with SIGTERM: write what was measured, the test that ran out of time
    # included (an endless loop's lines are the evidence), then end as the signal would have.
    try:
        _finish()
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTERM)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    if _MEASURER is None:
        yield
        return
    _MEASURER.switch("test:" + item.nodeid)
    try:
        yield
    finally:
        _MEASURER.switch(_OUTSIDE)


def _measured_phase():
    if _MEASURER is None:
        yield
        return
    _MEASURER.resume()
    try:
        yield
    finally:
        _MEASURER.pause()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    yield from _measured_phase()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    yield from _measured_phase()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield from _measured_phase()


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):
    # Lines a test file's import runs: what a file that fails to load ran before it failed.
    if _MEASURER is None or not isinstance(collector, pytest.Module):
        yield
        return
    _MEASURER.switch("collect:" + collector.nodeid)
    try:
        yield
    finally:
        _MEASURER.switch(_OUTSIDE)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session):
    _finish()


def _finish():
    global _MEASURER
    if _MEASURER is None:
        return
    measurer, _MEASURER = _MEASURER, None
    try:
        buckets, note = measurer.stop()
    except Exception as error:
        # Never the reason a run fails: the report says why it has no coverage.
        buckets, note = {}, "could not be collected (%s)" % error
    result = {"source": measurer.source, "root": _ROOT, "tests": {}, "collected": {}, "outside": {}}
    if note:
        result["note"] = note
    for label, files in buckets.items():
        lines = {rel: sorted(numbers) for rel, numbers in files.items()}
        if label.startswith("test:"):
            result["tests"][label[5:]] = lines
        elif label.startswith("collect:"):
            result["collected"][label[8:]] = lines
        else:
            result["outside"] = lines
    _write(result)
`;

/**
 * The plugin. Environment: REFLECT_COVERAGE_DIR (where it writes `pytest-<pid>.json` at the end of the session,
 * or when our time limit's SIGTERM ends it), REFLECT_COVERAGE_ROOT (the workspace root), REFLECT_COVERAGE_TRACER=
 * coverage.py (coverage.py measures, when the test's Python can import it). Output: `{ source, root, tests:
 * {nodeid: {file: lines}}, collected: {module nodeid: {file: lines}}, outside: {file: lines}, note? }` with
 * workspace-relative '/' paths.
 */
export const PYTEST_COVERAGE_PLUGIN = PREAMBLE + PYTEST_COVERAGE_TRACERS + HOOKS;
