#!/usr/bin/env bash
# Headless real VS Code: the VS Code server shipped in the npm package `code-server` (its real Node extension host)
# and Debian's chromium, driven by playwright-core, as the workbench window. Adapted from shared/reference/vscode-e2e.
#   test/e2e/run.sh              # every pass below, in order
#   test/e2e/run.sh panel        # the trace panel's page alone in chromium (mocha, test/browser; no VS Code server)
#   test/e2e/run.sh tests        # mocha integration tests in the real extension host (trust off)
#   test/e2e/run.sh restricted   # a second server with Workspace Trust ON and the folder untrusted
#   test/e2e/run.sh ui           # playwright drives the workbench: builtin flow, then openai flow (scripted server)
#   test/e2e/run.sh vsix         # vsce package --no-dependencies, install the .vsix, run the openai UI flow on it
# Needs `npm run build && npm run compile-tests` first (npm run test:e2e does both).
# Env: CS_VERSION (4.100.3), CS_NODE (node running the server), CS_HOME (install dir, gitignored),
#      UI_FLOWS (default "builtin openai"), KEEP_WORK=1 keep temp dirs and logs, EXT_TEST_TIMEOUT_MS, VERBOSE=1.
# Apt: chromium ripgrep libkrb5-dev pkg-config g++ make python3.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EXT_DIR="$(cd "$HERE/../.." && pwd)"
CS_VERSION="${CS_VERSION:-4.100.3}"
CS_HOME="${CS_HOME:-$HERE/.code-server-$CS_VERSION}"
NODE="${CS_NODE:-$(command -v node)}"
MODE="${1:-all}"
RESULTS="$EXT_DIR/test-results"
mkdir -p "$RESULTS"

CS="$CS_HOME/node_modules/code-server"
# installed once, on the first pass that needs a VS Code server
ensure_code_server() {
  if [ ! -L "$CS/lib/vscode/node_modules.asar" ]; then
    # native modules must be built against the headers of the node that will run the server
    NODE_PREFIX="$(cd "$(dirname "$NODE")/.." && pwd)"
    [ -f "$NODE_PREFIX/include/node/node.h" ] && export npm_config_nodedir="$NODE_PREFIX"
    PATH="$(dirname "$NODE"):$PATH" "$HERE/install-code-server.sh" "$CS_VERSION" "$CS_HOME"
  fi
}
for f in "$EXT_DIR/dist/extension.js" "$EXT_DIR/out/test/integration-vscode/index.js" "$EXT_DIR/out/test/browser/panelDom.test.js"; do
  [ -f "$f" ] || { echo "missing $f: run npm run build && npm run compile-tests first" >&2; exit 1; }
done

