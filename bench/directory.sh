#!/usr/bin/env bash
# The directory sync benchmark, in one command (see docs/benchmarks.md, "Directory sync"):
#   builds the Hub and the driver (Release); the driver starts an Emulator with its rate limits ON (in its own process)
#   holding a generated tenant, and the Hub (webhook mode, SQLite in a temp dir) pointed at it; it runs a full sync,
#   then a full sync killed mid-run and resumed by a new Hub process, then contact events one at a time, and prints the table.
# Arguments go to the driver, e.g.:  bench/directory.sh --users 10000 --departments 300 --events 200 --kill-after 3
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.Directory/bin/Release/net10.0/Larkway.Bench.Directory.dll
hub=${DIRECTORY_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.Directory/Larkway.Bench.Directory.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-directory.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/directory.md" "$@"
cp "$work/directory.md" artifacts/directory-last.md
echo "Hub logs and databases in $work"
