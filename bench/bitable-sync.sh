#!/usr/bin/env bash
# The Bitable sync benchmark, in one command (see docs/benchmarks.md, "Bitable sync"):
#   builds the Hub and the driver (Release); the driver starts an Emulator with its rate limits ON (in its own process)
#   and a Hub (webhook mode, SQLite in a temp dir) syncing a SQLite orders table with it. Per size it loads the table
#   into Bitable, loads it again with the Hub killed mid-way and resumed, loads Bitable into the table; then it times
#   edits each way on a two-way sync at steady state, and prints the table.
# Arguments go to the driver, e.g.:  bench/bitable-sync.sh --rows 10000,50000 --edits 100
# --with-postgres (first): also times database → Bitable edits on PostgreSQL, in a throwaway cluster started here
#   (Debian's postgresql package, installed if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

driver=bench/Larkway.Bench.BitableSync/bin/Release/net10.0/Larkway.Bench.BitableSync.dll
hub=${BITABLE_HUB_DLL:-src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll}

echo "building the Hub and the driver (Release)…"
dotnet build -c Release --nologo -v quiet src/Larkway.Hub/Larkway.Hub.csproj
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.BitableSync/Larkway.Bench.BitableSync.csproj

work=$(mktemp -d "${TMPDIR:-/tmp}/larkway-bitable-sync.XXXXXX")
mkdir -p artifacts
postgres=()
if [ "${1:-}" = "--with-postgres" ]; then
  shift
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  pg_port=$((20000 + RANDOM % 40000))
  while (exec 3<>"/dev/tcp/127.0.0.1/$pg_port") 2>/dev/null; do pg_port=$((20000 + RANDOM % 40000)); done
  chmod 711 "$work"  # mktemp makes it 700; the postgres user must reach its data directory inside
  install -d -o postgres -g postgres -m 700 "$work/pg"
  runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-sync --no-instructions >"$work/initdb.log"
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work/pg -c fsync=off" start >/dev/null
  trap 'runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast -w stop >/dev/null 2>&1 || true' EXIT
  postgres=(--postgres "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres")
fi
dotnet "$driver" --hub-dll "$hub" --work "$work" --markdown "$work/bitable-sync.md" "${postgres[@]}" "$@"
cp "$work/bitable-sync.md" artifacts/bitable-sync-last.md
echo "Hub logs and databases in $work"
