#!/usr/bin/env bash
# WeCom customer service (微信客服) through the Emulator, in one command (see docs/benchmarks.md, "WeCom customer
# service"): builds the Hub and the driver (Release); the driver starts the Emulator in its process and the Hub (webhook
# mode, SQLite in a temp dir) with the WeCom app stored, its callback URL pointed at the Hub, one assistant on the
# Emulator's fake Dify and the sandbox's customer-service account served. Three waves of --customers customers (default
# 1,000) each write one message at once (--concurrency requests at a time): two undisturbed, the third with the
# Hub killed (SIGKILL) once half the answers are on the customers' pages and started again on the same database and
# address. Then --down-customers (default 10) write while the Hub is down for --down seconds (default 15, past WeCom's
# callback retries), and one more customer after it is back. Prints message → answer p50/p99, the Hub's memory, sync_msg calls and WeCom
# calls per message, lost and duplicated answers; exits 1 when an answer was lost or duplicated (the table is kept).
# Arguments go to the driver, e.g.:  bench/wecom-kf.sh --customers 1000 --concurrency 64
# WECOM_KF_HUB_DLL=<path> runs another build of the Hub.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.WeComKf/bin/Release/net10.0/Larkway.Bench.WeComKf.dll
hub=${WECOM_KF_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.WeComKf/Larkway.Bench.WeComKf.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-wecom-kf.XXXXXX")
mkdir -p artifacts
# The driver exits 1 when a customer lost or got twice their answer: the table is kept all the same.
status=0
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/wecom-kf.md" "$@" || status=$?
if [ -f "$work/wecom-kf.md" ]; then cp "$work/wecom-kf.md" artifacts/wecom-kf-last.md; fi
echo "Hub log and database in $work"
exit "$status"
