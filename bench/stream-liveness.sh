#!/usr/bin/env bash
# The DingTalk Stream liveness suite, in one command (see docs/benchmarks.md, "DingTalk Stream liveness"):
#   builds the driver (Release); for each fault (a killed socket, a half-open socket, the server's disconnect frame, the
#   endpoint down while a connection drops) and each connection count, an emulator pushes a robot message every 100 ms
#   for 40 s, hits one connection at 5 s, and the driver counts messages lost and the longest stretch without one.
# Arguments go to the driver, e.g.:  bench/stream-liveness.sh --faults drop,half-open --connections 2 --seconds 60
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.StreamLiveness/Larkway.Bench.StreamLiveness.csproj
mkdir -p artifacts
dotnet bench/Larkway.Bench.StreamLiveness/bin/Release/net10.0/Larkway.Bench.StreamLiveness.dll --markdown artifacts/stream-liveness-last.md "$@"
