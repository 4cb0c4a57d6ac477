#!/usr/bin/env bash
# A Feishu wiki space kept in a Dify knowledge base, through the Emulator, in one command (see docs/benchmarks.md,
# "Knowledge sync"): builds the Hub and the driver (Release); the driver starts the Emulator in its process and the Hub
# (webhook mode, SQLite in a temp dir, its Feishu app subscribed to the Emulator's events). It pushes a public space of
# --documents documents (default 2,000) into an empty knowledge base (time, calls per document against the floor), does
# it again with the Hub SIGKILLed at half (lost, duplicated, creates sent), then makes --edits person edits (default 100)
# and times each one's arrival in the knowledge base. Exits 1 when a document was lost, duplicated or an edit missed.
# Arguments go to the driver, e.g.:  bench/knowledge-sync.sh --documents 2000 --edits 100
# KNOWLEDGE_HUB_DLL=<path> runs another build of the Hub.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.KnowledgeSync/bin/Release/net10.0/Larkway.Bench.KnowledgeSync.dll
hub=${KNOWLEDGE_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.KnowledgeSync/Larkway.Bench.KnowledgeSync.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-knowledge.XXXXXX")
mkdir -p artifacts
status=0
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/knowledge-sync.md" "$@" || status=$?
if [ -f "$work/knowledge-sync.md" ]; then cp "$work/knowledge-sync.md" artifacts/knowledge-sync-last.md; fi
echo "Hub log and database in $work"
exit "$status"
