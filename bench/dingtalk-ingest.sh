#!/usr/bin/env bash
# The Hub's ingest of DingTalk Stream messages beside its ingest of Feishu webhook events, in one command (see
# docs/benchmarks.md, "The Hub's ingest of DingTalk Stream messages"):
#   builds the Hub and the driver (Release); starts an Emulator (the Feishu side's platform), a session-webhook sink (the
#   DingTalk side's replies) and two Hubs started the same way (webhook mode for the Feishu app, SQLite in a temp dir,
#   Warning logs, rate limits off) on free loopback ports; the driver stores a DingTalk app in one Hub whose base URL is
#   the sink (the Hub replies only to session webhooks on its app's own host; the sink forwards the rest to the driver,
#   DingTalk's Stream server), pushes robot messages over the Hub's Stream connections and POSTs signed events to the
#   other Hub's webhook, at the same loads, alternating; stops everything and prints the tables.
# Arguments go to the driver, e.g.:  bench/dingtalk-ingest.sh --loads 500,1000 --rounds 5 --seconds 10
# Defaults: --loads 250,500,1000,2000 --seconds 10 --rounds 3 --warmup-rate 1000 --warmup-seconds 10 --group-percent 50.
# DINGTALK_INGEST_PERF=<file> records the DingTalk Hub with perf (perf record -g, 999 Hz) from the first measured round on.
# DINGTALK_INGEST_KEEP=1 keeps the temp dir (logs, both Hubs' databases).
# DINGTALK_INGEST_HUB_DLL=<path> runs another build of the Hub on both sides (e.g. to compare two commits).
# DINGTALK_INGEST_HUB_ENV="NAME=value …" adds environment variables to both Hubs.
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.DingTalkIngest/bin/Release/net10.0/Larkway.Bench.DingTalkIngest.dll
hub=$(realpath "${DINGTALK_INGEST_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}")

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.DingTalkIngest/Larkway.Bench.DingTalkIngest.csproj

# The figures are only worth anything on a quiet machine: say so when builds or tests are running.
if busy=$(pgrep -af "dotnet (build|test)|testhost|vstest"); then
  echo "warning: builds or tests are running; the figures will be noisy:" >&2
  echo "$busy" >&2
fi

# --- start the processes -------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-dingtalk-ingest.XXXXXX")
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
  grep -h '^emulator:\|^session sink:' "$work/emulator.log" "$work/sink.log" 2>/dev/null || true
  if [ "$status" -ne 0 ]; then
    for log in "$work"/*.log; do
      [ -f "$log" ] || continue
      echo "--- last lines of $(basename "$log")" >&2
      tail -n 20 "$log" >&2
    done
  fi
  if [ "${DINGTALK_INGEST_KEEP:-0}" = 1 ] || [ "$status" -ne 0 ]; then
    echo "logs and the Hubs' databases kept in $work" >&2
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

dotnet "$driver" emulator --info "$work/emulator.json" >"$work/emulator.log" 2>&1 &
pids+=($!)
emulator_pid=${pids[-1]}
emulator_url=$(wait_for_line "$emulator_pid" "$work/emulator.log" '^http://127\.0\.0\.1:[0-9]+' "the Emulator")

dotnet "$driver" session-sink >"$work/sink.log" 2>&1 &
pids+=($!)
sink_pid=${pids[-1]}
sink_url=$(wait_for_line "$sink_pid" "$work/sink.log" '^http://127\.0\.0\.1:[0-9]+' "the session sink")

# Both Hubs alike: the Emulator's Feishu app in webhook mode, SQLite and the working directory (where a first start
# writes its console password) in a folder of its own in the temp dir (one Hub per data folder), port 0 (Kestrel binds a
# free port and the Hub prints it). The driver stores the DingTalk side's app through the admin API.
start_hub() { # name
  mkdir -p "$work/$1"
  (cd "$work/$1" && exec env ASPNETCORE_URLS=http://127.0.0.1:0 \
    FEISHU_APP_ID=cli_a1b2c3d4e5f60001 \
    FEISHU_APP_SECRET=larkway-emulator-dev-secret-0001 \
    FEISHU_BASE_URL="$emulator_url" \
    FEISHU_EVENT_MODE=webhook \
    FEISHU_ENCRYPT_KEY="$encrypt_key" \
    FEISHU_VERIFICATION_TOKEN="$verification_token" \
    Larkway__Storage__ConnectionString="Data Source=$work/$1/larkway.db" \
    Larkway__AdminKey="$admin_key" \
    LARKWAY_ADMIN_KEY="$admin_key" \
    Logging__LogLevel__Default=Warning \
    Feishu__RateLimit__Enabled=false \
    DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production \
    ${DINGTALK_INGEST_PERF:+DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0} ${DINGTALK_INGEST_HUB_ENV:-} dotnet "$hub") >"$work/$1.log" 2>&1 &
  pids+=($!)
}

start_hub dingtalk-hub
dingtalk_pid=${pids[-1]}
start_hub feishu-hub
feishu_pid=${pids[-1]}
dingtalk_url=$(wait_for_line "$dingtalk_pid" "$work/dingtalk-hub.log" 'http://127\.0\.0\.1:[0-9]+' "the DingTalk Hub")
feishu_url=$(wait_for_line "$feishu_pid" "$work/feishu-hub.log" 'http://127\.0\.0\.1:[0-9]+' "the Feishu Hub")
wait_for_http "$dingtalk_url/healthz" "the DingTalk Hub"
wait_for_http "$feishu_url/healthz" "the Feishu Hub"

echo "Emulator $emulator_url, session sink $sink_url, DingTalk Hub $dingtalk_url (pid $dingtalk_pid), Feishu Hub $feishu_url (pid $feishu_pid)"

# --- measure -----------------------------------------------------------------------------------------------
perf_pid=
if [ -n "${DINGTALK_INGEST_PERF:-}" ]; then
  # From the first measured round on (the driver writes the marker after its warm-up).
  (
    while [ ! -f "$work/measuring" ]; do sleep 0.2; done
    exec perf record -F 999 -g -p "$dingtalk_pid" -o "$DINGTALK_INGEST_PERF"
  ) >"$work/perf.log" 2>&1 &
  perf_pid=$!
  pids+=("$perf_pid")
fi
dotnet "$driver" \
  --dingtalk-hub "$dingtalk_url" --feishu-hub "$feishu_url" --admin-key "$admin_key" \
  --encrypt-key "$encrypt_key" --verification-token "$verification_token" \
  --emulator "$emulator_url" --emulator-info "$work/emulator.json" --session-sink "$sink_url" \
  --dingtalk-pid "$dingtalk_pid" --feishu-pid "$feishu_pid" --emulator-pid "$emulator_pid" --sink-pid "$sink_pid" \
  --dingtalk-db "$work/dingtalk-hub/larkway.db" --feishu-db "$work/feishu-hub/larkway.db" \
  --markdown "$work/dingtalk-ingest.md" --measuring-marker "$work/measuring" \
  "$@"
if [ -n "$perf_pid" ]; then
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  echo "perf data of the DingTalk Hub in $DINGTALK_INGEST_PERF (perf report -i $DINGTALK_INGEST_PERF --no-children --sort dso,sym)"
fi
mkdir -p artifacts && cp "$work/dingtalk-ingest.md" artifacts/dingtalk-ingest-last.md
