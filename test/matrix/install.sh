#!/usr/bin/env bash
# Installs each framework version of the matrix side by side under .matrix/<name>/node_modules (gitignored),
# from test/matrix/<name>/package.json. Run by .ci/run before `npm run test:matrix`; safe to run again.
set -euo pipefail
cd "$(dirname "$0")/../.."
for spec in test/matrix/*/package.json; do
  name="$(basename "$(dirname "$spec")")"
  dest=".matrix/$name"
  mkdir -p "$dest"
  if ! cmp -s "$spec" "$dest/package.json" || [ ! -d "$dest/node_modules" ]; then
    cp "$spec" "$dest/package.json"
    # Old versions predate the Node we run on: engines are advisory here, the matrix is what checks them.
    (cd "$dest" && npm install --no-audit --no-fund --no-package-lock --engine-strict=false --loglevel=error >/dev/null)
  fi
  echo "matrix: $name ready"
done
