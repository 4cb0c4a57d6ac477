#!/usr/bin/env bash
# The Hub's start-up cost, in one command (see docs/benchmarks.md, "Hub start"): builds the driver (Release), which starts
# the sandbox Hub in-process N times on fresh data folders, as the Integration tests do, and prints the wall and CPU time
# per start. It runs with profile-guided tiering on and off (the test projects turn it off), alternating, twice each, so
# the two are compared side by side on a noisy machine. Arguments go to the driver: [starts] [warm-up starts].
set -euo pipefail
cd "$(dirname "$0")/.."

echo "building the driver and the Hub (Release)…"
dotnet build -c Release --nologo -v quiet -clp:ErrorsOnly bench/Larkway.Bench.HubStart/Larkway.Bench.HubStart.csproj
driver=bench/Larkway.Bench.HubStart/bin/Release/net10.0/Larkway.Bench.HubStart.dll
for round in 1 2; do
  DOTNET_TieredPGO=1 dotnet "$driver" "$@"
  DOTNET_TieredPGO=0 dotnet "$driver" "$@"
done
