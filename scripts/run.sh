#!/usr/bin/env bash
# The main job, until the Hub exists: start the local Feishu emulator, send a first message to it
# with `larkway send`, and keep the emulator running (Ctrl+C stops it). Open the printed URL to see
# the chat as a user would.
set -euo pipefail
cd "$(dirname "$0")/.."

port="${LARKWAY_PORT:-8787}"
base="http://127.0.0.1:$port"
# The emulator's built-in development app (EmulatorOptions.DefaultAppId / DefaultDevSecret).
app_id="cli_a1b2c3d4e5f60001"
app_secret="larkway-emulator-dev-secret-0001"

dotnet build src/Larkway.Cli -c Release --nologo -clp:ErrorsOnly
larkway=(dotnet src/Larkway.Cli/bin/Release/net10.0/larkway.dll)

"${larkway[@]}" emulator --port "$port" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT INT TERM

for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  kill -0 "$emulator" 2>/dev/null || { echo "the emulator did not start" >&2; exit 1; }
  sleep 0.2
done

"${larkway[@]}" send --base-url "$base" --app-id "$app_id" --app-secret "$app_secret" \
  --to email:alice@example.com --text "Hello from Larkway: the emulator is up."
echo
echo "Open $base/ to see the chats. Ctrl+C stops the emulator."
wait "$emulator"
