/**
 * The host side of the trace panel (a webview view, id `reflect.tracePanel`). The host owns the state: it folds the
 * loop's events into view models with the same reducer the webview uses, persists the recent runs in the workspace
 * state (bounded, without live model output), answers the view's `ready` with a snapshot and then forwards each
 * event. The view can therefore be hidden, shown again or reloaded with the window at any time.
 */
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { LoopEvent } from '../core/types';
import type { HostMessage, RunView } from '../panel/protocol';
import { MAX_RECENT_RUNS } from '../panel/protocol';
import { toPanelEvent } from './panelEvents';
import { applyPanelEvent, createRun } from '../panel/panelModel';
import { persistableRuns, restoreRuns } from './persistedRuns';
import { panelHtml } from './panelHtml';
import type { PanelActions } from './panelMessages';
import { routeViewMessage } from './panelMessages';

/** The view's id, as contributed in package.json. */
export const TRACE_PANEL_VIEW_ID = 'reflect.tracePanel';
/** The workspace-state key holding the recent runs. */
export const TRACE_PANEL_STATE_KEY = 'reflect.tracePanel.runs';
/** Persisting on every event would write the state many times a second; other events are saved after this delay. */
const SAVE_DELAY_MS = 1000;

export type { PanelActions } from './panelMessages';

/** The panel as the rest of the extension drives it. */
export interface TracePanel {
  /** Announces a new run (it becomes the current run in the panel). */
  startRun(runId: string, title: string): void;
  /** Shows one loop event of a run. */
  applyEvent(runId: string, event: LoopEvent): void;
  /** Reveals and focuses the panel. */
  show(): Promise<void>;
  /** True while the panel's view is on screen. */
  readonly visible: boolean;
}

/** Registers the trace panel's view provider; its disposables go into `context.subscriptions`. */
export function registerTracePanel(context: vscode.ExtensionContext, actions: PanelActions): TracePanel {
  let runs: RunView[] = restoreRuns(context.workspaceState.get(TRACE_PANEL_STATE_KEY));
  let activeRunId: string | undefined = runs[0]?.id;
  let view: vscode.WebviewView | undefined;
  let ready = false;
  let saveTimer: ReturnType<typeof setTimeout> | undefined;

  const post = (m: HostMessage) => {
    if (view && ready) void view.webview.postMessage(m);
  };
  const save = () => {
    if (saveTimer) clearTimeout(saveTimer);
    saveTimer = undefined;
    void context.workspaceState.update(TRACE_PANEL_STATE_KEY, persistableRuns(runs));
  };
  const saveSoon = () => {
    saveTimer ??= setTimeout(save, SAVE_DELAY_MS);
  };

  const onMessage = (m: unknown) => {
    if (routeViewMessage(m, (id) => runs.some((r) => r.id === id), actions) === 'ready') {
      ready = true;
      post({ type: 'snapshot', runs, activeRunId });
    }
  };

  const provider: vscode.WebviewViewProvider = {
    resolveWebviewView(webviewView) {
      view = webviewView;
      ready = false;
      const { webview } = webviewView;
      const media = vscode.Uri.joinPath(context.extensionUri, 'media');
      const dist = vscode.Uri.joinPath(context.extensionUri, 'dist');
      webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
      webview.html = panelHtml({
        cspSource: webview.cspSource,
        nonce: randomBytes(18).toString('base64'),
        scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
        styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css')).toString(),
      });
      const subscriptions = [
        webview.onDidReceiveMessage(onMessage),
        // A hidden view loses its page; it says `ready` again when shown, and gets a fresh snapshot then.
        webviewView.onDidChangeVisibility(() => {
          if (!webviewView.visible) ready = false;
        }),
      ];
      subscriptions.push(
        webviewView.onDidDispose(() => {
          if (view === webviewView) {
            view = undefined;
            ready = false;
          }
          for (const d of subscriptions) d.dispose();
        }),
      );
    },
  };

  context.subscriptions.push(
    vscode.window.registerWebviewViewProvider(TRACE_PANEL_VIEW_ID, provider),
    { dispose: () => saveTimer && save() },
  );

  const addRun = (runId: string, title: string): RunView => {
    const run = createRun(runId, title);
    runs = [run, ...runs.filter((r) => r.id !== runId)].slice(0, MAX_RECENT_RUNS);
    activeRunId = runId;
    post({ type: 'run-start', runId, title });
    return run;
  };

  return {
    startRun(runId, title) {
      addRun(runId, title);
      save();
    },
    applyEvent(runId, event) {
      const run = runs.find((r) => r.id === runId) ?? addRun(runId, `Run ${runId}`);
      const panelEvent = toPanelEvent(event);
      applyPanelEvent(run, panelEvent);
      post({ type: 'event', runId, event: panelEvent });
      if (event.type === 'round-end' || event.type === 'run-end') save();
      else if (event.type !== 'model-delta') saveSoon();
    },
    async show() {
      await vscode.commands.executeCommand(`${TRACE_PANEL_VIEW_ID}.focus`);
    },
    get visible() {
      return view?.visible ?? false;
    },
  };
}
