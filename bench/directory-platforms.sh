#!/usr/bin/env bash
# The directory sync on Feishu, DingTalk and WeCom side by side, in one command (see docs/benchmarks.md,
# "Directory sync on each platform"): builds the Hub and the driver (Release); for each platform the driver starts an
# Emulator (rate limits on) holding a generated directory of the same size, and the Hub (webhook mode, SQLite in a temp
# dir) whose directory app is that platform's, runs one full sync, then sends contact events one at a time (--events,
# default 200: a random synced person renamed through the Emulator's control API, which sends the platform's own event —
# Feishu's push to /feishu/events, DingTalk's over the Hub's Stream connection, WeCom's encrypted change_contact callback)
# and times each until the directory API shows it. Prints the sync table and the events' p50/p95/p99/max, with ratios
# to Feishu's (see "Contact event → directory change on each platform").
# --tenant-key <key> sets Larkway:Directory:TenantKey on the Hub (e.g. --platforms dingtalk --tenant-key <corp id>: a
# DingTalk directory fed by Stream does not learn its tenant from the events).
# Arguments go to the driver, e.g.:  bench/directory-platforms.sh --users 10000 --departments 300 --events 200
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.DirectoryPlatforms/bin/Release/net10.0/Larkway.Bench.DirectoryPlatforms.dll
hub=${DIRECTORY_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.DirectoryPlatforms/Larkway.Bench.DirectoryPlatforms.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-directory-platforms.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/directory-platforms.md" "$@"
cp "$work/directory-platforms.md" artifacts/directory-platforms-last.md
echo "Hub logs and databases in $work"
