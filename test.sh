#!/usr/bin/env bash
# Runs every test of PatientContact. Installs what the tests need first, so it works on a new machine.
set -euo pipefail
cd "$(dirname "$0")"

dotnet test PatientContact.sln --configuration Release "$@"
