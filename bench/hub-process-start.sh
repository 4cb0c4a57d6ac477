#!/usr/bin/env bash
# A fresh Hub process's start-up cost, JIT-compiled against compiled ahead of time (ReadyToRun), side by side (see
# docs/benchmarks.md, "Hub start"). The Integration tests start the Hub as its own process about sixty times a run
# (crashes, replicas, banners); scripts/test.sh gives them the ReadyToRun Hub. Each start is the sandbox Hub on a fresh
# data folder, timed from the process's start until /healthz answers: wall time, and the process's CPU time (user +
# system, from /proc). The two builds alternate, so both see the same machine. Usage: bench/hub-process-start.sh [starts]
set -euo pipefail
cd "$(dirname "$0")/.."
starts="${1:-10}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building the Hub (Release), and publishing it ReadyToRun…"
dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly src/Larkway.Hub/Larkway.Hub.csproj
dotnet publish src/Larkway.Hub/Larkway.Hub.csproj -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
  -o "$work/r2r" --nologo -v quiet -clp:ErrorsOnly
jit="$PWD/src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll"
r2r="$work/r2r/Larkway.Hub.dll"
ticks=$(getconf CLK_TCK)

# Prints "wall_ms cpu_ms" of one start of the Hub in $1.
start_once() {
  local data="$work/data-$RANDOM$RANDOM"
  mkdir -p "$data"
  (cd "$data" && exec env urls=http://127.0.0.1:0 Logging__LogLevel__Default=Warning \
    Larkway__Bootstrap__SecretsFile="$data/secrets.txt" LARKWAY_EMULATOR_PORT=0 \
    LARKWAY_EMULATOR_STATE_FILE="$data/emulator.json" Larkway__Storage__ConnectionString="Data Source=$data/larkway.db" \
    dotnet "$1" >"$data/out.txt" 2>&1) &
  local pid=$! began url="" stat cpu ended
  began=$(date +%s%N)
  for _ in $(seq 1 1200); do
    url=$(grep -o 'http://127.0.0.1:[0-9]*' "$data/out.txt" 2>/dev/null | head -n 1 || true)
    if [ -n "$url" ] && curl -sf "$url/healthz" >/dev/null 2>&1; then break; fi
    sleep 0.02
  done
  ended=$(date +%s%N)
  [ -n "$url" ] || { cat "$data/out.txt" >&2; echo "the Hub in $1 did not start" >&2; exit 1; }
  read -r -a stat <"/proc/$pid/stat"
  cpu=$(( (stat[13] + stat[14]) * 1000 / ticks ))
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
  echo "$(( (ended - began) / 1000000 )) $cpu"
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2 ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2)}'; }

start_once "$jit" >/dev/null   # the disk cache warmed for both
start_once "$r2r" >/dev/null
: >"$work/jit.txt"; : >"$work/r2r.txt"
for _ in $(seq 1 "$starts"); do
  start_once "$jit" >>"$work/jit.txt"
  start_once "$r2r" >>"$work/r2r.txt"
done

jit_wall=$(cut -d' ' -f1 "$work/jit.txt" | median); jit_cpu=$(cut -d' ' -f2 "$work/jit.txt" | median)
r2r_wall=$(cut -d' ' -f1 "$work/r2r.txt" | median); r2r_cpu=$(cut -d' ' -f2 "$work/r2r.txt" | median)
echo "$starts starts each, alternating; medians:"
echo "  JIT (the build's Hub):   wall $jit_wall ms, CPU $jit_cpu ms"
echo "  ReadyToRun (published):  wall $r2r_wall ms, CPU $r2r_cpu ms"
awk -v a="$r2r_cpu" -v b="$jit_cpu" -v c="$r2r_wall" -v d="$jit_wall" \
  'BEGIN { printf "  ReadyToRun / JIT: CPU %.2f, wall %.2f\n", a / b, c / d }'
