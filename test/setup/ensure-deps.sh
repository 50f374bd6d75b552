#!/usr/bin/env bash
# Run by `npm start` / `npm test` (prestart/pretest) so the README's two commands work on a fresh
# Debian machine: installs the npm packages when node_modules is missing and, for the tests,
# Debian's redis-server (the tests start a private one; they never mock Redis).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d node_modules ] || npm ci --no-audit --no-fund
if [ "${1:-}" = "--redis" ] && ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing redis-server from Debian (needed by the tests)" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends redis-server >/dev/null
  else
    echo "the tests need redis-server on PATH: sudo apt-get install redis-server" >&2
    exit 1
  fi
fi
