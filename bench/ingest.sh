#!/usr/bin/env bash
# The event-ingest benchmark, in one command (see docs/benchmarks.md, "Event ingest"):
#   builds the Hub and the load generator (Release), installs the node-sdk peer (npm ci), starts an
#   Emulator, the Hub (webhook mode, SQLite in a temp dir) and the node-sdk server on free loopback
#   ports, runs the generator against both, stops everything and prints the table.
# Arguments go to the generator, e.g.:  bench/ingest.sh --loads 500,1000 --rounds 5 --seconds 10
# Defaults: the real mix (--mix group=60,mention=15,p2p=15,reaction=10), closed loop then open loop (--mode both);
# the figures of 2026-11-21 (reactions only, open loop) are  bench/ingest.sh --mix reaction=100 --mode open --loads ….
# A first argument names a scenario (its options come first, so later arguments still override them):
#   unanswered   group messages without an @-mention, which neither bot answers (an app that receives every group
#                message gets mostly these): --mix group=100 --mode closed --clients 32  (issue 28 §5)
# The Emulator runs with its rate limits off, and the Hub's Feishu client with its own (50 sends/s per app, 5/s per
# chat) off too (Feishu__RateLimit__Enabled=false), like the node-sdk client, which has none: both bots reply unpaced.
# INGEST_PERF=<file> records the Hub with perf (perf record -g, 999 Hz) from the first measured round on, into <file>.
# INGEST_KEEP=1 keeps the temp dir (logs, the Hub's database); INGEST_AUTO_CHALLENGE=0 is passed to the peer.
# INGEST_HUB_DLL=<path> runs another build of the Hub (e.g. to compare two commits).
# INGEST_SYNCHRONOUS=Normal runs the Hub with Larkway:Storage:Synchronous=Normal (default Full).
# INGEST_HUB_ENV="NAME=value …" adds environment variables to the Hub only (e.g. DOTNET_gcServer=0).
set -euo pipefail
cd "$(dirname "$0")/.."

generator=bench/Larkway.Bench.Ingest/bin/Release/net10.0/Larkway.Bench.Ingest.dll
hub=${INGEST_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}
peer=bench/ingest-node
event_type=im.message.reaction.created_v1
scenario=()
case "${1:-}" in
  unanswered) scenario=(--mix group=100 --mode closed --clients 32); shift ;;
esac

# --- build and install -----------------------------------------------------------------------------
echo "building the Hub and the generator (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.Ingest/Larkway.Bench.Ingest.csproj

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "node and npm are missing and installing them needs root (apt-get install nodejs npm)" >&2
    exit 1
  fi
  echo "installing nodejs and npm (Debian packages)…"
  if [ ! -f /tmp/.larkway-apt-updated ]; then
    apt-get update -qq && touch /tmp/.larkway-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi

