/**
 * The measurers of our pytest coverage plugin (Python source, part of PYTEST_COVERAGE_PLUGIN): each records
 * (file, line) pairs into the current bucket (a test, an imported test file, or outside any test) and hands back,
 * at the end, bucket -> workspace file -> lines. They use the plugin's `workspace_file`, `_OUTSIDE` and `_ROOTS`.
 */

/** `_SettraceTracer` (Python before 3.12), `_MonitoringTracer` (3.12+), `_CoverageDotPy` (when asked). */
export const PYTEST_COVERAGE_TRACERS = `
class _SettraceTracer:
    """sys.settrace (and threading.settrace): the global function only answers 'call' events, and hands a line
    tracer to frames of workspace files only, so other code runs without line events. Even a global function that
    only says no costs a call per Python function called, so it is set only while a test's setup, call and teardown
    run and while a workspace module's top level runs (its import): pytest's collection (assertion rewriting) and
    reporting run untraced."""
    source = "reflect pytest tracer (sys.settrace)"

    def __init__(self):
        self.buckets = {}
        self._files = {}
        self._call = None
        self._on = False
        self._imports = None
        self.note = None

    def start(self):
        files, relative = self._files, workspace_file
        add = self.buckets.setdefault(_OUTSIDE, set()).add

        def line(frame, event, arg):
            if event == "line":
                add((frame.f_code.co_filename, frame.f_lineno))
            return line

        def call(frame, event, arg):
            filename = frame.f_code.co_filename
            rel = files.get(filename, 0)
            if rel == 0:
                rel = files[filename] = relative(filename)
            if rel is None:
                return None
            # The 'call' event's own line is the def line, which ran when the module was imported.
            return line

        def switch(label):
            nonlocal add
            add = self.buckets.setdefault(label, set()).add

        self._call = call
        self.switch = switch
        threading.settrace(call)
        self._imports = _TracedImports(call)
        sys.meta_path.insert(0, self._imports)

    def resume(self):
        if sys.gettrace() not in (None, self._call):
            # A debugger or pytest-cov traces this run: replacing its tracer would break it.
            self.note = "another tracer (a debugger, pytest-cov) was active: lines may be missing"
            return
        self._on = True
        sys.settrace(self._call)

    def pause(self):
        if self._on:
            if sys.gettrace() is not self._call:
                self.note = "another tracer (a debugger, pytest-cov) replaced ours during the run: lines may be missing"
            sys.settrace(None)
        self._on = False

    def stop(self):
        self.pause()
        threading.settrace(None)
        if self._imports in sys.meta_path:
            sys.meta_path.remove(self._imports)
        return _by_file(self.buckets, self._files), self.note


class _TracedImports:
    """A meta path finder that finds nothing itself: it asks the finders after it, and when the module found is a
    workspace file, has its loader run the module's top level with the tracer set (module-level tables, constants
    and def lines run only then)."""

    def __init__(self, call):
        self._call = call
        self._busy = False

    def find_spec(self, name, path=None, target=None):
        if self._busy:
            return None
        self._busy = True
        try:
            spec = next((s for s in (self._spec(f, name, path, target) for f in list(sys.meta_path) if f is not self) if s is not None), None)
        finally:
            self._busy = False
        loader = getattr(spec, "loader", None)
        if spec is not None and spec.origin and workspace_file(spec.origin) and hasattr(loader, "exec_module"):
            loader.exec_module = self._traced(loader.exec_module)
        return spec

    @staticmethod
    def _spec(finder, name, path, target):
        find = getattr(finder, "find_spec", None)
        return find(name, path, target) if find is not None else None

    def _traced(self, exec_module):
        def run(module):
            before = sys.gettrace()
            if before is not None and before is not self._call:
                return exec_module(module)
            sys.settrace(self._call)
            try:
                exec_module(module)
            finally:
                sys.settrace(before)
        return run


class _MonitoringTracer:
    """sys.monitoring (PEP 669, Python 3.12+): a code object of a workspace file gets LINE events, every other one is
    disabled at its first start; each line reports once per test and is then disabled until the next test. Cheap
    enough to stay on for the whole session."""
    source = "reflect pytest tracer (sys.monitoring)"

    def __init__(self):
        self.buckets = {}
        self.hits = self.buckets.setdefault(_OUTSIDE, set())
        self._files = {}
        self._tool = None

    def start(self):
        mon = sys.monitoring
        # The coverage id, else one of the two ids PEP 669 leaves unassigned (a coverage tool may hold the first).
        tool = next((t for t in (mon.COVERAGE_ID, 3, 4) if mon.get_tool(t) is None), None)
        if tool is None:
            raise RuntimeError("no free sys.monitoring tool id")
        mon.use_tool_id(tool, "reflect")
        self._tool = tool
        files, relative, DISABLE, events = self._files, workspace_file, mon.DISABLE, mon.events

        def started(code, offset):
            filename = code.co_filename
            rel = files.get(filename, 0)
            if rel == 0:
                rel = files[filename] = relative(filename)
            if rel is not None:
                mon.set_local_events(tool, code, events.LINE)
            return DISABLE

        def line(code, lineno):
            self.hits.add((code.co_filename, lineno))
            return DISABLE

        mon.register_callback(tool, events.PY_START, started)
        mon.register_callback(tool, events.LINE, line)
        mon.set_events(tool, events.PY_START)

    def switch(self, label):
        self.hits = self.buckets.setdefault(label, set())
        if label != _OUTSIDE:
            # Lines disabled in the last test report again in this one. (Not between tests: a restart re-enables
            # every event pytest's own code had disabled too, which costs more than anything run there is worth.)
            sys.monitoring.restart_events()

    def resume(self):
        pass

    def pause(self):
        pass

    def stop(self):
        mon = sys.monitoring
        mon.set_events(self._tool, 0)
        mon.register_callback(self._tool, mon.events.PY_START, None)
        mon.register_callback(self._tool, mon.events.LINE, None)
        mon.free_tool_id(self._tool)
        return _by_file(self.buckets, self._files), None


def _by_file(buckets, files):
    """label -> {(filename, line)} into label -> {workspace file: {line}}."""
    out = {}
    for label, hits in buckets.items():
        lines = out.setdefault(label, {})
        for filename, lineno in hits:
            rel = files.get(filename)
            if rel:
                lines.setdefault(rel, set()).add(lineno)
    return out


class _CoverageDotPy:
    """coverage.py, when the test's Python has it: its C tracer, one dynamic context per test, data kept in memory."""

    def __init__(self, coverage):
        self.source = "coverage.py %s (a dynamic context per test)" % coverage.__version__
        omit = [os.path.join(r, "*", d, "*") for r in _ROOTS for d in sorted(_NOT_OURS)]
        self._cov = coverage.Coverage(data_file=None, config_file=False, include=[os.path.join(r, "*") for r in _ROOTS], omit=omit)

    def start(self):
        self._cov.start()

    def switch(self, label):
        self._cov.switch_context(label)

    def resume(self):
        pass

    def pause(self):
        pass

    def stop(self):
        self._cov.stop()
        data = self._cov.get_data()
        out = {}
        for filename in data.measured_files():
            rel = workspace_file(filename)
            if rel is None:
                continue
            for lineno, labels in data.contexts_by_lineno(filename).items():
                for label in labels:
                    out.setdefault(label, {}).setdefault(rel, set()).add(lineno)
        return out, None


`;
