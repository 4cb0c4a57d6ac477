#!/usr/bin/env bash
# Packs the libraries (Larkway.Clients.Abstractions, Larkway.Feishu, Larkway.Feishu.Events, Larkway.Feishu.AspNetCore, Larkway.DingTalk, Larkway.WeCom, Larkway.Channels, Larkway.Emulator) and the
# larkway tool (Larkway.Cli) into artifacts/packages, with their symbol packages (.snupkg), then installs the tool from
# that folder alone into a throwaway tool path and runs it, as a user of the package would.
#   scripts/pack.sh [--no-build]      (--no-build: the Release build of Larkway.slnx is already there, as in scripts/test.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

out=artifacts/packages
rm -rf "$out"
dotnet pack Larkway.slnx -c Release --nologo -clp:ErrorsOnly "$@"

version="$(sed -n 's|.*<VersionPrefix>\(.*\)</VersionPrefix>.*|\1|p' Directory.Build.props)"
for id in Larkway.Clients.Abstractions Larkway.Feishu Larkway.Feishu.Events Larkway.Feishu.AspNetCore Larkway.DingTalk Larkway.WeCom Larkway.Channels Larkway.Emulator Larkway.Cli; do
  for ext in nupkg snupkg; do
    [ -f "$out/$id.$version.$ext" ] || { echo "pack: $out/$id.$version.$ext is missing" >&2; exit 1; }
  done
done

# Only the local folder as a source: the tool package carries its dependencies, and nothing else is asked.
tools="$(mktemp -d)"
trap 'rm -rf "$tools"' EXIT
cat > "$tools/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="larkway-local" value="$PWD/$out" />
  </packageSources>
</configuration>
XML
dotnet tool install Larkway.Cli --version "$version" --tool-path "$tools/bin" --configfile "$tools/nuget.config" >/dev/null
help="$("$tools/bin/larkway" --help)"
for command in send emulator card event; do
  grep -q "$command" <<<"$help" || { echo "pack: the installed larkway tool does not list '$command'" >&2; exit 1; }
done
echo "pack: $(ls "$out" | grep -c '\.nupkg$') packages in $out; the larkway tool $version installs from there and runs"
