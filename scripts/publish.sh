#!/usr/bin/env bash
# The deployable build: a self-contained publish of the web host (the .NET runtime included, so the
# machine needs no .NET installed), with the web chat's npm files and the rules/ folder inside it.
# The Dockerfile runs this same script; scripts/check-publish.sh runs its output.
#   bash scripts/publish.sh [output folder, default ./publish] (PUBLISH_RUNTIME=linux-arm64 for ARM)
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-publish}")"
runtime="${PUBLISH_RUNTIME:-linux-x64}"
if [ ! -f node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --no-audit --no-fund
fi
dotnet publish src/Conversation/PatientContact.Conversation.csproj \
  --configuration Release --runtime "$runtime" --self-contained true \
  -p:DebugType=none --output "$out"
echo "published to $out (run ./PatientContact.Conversation from that folder)"
