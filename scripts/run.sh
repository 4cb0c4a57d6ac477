#!/usr/bin/env bash
# The main job: the Larkway Hub. With no FEISHU_APP_ID / FEISHU_APP_SECRET it runs in sandbox mode —
# an embedded Feishu Emulator plays the platform, so a fresh machine shows a working bot: open the
# Emulator URL it prints, pick a chat and write /help to the bot. With credentials it serves a real
# app (FEISHU_EVENT_MODE=webhook|long-connection). Data lives in ./data. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

# The build's lines go to standard error: standard output is the Hub's own (with Larkway__Logging__Format=json, only JSON).
dotnet build src/Larkway.Hub -c Release --nologo -clp:ErrorsOnly >&2
exec dotnet src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll "$@"
