#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "need root to install Debian packages: $*" >&2
    exit 1
  fi
  if [ ! -f /tmp/.larkway-apt-updated ]; then
    apt-get update -qq && touch /tmp/.larkway-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Node.js + npm run the official @larksuiteoapi/node-sdk against the Emulator, and openid-client against the Hub.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing nodejs and npm (Debian packages)"
  apt_install nodejs npm
fi

# PostgreSQL server binaries (initdb, pg_ctl): the Hub's PostgreSQL tests start a throwaway cluster of their
# own with them (tests/Larkway.Hub.Tests/TestSupport/PostgresCluster.cs); no server needs to be running.
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "installing postgresql (Debian packages)"
  apt_install postgresql
fi

# Chromium for the console's browser tests (tests/Larkway.Browser.Tests): Playwright launches Debian's build by path;
# Playwright's own browser download is never used.
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium (Debian package)"
  apt_install chromium
fi

# Fonts for the screenshots the browser tests save: Chinese text (names, group chats) and emoji (the answer buttons' 👍 👎)
# are drawn as empty boxes without them.
if ! dpkg -s fonts-wqy-microhei fonts-noto-color-emoji >/dev/null 2>&1; then
  echo "installing fonts for Chinese text and emoji (Debian packages)"
  apt_install fonts-wqy-microhei fonts-noto-color-emoji
fi

compat=tests/compat/node-sdk
if [ ! -d "$compat/node_modules/@larksuiteoapi/node-sdk" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# dingtalk-stream, DingTalk's official Stream mode client, connects to the Emulator's DingTalk Stream endpoint unchanged.
compat=tests/compat/dingtalk-stream
if [ ! -d "$compat/node_modules/dingtalk-stream" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# @alicloud/dingtalk, DingTalk's official generated API client, calls the Emulator's DingTalk API host unchanged.
compat=tests/compat/alicloud-dingtalk
if [ ! -d "$compat/node_modules/@alicloud/dingtalk" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# @wecom/crypto, WeCom's official callback crypto, serves as an app's callback server against the Emulator's WeCom side.
compat=tests/compat/wecom-crypto
if [ ! -d "$compat/node_modules/@wecom/crypto" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# @wecom/aibot-node-sdk, WeCom's official AI bot long-connection client, connects to the Emulator's AI bot endpoint unchanged.
compat=tests/compat/wecom-aibot
if [ ! -d "$compat/node_modules/@wecom/aibot-node-sdk" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# openid-client, a certified OpenID Connect relying party, signs in through the Hub's sign-in broker unchanged.
compat=tests/compat/openid-client
if [ ! -d "$compat/node_modules/openid-client" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# standardwebhooks, the Standard Webhooks reference library for JavaScript, verifies the Hub's outbound webhooks unchanged.
compat=tests/compat/standardwebhooks
if [ ! -d "$compat/node_modules/standardwebhooks" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# openapi-typescript and openapi-fetch generate a TypeScript client from the Hub's OpenAPI document; tsc compiles it.
compat=tests/compat/openapi-client
if [ ! -d "$compat/node_modules/openapi-typescript" ]; then
  echo "installing $compat npm packages"
  (cd "$compat" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Kiota (a .NET tool of this repository's manifest, .config/dotnet-tools.json) generates a C# client from the same document.
dotnet tool restore >/dev/null