SERVER_PID=""
WORK=""
stop_server() {
  # the whole process group: server, extension hosts (they outlive the browser for hours), watchers, test processes
  if [ -n "$SERVER_PID" ]; then kill -- "-$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=""
}
FAILED_WORK=()
cleanup() {
  local rc=$?
  stop_server
  if [ -n "$WORK" ]; then
    if [ "$rc" != 0 ] || [ -n "${KEEP_WORK:-}" ]; then echo "logs kept in $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT INT TERM

# start_server SETTINGS_FILE [extra server args...]: fresh user-data/extensions dirs, prints nothing, sets BASE
start_server() {
  local settings="$1"; shift
  stop_server
  WORK="$(mktemp -d /tmp/reflect-e2e.XXXXXX)"
  mkdir -p "$WORK/user-data/User" "$WORK/extensions" "$WORK/xdg" "$WORK/tmp"
  cp "$settings" "$WORK/user-data/User/settings.json"
  PORT="$("$NODE" -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
  CMD=("$NODE" "$CS/lib/vscode/out/server-main.js" --host 127.0.0.1 --port "$PORT" --without-connection-token
       --accept-server-license-terms --enable-smoke-test-driver --disable-telemetry
       --user-data-dir "$WORK/user-data" --extensions-dir "$WORK/extensions" "$@")
  if [ -n "${INSTALL_VSIX:-}" ]; then
    ( export XDG_CONFIG_HOME="$WORK/xdg" XDG_DATA_HOME="$WORK/xdg" XDG_RUNTIME_DIR="$WORK/tmp" TMPDIR="$WORK/tmp"
      "${CMD[@]}" --install-extension "$INSTALL_VSIX" ) > "$WORK/install-extension.log" 2>&1
    cat "$WORK/install-extension.log"
  fi
  # keep the server's sockets and config out of /tmp and ~ (only for the server: chromium uses the normal tmp)
  ( export XDG_CONFIG_HOME="$WORK/xdg" XDG_DATA_HOME="$WORK/xdg" XDG_RUNTIME_DIR="$WORK/tmp" TMPDIR="$WORK/tmp"
    exec setsid "${CMD[@]}" ) > "$WORK/server.log" 2>&1 < /dev/null &
  SERVER_PID=$!
  BASE="http://127.0.0.1:$PORT"
}

# fresh copy of a fixture workspace; prints its path
workspace_copy() {
  local dest="$WORK/ws-$1-$RANDOM"
  cp -r "$HERE/workspaces/$1" "$dest"
  echo "$dest"
}

finish_pass() {
  local name="$1" rc="$2"
  if [ "$rc" = 0 ]; then echo "== pass $name: OK"; if [ -z "${KEEP_WORK:-}" ]; then rm -rf "$WORK"; fi
  else echo "== pass $name: FAILED (logs in $WORK)"; FAILED_WORK+=("$name"); fi
  stop_server
  WORK=""
}

run_pass() {
  local name="$1" rc=0
  echo "== pass $name"
  [ "$name" = panel ] || ensure_code_server
  case "$name" in
    panel)
      # no server: the production panel HTML, CSP and webview bundle served on 127.0.0.1 to chromium
      WORK="$(mktemp -d /tmp/reflect-e2e.XXXXXX)"
      (cd "$EXT_DIR" && npx --no-install mocha --timeout 120000 'out/test/browser/**/*.test.js') || rc=$?
      ;;
    tests)
      start_server "$HERE/settings.json" --disable-workspace-trust
      # Reflect and, beside it, a test-only chat model provider (test/e2e/scripted-lm-provider, whose replies the LM
      # API tests script). The web workbench takes one extensionDevelopmentPath; a folder without a package.json is
      # scanned as a folder of extensions, so both are linked into one.
      mkdir "$WORK/dev-extensions"
      ln -s "$EXT_DIR" "$WORK/dev-extensions/reflect"
      ln -s "$HERE/scripted-lm-provider" "$WORK/dev-extensions/scripted-lm-provider"
      node "$HERE/run-ext-tests.js" "$BASE" "$(workspace_copy range)" "$WORK/dev-extensions" "$EXT_DIR/out/test/integration-vscode" || rc=$?
      ;;
    restricted)
      # Workspace Trust on, the folder never trusted: the extension (untrustedWorkspaces: limited) runs restricted
      export REFLECT_E2E_RUN_MARKER="$(mktemp -u /tmp/reflect-e2e-ran.XXXXXX)"
      start_server "$HERE/settings-restricted.json"
      node "$HERE/run-ext-tests.js" "$BASE" "$(workspace_copy range)" "$EXT_DIR" "$EXT_DIR/out/test/integration-vscode/restricted" || rc=$?
      if [ -e "$REFLECT_E2E_RUN_MARKER" ]; then echo "restricted: a test process ran ($REFLECT_E2E_RUN_MARKER exists)"; rc=1; rm -f "$REFLECT_E2E_RUN_MARKER"; fi
      unset REFLECT_E2E_RUN_MARKER
      ;;
    ui)
      start_server "$HERE/settings.json" --disable-workspace-trust
      for flow in ${UI_FLOWS:-builtin openai}; do
        node "$HERE/ui-fix-$flow.js" "$BASE" "$(workspace_copy range)" "$RESULTS" "$EXT_DIR" || rc=$?
      done
      # the panel shows the same run after hide/show and after a window reload (state persisted by the host)
      node "$HERE/ui-panel-restore.js" "$BASE" "$(workspace_copy range)" "$RESULTS" "$EXT_DIR" || rc=$?
      # candidate runs in the Testing view (expected/actual diff), and Fix with Reflect from a failure
      node "$HERE/ui-testing-view.js" "$BASE" "$(workspace_copy range)" "$RESULTS" "$EXT_DIR" || rc=$?
      ;;
    vsix)
      local pkgdir; pkgdir="$(mktemp -d /tmp/reflect-vsix.XXXXXX)"
      (cd "$EXT_DIR" && npx --no-install vsce package --no-dependencies -o "$pkgdir/reflect.vsix") || rc=$?
      if [ "$rc" = 0 ]; then
        ls -l "$pkgdir/reflect.vsix"
        INSTALL_VSIX="$pkgdir/reflect.vsix" start_server "$HERE/settings.json" --disable-workspace-trust
        if ls "$WORK/extensions" | grep -q '^reflect-dev\.reflect-'; then echo "vsix installed: $(ls "$WORK/extensions" | grep '^reflect-dev')"
        else echo "vsix did not install"; rc=1; fi
        # the openai UI flow again, on the installed copy (no extensionDevelopmentPath)
        [ "$rc" = 0 ] && { node "$HERE/ui-fix-openai.js" "$BASE" "$(workspace_copy range)" "$RESULTS/vsix" "" || rc=$?; }
      fi
      rm -rf "$pkgdir"
      ;;
    *) echo "unknown pass $name" >&2; rc=2 ;;
  esac
  finish_pass "$name" "$rc"
}

if [ "$MODE" = all ]; then PASSES=(panel tests restricted ui vsix); else PASSES=("$MODE"); fi
for p in "${PASSES[@]}"; do run_pass "$p"; done
if [ "${#FAILED_WORK[@]}" -gt 0 ]; then echo "e2e: FAILED passes: ${FAILED_WORK[*]}"; exit 1; fi
echo "e2e: all passes OK (${PASSES[*]})"
