#!/usr/bin/env bash
# Installs what the service and the tests need beyond the .NET SDK. Safe to run again: each step
# is skipped when already done. Never downloads a browser build: Chromium comes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm packages (the Web Chat bundle, NHS.UK styles, and the protocol peers the tests use).
stamp=node_modules/.package-lock.json
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
  npm ci --no-audit --no-fund --ignore-scripts
fi

# Debian's Chromium for the browser tests.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    sudo apt-get update -qq
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  fi
fi
