#!/usr/bin/env bash
# Runs every test. On a fresh machine that has only the .NET SDK it first installs what the tests
# need (Node.js for the official-SDK compatibility test, and its npm packages; PostgreSQL server binaries
# for the Hub's PostgreSQL tests, which start their own throwaway cluster), then builds and
# runs all test projects, then packs the NuGet packages and checks the Linux install of docs/deploy.md. Exits non-zero
# when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-deps.sh

results="artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

dotnet build Larkway.slnx -c Release --nologo -clp:ErrorsOnly
status=0
dotnet test Larkway.slnx -c Release --no-build --nologo \
  --logger "trx" --results-directory "$results" -- RunConfiguration.TreatNoTestsAsError=true || status=$?

# The packages (libraries and the larkway tool, into artifacts/packages; the tool installed from there and run) and the
# Linux install of docs/deploy.md (scripts/deploy-check.sh: a self-contained publish installed as a systemd service,
# two replicas on PostgreSQL behind nginx). Both need the build above; the deploy check adds about three minutes.
scripts/pack.sh --no-build || { echo "scripts/pack.sh failed" >&2; status=1; }
if [ "$(id -u)" -eq 0 ]; then
  scripts/deploy-check.sh || { echo "scripts/deploy-check.sh failed" >&2; status=1; }
else
  echo "scripts/deploy-check.sh skipped: it installs a system service and needs root" >&2
fi

# One plain closing line over all projects: "N passed, N failed".
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  passed=$((passed + $(get passed)))
  failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ]; then
  echo "no test ran" >&2
  exit 1
fi
exit "$status"
