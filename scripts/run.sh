#!/usr/bin/env bash
# The main job: the Larkway Hub. With no FEISHU_APP_ID / FEISHU_APP_SECRET it runs in sandbox mode —
# an embedded Feishu Emulator plays the platform, so a fresh machine shows a working bot: open the
# Emulator URL it prints, pick a chat and write /help to the bot. With credentials it serves a real
# app (FEISHU_EVENT_MODE=webhook|long-connection). Data lives in ./data. Ctrl+C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

# What this script says goes to standard error: standard output is the Hub's own (with Larkway__Logging__Format=json,
# only JSON). The build's own lines too.
say() { printf '%s\n' "$*" >&2; }

hub_dll=src/Larkway.Hub/bin/Release/net10.0/Larkway.Hub.dll
# Touched after each build this script ran to the end: a source newer than it means the Hub must be built again.
built_stamp=src/Larkway.Hub/bin/Release/net10.0/.run-sh-built

# The first source file (or build setting) changed since the last build; empty when none was.
changed_since_build() {
  find src Directory.Build.props Directory.Packages.props global.json \
    \( -name bin -o -name obj \) -prune -o -type f -newer "$built_stamp" -print 2>/dev/null | head -n 1
}

elapsed() {
  local seconds=$(( $(date +%s) - $1 ))
  if (( seconds >= 60 )); then printf '%dm%02ds' $(( seconds / 60 )) $(( seconds % 60 )); else printf '%ds' "$seconds"; fi
}

if [[ -f "$hub_dll" && -f "$built_stamp" && -z "$(changed_since_build)" ]]; then
  say "The Hub is built and no source changed since; not building."
else
  if [[ -f "$hub_dll" ]]; then
    say "Building the Hub again (sources changed since its last build: a few minutes, more on a busy machine)…"
  else
    say "Building the Hub (the first build restores packages and compiles everything: 5–25 minutes on a small, busy machine; later starts skip it)…"
  fi
  started=$(date +%s)
  # Stamped as of the build's start: a file edited while it ran is newer, so the next start builds again.
  mkdir -p "$(dirname "$built_stamp")" && touch "$built_stamp.next"
  if ! dotnet build src/Larkway.Hub -c Release --nologo -clp:ErrorsOnly >&2; then
    say "The build failed after $(elapsed "$started") (errors above); the Hub was not started."
    exit 1
  fi
  mv "$built_stamp.next" "$built_stamp"
  say "Built in $(elapsed "$started")."
fi

say "Starting the Hub…"
exec dotnet "$hub_dll" "$@"
