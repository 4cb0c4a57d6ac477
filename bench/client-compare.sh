#!/usr/bin/env bash
# Client overhead before and after a change: runs bench/Larkway.Bench with the client library built
# from <base-commit> and with the working tree's, alternately, <pairs> times, and prints each run's
# figures. The bench binary is the same for both; only Larkway.Feishu.dll differs (its public API
# the bench uses must not have changed).
#
#   bench/client-compare.sh <base-commit> [pairs=5] [bench options…]
#   bench/client-compare.sh ca30faa 5 --rounds 10 --calls 2000
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:?usage: bench/client-compare.sh <base-commit> [pairs] [bench options…]}
pairs=${2:-5}
shift $(( $# >= 2 ? 2 : 1 ))

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "building the client at $base and the bench at the working tree…" >&2
git archive "$base" Directory.Build.props Directory.Packages.props global.json src/Larkway.Feishu src/Shared | tar -x -C "$work"
dotnet build "$work/src/Larkway.Feishu" -c Release -v quiet -nologo >&2
dotnet build bench/Larkway.Bench -c Release -v quiet -nologo >&2

cp -r bench/Larkway.Bench/bin/Release/net10.0 "$work/after"
cp -r bench/Larkway.Bench/bin/Release/net10.0 "$work/before"
cp "$work/src/Larkway.Feishu/bin/Release/net10.0/Larkway.Feishu."{dll,pdb} "$work/before/"

for i in $(seq 1 "$pairs"); do
  for side in before after; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    echo "## $side (run $i, load average $load)"
    (cd "$work/$side" && dotnet Larkway.Bench.dll "$@" | grep -E '^\| (bare|Feishu)|^Time ratio|^Rounds|^Single|^Canned')
  done
done
