#!/usr/bin/env bash
# The assistant streaming benchmark, in one command (see docs/benchmarks.md, "Assistant streaming"):
#   builds the Hub and the driver (Release); the driver starts an Emulator (its rate limits and CardKit's 10 operations a
#   second per card on, its fake Dify the backend) in its own process and the Hub (webhook mode, SQLite in a temp dir)
#   pointed at it, with one assistant. Per round N people ask one question at once, each in their own chat with the bot;
#   the driver reads every answer card's CardKit operations back and prints the table; then the first token through the
#   Hub against the fake Dify called directly, alternately; then a question linking a 100-page Feishu document against
#   the same question without it (first text and the backend's request; --linked-only runs only that).
# Arguments go to the driver, e.g.:  bench/assistant.sh --conversations 10,50 --samples 10
#   --hub-env Larkway__Assistants__Concurrency=200 sets the Hub's answers-at-once (default 64); --no-align skips the wait
#   for a fresh minute before each round.
# ASSISTANT_HUB_DLL=<path> runs another build of the Hub.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.Assistant/bin/Release/net10.0/Larkway.Bench.Assistant.dll
hub=${ASSISTANT_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.Assistant/Larkway.Bench.Assistant.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-assistant.XXXXXX")
mkdir -p artifacts
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/assistant.md" "$@"
cp "$work/assistant.md" artifacts/assistant-last.md
echo "Hub log and database in $work"
