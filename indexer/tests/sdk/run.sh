#!/usr/bin/env bash
# Issue 19's test with Sui's official TypeScript SDK: starts a real `floe ledger serve` (devnet
# scenario, a fresh directory, a free loopback port), runs sui-sdk.mjs against it with
# @mysten/sui's SuiGrpcClient (gRPC-web over HTTP/1.1), and stops the server.
#
# Usage: indexer/tests/sdk/run.sh [FLOE_BINARY]   (default: builds `floe` with cargo)
# Env:   FLOE_NPM_CACHE  where the SDK is installed (default: $HOME/.cache/floe-npm-sdk)
set -euo pipefail
SDK_VERSION="2.33.1"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cache="${FLOE_NPM_CACHE:-$HOME/.cache/floe-npm-sdk}"

command -v node >/dev/null || { echo "sui-sdk: node is required" >&2; exit 2; }
installed="$(node -e "try{console.log(require('$cache/node_modules/@mysten/sui/package.json').version)}catch(e){}")"
if [ "$installed" != "$SDK_VERSION" ]; then
  mkdir -p "$cache"
  echo "sui-sdk: installing @mysten/sui@$SDK_VERSION into $cache" >&2
  # The SDK declares node >= 22; it runs on the machine's node 20 (the engine check warns).
  npm install --prefix "$cache" --no-audit --no-fund --silent "@mysten/sui@$SDK_VERSION" >&2
fi

floe="${1:-}"
if [ -z "$floe" ]; then
  (cd "$root" && cargo build -q -p floe-node-lite --bin floe)
  floe="${CARGO_TARGET_DIR:-$root/target}/debug/floe"
fi

work="$(mktemp -d)"
log="$work/serve.log"
"$floe" ledger serve --dir "$work/ledger" --listen 127.0.0.1:0 >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$log" | head -n1 || true)"
  [ -n "$url" ] && break
  kill -0 "$server" 2>/dev/null || { cat "$log" >&2; echo "sui-sdk: the ledger exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { cat "$log" >&2; echo "sui-sdk: the ledger did not start" >&2; exit 1; }
# ES modules resolve packages from the script's own directory: run a copy beside the SDK.
cp "$here/sui-sdk.mjs" "$cache/sui-sdk.mjs"
timeout 60 node "$cache/sui-sdk.mjs" "$url"