if [ ! -f "$peer/node_modules/.package-lock.json" ] || [ "$peer/package-lock.json" -nt "$peer/node_modules/.package-lock.json" ]; then
  echo "installing $peer npm packages (npm ci)…"
  (cd "$peer" && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- start the servers -----------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-ingest.XXXXXX")
pids=()
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  if [ -s "$work/emulator.log" ]; then
    grep '^emulator:' "$work/emulator.log" || true
  fi
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 20 "$log" >&2
    done
  fi
  if [ "${INGEST_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "logs and the Hub's database kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret() { head -c 24 /dev/urandom | base64 | tr '+/' '-_' | tr -d '='; }
encrypt_key=$(secret)
verification_token=$(secret)
admin_key=$(secret)

# Waits until a process's log has a line matching a pattern; prints the first match.
wait_for_line() { # pid log pattern what
  local pid=$1 log=$2 pattern=$3 what=$4
  for _ in $(seq 1 300); do
    if grep -Eom1 "$pattern" "$log" 2>/dev/null; then
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$what exited before it was ready" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "$what was not ready after 60 s" >&2
  return 1
}

wait_for_http() { # url what
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "$2 did not answer $1" >&2
  return 1
}

dotnet "$generator" emulator --info "$work/emulator.json" >"$work/emulator.log" 2>&1 &
pids+=($!)
emulator_url=$(wait_for_line "${pids[-1]}" "$work/emulator.log" '^http://127\.0\.0\.1:[0-9]+' "the Emulator")

# Port 0: Kestrel binds a free port and the Hub prints it.
ASPNETCORE_URLS=http://127.0.0.1:0 \
  FEISHU_APP_ID=cli_a1b2c3d4e5f60001 \
  FEISHU_APP_SECRET=larkway-emulator-dev-secret-0001 \
  FEISHU_BASE_URL="$emulator_url" \
  FEISHU_EVENT_MODE=webhook \
  FEISHU_ENCRYPT_KEY="$encrypt_key" \
  FEISHU_VERIFICATION_TOKEN="$verification_token" \
  Larkway__Storage__ConnectionString="Data Source=$work/larkway.db" \
  Larkway__AdminKey="$admin_key" \
  Larkway__Storage__Synchronous="${INGEST_SYNCHRONOUS:-Full}" \
  LARKWAY_ADMIN_KEY="$admin_key" \
  Logging__LogLevel__Default=Warning \
  Feishu__RateLimit__Enabled=false \
  DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
  env ${INGEST_PERF:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} ${INGEST_HUB_ENV:-} dotnet "$hub" >"$work/hub.log" 2>&1 &
pids+=($!)
hub_pid=${pids[-1]}
hub_url=$(wait_for_line "$hub_pid" "$work/hub.log" 'http://127\.0\.0\.1:[0-9]+' "the Hub")
wait_for_http "$hub_url/healthz" "the Hub"

INGEST_AUTO_CHALLENGE="${INGEST_AUTO_CHALLENGE:-1}" \
  INGEST_EMULATOR_URL="$emulator_url" INGEST_APP_ID=cli_a1b2c3d4e5f60001 INGEST_APP_SECRET=larkway-emulator-dev-secret-0001 \
  node "$peer/server.mjs" "$encrypt_key" "$verification_token" "$event_type" >"$work/node.log" 2>&1 &
pids+=($!)
node_pid=${pids[-1]}
node_url=$(wait_for_line "$node_pid" "$work/node.log" '^http://127\.0\.0\.1:[0-9]+' "the node-sdk server")
wait_for_http "$node_url/healthz" "the node-sdk server"

echo "Emulator $emulator_url, Hub $hub_url (pid $hub_pid), node-sdk $node_url (pid $node_pid); node $(node --version)"

# --- measure -----------------------------------------------------------------------------------------
perf_pid=
if [ -n "${INGEST_PERF:-}" ]; then
  # From the first measured round on (the generator writes the marker after its warm-up).
  (
    while [ ! -f "$work/measuring" ]; do sleep 0.2; done
    exec perf record -F 999 -g -p "$hub_pid" -o "$INGEST_PERF"
  ) >"$work/perf.log" 2>&1 &
  perf_pid=$!
  pids+=("$perf_pid")
fi
dotnet "$generator" \
  --hub "$hub_url" --node "$node_url" \
  --encrypt-key "$encrypt_key" --verification-token "$verification_token" \
  --admin-key "$admin_key" --hub-db "$work/larkway.db" \
  --hub-pid "$hub_pid" --node-pid "$node_pid" \
  --event-type "$event_type" \
  --emulator "$emulator_url" --emulator-info "$work/emulator.json" \
  --mix group=60,mention=15,p2p=15,reaction=10 --mode both \
  --markdown "$work/ingest.md" --measuring-marker "$work/measuring" \
  "${scenario[@]}" "$@"
if [ -n "$perf_pid" ]; then
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  echo "perf data of the Hub in $INGEST_PERF (perf report -i $INGEST_PERF --no-children --sort dso,sym)"
fi
mkdir -p artifacts && cp "$work/ingest.md" artifacts/ingest-last.md
