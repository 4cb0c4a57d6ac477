#!/usr/bin/env bash
# The notification benchmark, in one command (see docs/benchmarks.md, "Notifications"):
#   builds the Hub and the driver (Release); the driver starts an Emulator with its rate limits ON (in its own
#   process) and the Hub (webhook mode, SQLite in a temp dir) pointed at it, sends rounds of notifications through
#   the Hub's REST API, watches every delivery arrive in the Emulator, and prints the table.
# Arguments go to the driver, e.g.:  bench/notify.sh --rounds 300,1200 --users 500 --concurrency 16
# NOTIFY_HUB_DLL=<path> runs another build of the Hub; NOTIFY_SYNCHRONOUS=Normal runs its SQLite with synchronous=NORMAL
# (default Full); NOTIFY_HUB_ENV="NAME=value …" adds settings to the Hub only.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.Notify/bin/Release/net10.0/Larkway.Bench.Notify.dll
hub=${NOTIFY_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.Notify/Larkway.Bench.Notify.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-notify.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/notify.md" "$@"
cp "$work/notify.md" artifacts/notify-last.md
echo "Hub log and database in $work"
