#!/usr/bin/env bash
# Offline-safe install of code-server from the npm registry.
# Usage: install-code-server.sh <version> <dest-dir>
# Needs: apt packages build-essential python3 pkg-config libkrb5-dev ripgrep (and node/npm whose major matches code-server's engines on PATH)
set -euo pipefail
VER="${1:?version}"; DEST="${2:?dest}"
mkdir -p "$DEST"; DEST="$(cd "$DEST" && pwd)"; cd "$DEST"
[ -f package.json ] || echo '{"name":"cs-host","private":true}' > package.json
# 1. code-server itself; skip its postinstall.sh (it refuses root without --unsafe-perm, which npm>=10 dropped,
#    and it runs an npm install whose @vscode/ripgrep postinstall downloads rg from GitHub)
npm install --no-audit --no-fund --ignore-scripts "code-server@$VER"
CS="$DEST/node_modules/code-server"
# native deps of code-server itself (argon2: prebuilt download fails -> compiles from source)
(cd "$DEST" && npm rebuild argon2 --foreground-scripts >/dev/null)
# 2. VS Code server deps, without scripts first
cd "$CS/lib/vscode"
npm install --no-audit --no-fund --omit=dev --ignore-scripts
# 3. give @vscode/ripgrep a binary from Debian's ripgrep so its postinstall skips the download
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# 4. now build native modules (node-pty, spdlog, @parcel/watcher, kerberos, native-watchdog, deviceid ...)
# node-pty postinstall runs `npx node-gyp configure`, npx refuses without --yes (npmrc here has yes=false)
npm_config_yes=true npm rebuild --foreground-scripts >/dev/null
# 5. what postinstall.sh does after that
rm -rf node_modules.asar; ln -s node_modules node_modules.asar
(cd bin/remote-cli && ln -sf code-linux.sh code-server)
(cd bin/helpers && ln -sf browser-linux.sh browser.sh)
(cd extensions && npm install --no-audit --no-fund --omit=dev)
echo "code-server $VER installed at $CS"
