#!/usr/bin/env bash
# Parses every .move file under move/ with Sui's own tree-sitter grammar for Move (the one
# bundled in the npm package @mysten/prettier-plugin-move) and fails on any syntax error.
#
# CI has no Sui toolchain; this is the check it can run. The real `sui move build` /
# `sui move test` are run by developers (see move/README.md).
#
# Usage: move/ci/check-syntax.sh [FILE_OR_DIR...]   (default: the move/ directory)
# Env:   FLOE_NPM_CACHE  where the npm package is installed (default: $HOME/.cache/floe-npm)
set -euo pipefail

PLUGIN_VERSION="0.4.0"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
move_dir="$(dirname "$here")"
cache="${FLOE_NPM_CACHE:-$HOME/.cache/floe-npm}"
plugin="$cache/node_modules/@mysten/prettier-plugin-move"

command -v node >/dev/null || { echo "check-syntax: node is required" >&2; exit 2; }

installed_version() {
  node -e "try{console.log(require('$plugin/package.json').version)}catch(e){}" 2>/dev/null
}
if [ "$(installed_version)" != "$PLUGIN_VERSION" ]; then
  command -v npm >/dev/null || { echo "check-syntax: npm is required to install the grammar" >&2; exit 2; }
  mkdir -p "$cache"
  echo "check-syntax: installing @mysten/prettier-plugin-move@$PLUGIN_VERSION into $cache" >&2
  npm install --prefix "$cache" --no-audit --no-fund --silent \
    "@mysten/prettier-plugin-move@$PLUGIN_VERSION" >&2
fi

if [ "$#" -eq 0 ]; then set -- "$move_dir"; fi
files=()
for arg in "$@"; do
  if [ -d "$arg" ]; then
    while IFS= read -r -d '' f; do files+=("$f"); done \
      < <(find "$arg" -name '*.move' -not -path '*/build/*' -print0 | sort -z)
  else
    files+=("$arg")
  fi
done
if [ "${#files[@]}" -eq 0 ]; then echo "check-syntax: no .move files found" >&2; exit 1; fi

NODE_PATH="$cache/node_modules" node - "$plugin" "${files[@]}" <<'JS'
const path = require('path');
const fs = require('fs');
const Parser = require('web-tree-sitter');
const [plugin, ...files] = process.argv.slice(2);

function firstError(node) {
  if (node.type === 'ERROR' || node.isMissing()) return node;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child.hasError() || child.isMissing()) {
      const found = firstError(child);
      if (found) return found;
    }
  }
  return node.hasError() ? node : null;
}

(async () => {
  await Parser.init();
  const lang = await Parser.Language.load(path.join(plugin, 'tree-sitter-move.wasm'));
  const parser = new Parser();
  parser.setLanguage(lang);
  let failed = 0;
  for (const file of files) {
    const tree = parser.parse(fs.readFileSync(file, 'utf8'));
    if (tree.rootNode.hasError()) {
      const e = firstError(tree.rootNode) || tree.rootNode;
      const p = e.startPosition;
      const what = e.isMissing() ? `missing ${e.type}` : 'syntax error';
      const text = (e.text || '').split('\n')[0].slice(0, 80);
      console.error(`${file}:${p.row + 1}:${p.column + 1}: ${what} near '${text}'`);
      failed++;
    }
  }
  console.log(`check-syntax: ${files.length - failed}/${files.length} Move files parse`);
  process.exit(failed ? 1 : 0);
})().catch((e) => { console.error(e); process.exit(2); });
JS
