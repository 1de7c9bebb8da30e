/**
 * The trace panel's script (runs in the webview's iframe). It keeps a copy of the host's runs, applies the host's
 * events with the same reducer as the host, and patches the DOM incrementally. On load it says `ready`; the host
 * answers with a snapshot, so the panel restores after being hidden or after a window reload.
 */
import type { HostMessage, RunView, ViewMessage } from '../panel/protocol';
import { MAX_RECENT_RUNS } from '../panel/protocol';
import { applyPanelEvent, createRun } from '../panel/panelModel';
import { createPanelView } from './panelView';

interface VsCodeApi {
  postMessage(message: ViewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** What the view remembers across its own reloads (the host remembers everything else). */
interface ViewState {
  selectedRunId?: string;
}

const vscode = acquireVsCodeApi();
let runs: RunView[] = [];
let selectedId = (vscode.getState() as ViewState | undefined)?.selectedRunId;

const root = document.getElementById('app') ?? document.body;
const view = createPanelView(root, (m) => vscode.postMessage(m), (runId) => select(runId));

function selected(): RunView | undefined {
  return runs.find((r) => r.id === selectedId);
}

function select(runId: string | undefined): void {
  selectedId = runId;
  vscode.setState({ selectedRunId: runId } satisfies ViewState);
  view.render(runs, selected());
}

/** Handles one message from the host (the benchmark dispatches these synchronously and times them). */
function handle(msg: HostMessage): void {
  switch (msg.type) {
    case 'snapshot': {
      runs = msg.runs;
      const keep = runs.some((r) => r.id === selectedId);
      select(keep ? selectedId : msg.activeRunId ?? runs[0]?.id);
      break;
    }
    case 'run-start':
      runs = [createRun(msg.runId, msg.title), ...runs.filter((r) => r.id !== msg.runId)].slice(0, MAX_RECENT_RUNS);
      select(msg.runId);
      break;
    case 'event': {
      const run = runs.find((r) => r.id === msg.runId);
      if (!run) return;
      const before = run.status;
      const changes = applyPanelEvent(run, msg.event);
      if (run.id === selectedId) view.apply(run, changes);
      if (run.status !== before) view.updatePicker(runs, selectedId);
      break;
    }
  }
}

window.addEventListener('message', (ev: MessageEvent<HostMessage>) => {
  if (ev.data && typeof ev.data === 'object' && typeof ev.data.type === 'string') handle(ev.data);
});
vscode.postMessage({ type: 'ready' });
