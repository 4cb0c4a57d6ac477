#!/usr/bin/env bash
# The liveness suite of the three long connections (DingTalk Stream mode, Feishu's long connection, the WeCom AI bot) in
# one command (see docs/benchmarks.md, "Long connections under faults, three platforms"): builds the driver (Release);
# for each platform, fault (a killed socket, a half-open socket, the server's disconnect frame or close, the endpoint
# down while a connection drops — where the platform's Emulator has it) and connection count (WeCom: one, its rule),
# an emulator pushes a message every 100 ms for 40 s, hits one connection at 5 s, and the driver counts messages lost,
# messages handled twice, the longest stretch without one and the longest delay of one.
# Arguments go to the driver, e.g.:  bench/stream-liveness.sh --platforms feishu,wecom --faults drop,half-open --connections 1 --seconds 60
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build -c Release --nologo -v quiet bench/Larkway.Bench.StreamLiveness/Larkway.Bench.StreamLiveness.csproj
mkdir -p artifacts
dotnet bench/Larkway.Bench.StreamLiveness/bin/Release/net10.0/Larkway.Bench.StreamLiveness.dll --markdown artifacts/stream-liveness-last.md "$@"
