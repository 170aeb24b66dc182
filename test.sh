#!/usr/bin/env bash
# Runs every test of PatientContact. Installs what the tests need first (npm packages from the
# lockfile, Debian's chromium for the browser tests), so it works on a new machine.
set -euo pipefail
cd "$(dirname "$0")"

bash scripts/install-prerequisites.sh

dotnet test PatientContact.sln --configuration Release "$@"

# The whole suite (no filter given) also checks the deployable build: published, copied away from
# the repository and started there with nothing else installed.
if [ $# -eq 0 ]; then
  bash scripts/check-publish.sh
fi
