#!/usr/bin/env bash
# Runs `build` and `test` of every Move package with a real Sui CLI and fails on any error or
# warning. Not for CI (which has no Sui toolchain): for developers and release checks.
#
# Usage: move/ci/move-test.sh
# Env:   SUI_MOVE   command with `build`/`test` subcommands (default: `sui move`; a `sui-move`
#                   binary built from crates/sui-move works the same)
#        MOVE_FLAGS extra flags, e.g. `-e testnet` (the build environment; 1.77 resolves the
#                   framework through it), --lint for
#                   every linter (lints the code allows are counted as suppressed, not warnings)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
move_dir="$(dirname "$here")"
read -r -a cli <<< "${SUI_MOVE:-sui move}"
read -r -a flags <<< "${MOVE_FLAGS:-}"
status=0
for pkg in wal floe; do
  for cmd in build test; do
    log="$(mktemp)"
    if ! (cd "$move_dir/$pkg" && "${cli[@]}" "$cmd" "${flags[@]}") >"$log" 2>&1; then
      echo "FAIL: $pkg $cmd"; cat "$log"; status=1
    elif sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -qiE '^[[:space:]]*warning(\[|:)'; then
      echo "WARNINGS: $pkg $cmd"; cat "$log"; status=1
    else
      echo "ok: $pkg $cmd $(grep -o 'Total tests: [0-9]*; passed: [0-9]*' "$log" || true)"
    fi
    rm -f "$log" "$move_dir/$pkg"/sui-move.log.*
  done
done
exit $status
