#!/usr/bin/env bash
# The one approvals API on Feishu, DingTalk and WeCom side by side, in one command (see docs/benchmarks.md,
# "Approvals on each platform"): builds the Hub and the driver (Release); for each platform the driver starts an
# Emulator and the Hub (webhook mode, SQLite in a temp dir, approvers' cards off), sends --approvals approvals
# (default 1,000) --concurrency at a time, kills the Hub (SIGKILL) a quarter into the second half and starts it again,
# resends what got no answer with the same idempotency keys, checks every approval holds an instance of its own, and
# times --decisions first-approver decisions made on the platform until the Hub shows them. Prints the table, with
# ratios to Feishu's.
# Arguments go to the driver, e.g.:  bench/approvals.sh --approvals 1000 --concurrency 8 --decisions 100
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.Approvals/bin/Release/net10.0/Larkway.Bench.Approvals.dll
hub=${APPROVALS_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.Approvals/Larkway.Bench.Approvals.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-approvals.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/approvals.md" "$@"
cp "$work/approvals.md" artifacts/approvals-last.md
echo "Hub logs and databases in $work"
