#!/usr/bin/env bash
# The Bitable sync benchmark, in one command (see docs/benchmarks.md, "Bitable sync"):
#   builds the Hub and the driver (Release); the driver starts an Emulator with its rate limits ON (in its own process)
#   and a Hub (webhook mode, SQLite in a temp dir) syncing a SQLite orders table with it. Per size it loads the table
#   into Bitable, loads it again with the Hub killed mid-way and resumed, loads Bitable into the table; then it times
#   edits each way on a two-way sync at steady state, and prints the table.
# Arguments go to the driver, e.g.:  bench/bitable-sync.sh --rows 10000,50000 --edits 100
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.BitableSync/bin/Release/net10.0/Larkway.Bench.BitableSync.dll
hub=${BITABLE_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.BitableSync/Larkway.Bench.BitableSync.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-bitable-sync.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/bitable-sync.md" "$@"
cp "$work/bitable-sync.md" artifacts/bitable-sync-last.md
echo "Hub logs and databases in $work"
