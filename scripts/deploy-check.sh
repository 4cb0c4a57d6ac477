#!/usr/bin/env bash
# Tests docs/deploy.md's Linux install on this machine, the way the guide says to do it:
#   1. a self-contained `dotnet publish` of the Hub (linux-x64) installed to /opt/larkway-hub, the system user larkway,
#      /var/lib/larkway-hub, /etc/larkway-hub/hub.env (made from deploy/hub.env.example) and
#      deploy/systemd/larkway-hub.service as /etc/systemd/system/larkway-hub.service, checked with systemd-analyze verify;
#   2. a PostgreSQL database and role created with the guide's SQL (on a throwaway cluster of this script's own);
#   3. the service started: by systemctl where systemd runs this machine, otherwise with exactly the unit's ExecStart,
#      User, Group, WorkingDirectory and EnvironmentFile; a second replica from the same install and settings on another
#      port, started at the same moment (the migrations run once); nginx with deploy/nginx/larkway-hub.conf ending TLS
#      in front of both;
#   4. proofs through the proxy and on each replica: /healthz and /readyz, the admin API with the admin key (and 401
#      without), Feishu's URL-verification challenge, a signed and encrypted event stored by one replica and listed by
#      the other, the client's address and scheme forwarded by the proxy, the first-start secrets file readable by
#      larkway only; then SIGTERM and a clean exit of both.
# Everything it installs it removes again; it refuses to run where a larkway-hub installation already exists. Needs root
# and the .NET SDK; installs what else it needs from Debian's packages (systemd for systemd-analyze, postgresql, nginx,
# curl, openssl). Ports are free ones. Exit 0 when every check passed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

name=larkway-hub
user=larkway
prefix=/opt/$name
etc=/etc/$name
state=/var/lib/$name
unit=/etc/systemd/system/$name.service
marker=$etc/.installed-by-deploy-check

say() { echo "deploy-check: $*"; }
fail() { echo "deploy-check: FAILED: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "run as root: it creates the user $user and installs under /opt, /etc and /var/lib"

# A previous check's leftovers (marked) are removed; anything else is someone's installation and is left alone.
if [ -e "$prefix" ] || [ -e "$etc" ] || [ -e "$state" ] || [ -e "$unit" ]; then
  [ -f "$marker" ] || fail "$prefix, $etc, $state or $unit exists and was not made by this script; not touching it"
fi

apt_install() {
  if [ ! -f /tmp/.larkway-apt-updated ]; then
    apt-get update -qq && touch /tmp/.larkway-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need=()
command -v systemd-analyze >/dev/null || need+=(systemd)
command -v curl >/dev/null || need+=(curl)
command -v openssl >/dev/null || need+=(openssl)
command -v setpriv >/dev/null || need+=(util-linux)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]} (Debian packages)"
  apt_install "${need[@]}"
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"

work="$(mktemp -d /tmp/larkway-deploy-check.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -f "$work/nginx.pid" ]; then "$nginx_bin" -e "$work/nginx.log" -c "$work/nginx.conf" -s stop 2>/dev/null || true; fi
  if [ -d "$work/pg/data" ]; then runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  if [ "${systemd_started:-}" = 1 ]; then systemctl stop "$name" || true; systemctl daemon-reload || true; fi
  if [ -f "$marker" ]; then
    rm -rf "$prefix" "$etc" "$state" "$unit"
    id "$user" >/dev/null 2>&1 && userdel "$user" 2>/dev/null || true
  fi
  if [ $status -ne 0 ] && [ -d "$work" ]; then
    for log in "$work"/*.log; do [ -f "$log" ] && { echo "--- $log (last 40 lines)"; tail -n 40 "$log"; }; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  fail "no free port found"
}

# --- 1. Publish and install ------------------------------------------------------------------------------------------
say "publishing the Hub (self-contained, linux-x64)"
dotnet publish src/Larkway.Hub/Larkway.Hub.csproj -c Release -r linux-x64 --self-contained -o "$work/publish" --nologo -clp:ErrorsOnly >"$work/publish.log" 2>&1 \
  || { cat "$work/publish.log"; fail "dotnet publish"; }

say "installing to $prefix, $etc, $state and $unit"
install -d -m 755 "$etc"
touch "$marker"
useradd --system --user-group --home-dir "$state" --shell /usr/sbin/nologin "$user"
install -d -m 755 "$prefix"
cp -a "$work/publish/." "$prefix/"
chown -R root:root "$prefix"
install -d -o "$user" -g "$user" -m 750 "$state"
chgrp "$user" "$etc" && chmod 750 "$etc"
install -m 644 deploy/systemd/larkway-hub.service "$unit"

verify="$(systemd-analyze verify "$unit" 2>&1)" || fail "systemd-analyze verify $unit: $verify"
[ -z "$verify" ] || fail "systemd-analyze verify $unit reported: $verify"
say "systemd-analyze verify: no findings"

# --- 2. PostgreSQL (a throwaway cluster; the database and role as the guide creates them) --------------------------------
pg_port="$(free_port)"
install -d -o postgres -g postgres -m 700 "$work/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg/data" -U postgres --auth=trust -E UTF8 --no-sync --no-instructions >"$work/initdb.log" 2>&1
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
db_password="$(openssl rand -hex 16)"
psql_admin() { runuser -u postgres -- psql -h 127.0.0.1 -p "$pg_port" -U postgres -v ON_ERROR_STOP=1 -q "$@"; }
psql_admin -d postgres -c "CREATE ROLE larkway LOGIN PASSWORD '$db_password';" -c "CREATE DATABASE larkway OWNER larkway;"

# --- 3. Settings and start ---------------------------------------------------------------------------------------------
port_a="$(free_port)"; port_b="$(free_port)"; https_port="$(free_port)"
[ "$port_a" != "$port_b" ] && [ "$port_b" != "$https_port" ] && [ "$port_a" != "$https_port" ] || fail "port clash; run again"
admin_key="$(openssl rand -base64 32 | tr -d '\n')"
app_id="cli_$(openssl rand -hex 8)"
encrypt_key="$(openssl rand -hex 16)"
verification_token="$(openssl rand -hex 16)"

# hub.env is the example with the values of this machine: every key set here must be in the example.
cp deploy/hub.env.example "$work/hub.env"
set_env() {
  grep -q "^$1=" "$work/hub.env" || fail "deploy/hub.env.example has no $1"
  local value="${2//\\/\\\\}"; value="${value//|/\\|}"; value="${value//&/\\&}"
  sed -i "s|^$1=.*|$1=$value|" "$work/hub.env"
}
set_env ASPNETCORE_URLS "http://127.0.0.1:$port_a"
set_env LARKWAY_PUBLIC_URL "https://127.0.0.1:$https_port"
set_env LARKWAY_TRUSTED_PROXIES "127.0.0.1"
set_env Larkway__Storage__ConnectionString "Host=127.0.0.1;Port=$pg_port;Database=larkway;Username=larkway;Password=$db_password"
set_env LARKWAY_ADMIN_KEY "$admin_key"
set_env FEISHU_APP_ID "$app_id"
set_env FEISHU_APP_SECRET "$(openssl rand -hex 16)"
# Nothing in these checks calls Feishu; a closed local port keeps any call from leaving the machine.
set_env FEISHU_BASE_URL "http://127.0.0.1:9"
set_env FEISHU_ENCRYPT_KEY "$encrypt_key"
set_env FEISHU_VERIFICATION_TOKEN "$verification_token"
install -m 640 -g "$user" "$work/hub.env" "$etc/hub.env"

unit_value() { sed -n "s/^$1=//p" "$unit" | tail -n 1; }
exec_start="$(unit_value ExecStart)"; unit_user="$(unit_value User)"; unit_group="$(unit_value Group)"
workdir="$(unit_value WorkingDirectory)"; env_file="$(unit_value EnvironmentFile)"
[ "$exec_start" = "$prefix/Larkway.Hub" ] && [ "$workdir" = "$state" ] && [ "$env_file" = "$etc/hub.env" ] && [ "$unit_user" = "$user" ] \
  || fail "the unit's paths are not the ones this script installs ($exec_start, $workdir, $env_file, $unit_user)"

# The environment systemd gives a service: its EnvironmentFile (KEY=value lines; # comments; surrounding quotes removed)
# and the user's basics.
service_env() {
  local line key value
  echo "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
  echo "HOME=$state"; echo "USER=$unit_user"; echo "LOGNAME=$unit_user"; echo "SHELL=/usr/sbin/nologin"
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in ''|'#'*|';'*) continue ;; esac
    key="${line%%=*}"; value="${line#*=}"
    if [[ "$value" =~ ^\"(.*)\"$ ]] || [[ "$value" =~ ^\'(.*)\'$ ]]; then value="${BASH_REMATCH[1]}"; fi
    echo "$key=$value"
  done <"$env_file"
}
start_replica() { # name, extra KEY=value...
  local log="$work/$1.log"; shift
  local env=()
  mapfile -t env < <(service_env)
  (cd "$workdir" && exec setpriv --reuid="$unit_user" --regid="$unit_group" --init-groups --no-new-privs \
      env -i "${env[@]}" "$@" "$exec_start") >"$log" 2>&1 &
  pids+=($!)
}

systemd_started=0
if [ "$(ps -p 1 -o comm= 2>/dev/null)" = systemd ] && systemctl is-system-running >/dev/null 2>&1; then
  say "systemd runs this machine: systemctl start $name, and a second replica by hand"
  systemctl daemon-reload
  systemctl start "$name" && systemd_started=1
else
  say "systemd does not run this machine (PID 1 is $(ps -p 1 -o comm=)): starting the unit's ExecStart as $unit_user in $workdir with $env_file"
  start_replica hub-a
fi
# Replica B: the same install and settings on another port (on a second host it would be the same unit).
start_replica hub-b "ASPNETCORE_URLS=http://127.0.0.1:$port_b"

wait_ready() { # port, name
  for _ in $(seq 1 240); do
    if curl -fsS -o /dev/null "http://127.0.0.1:$1/readyz" 2>/dev/null; then return 0; fi
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || fail "$2 exited before it was ready"; done
    sleep 0.5
  done
  fail "$2 was not ready within 120 s"
}
wait_ready "$port_a" "replica A"
wait_ready "$port_b" "replica B"
say "both replicas are ready"

# nginx with the guide's configuration: its upstream names are this machine's replicas, its certificate a fresh one.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=127.0.0.1" -keyout "$work/hub.key" -out "$work/hub.crt" >/dev/null 2>&1
sed -e "s|hub-1:8080|127.0.0.1:$port_a|; s|hub-2:8080|127.0.0.1:$port_b|" \
    -e "s|listen 443 ssl;|listen 127.0.0.1:$https_port ssl;|; s|listen 80;|listen 127.0.0.1:$(free_port);|" \
    -e "s|/etc/nginx/tls/|$work/|" deploy/nginx/larkway-hub.conf >"$work/site.conf"
grep -q "127.0.0.1:$port_a" "$work/site.conf" && grep -q "127.0.0.1:$https_port ssl" "$work/site.conf" || fail "deploy/nginx/larkway-hub.conf no longer has the lines this script adapts"
cat >"$work/nginx.conf" <<NGINX
daemon on;
pid $work/nginx.pid;
error_log $work/nginx.log;
events {}
http {
  access_log $work/nginx-access.log;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  include $work/site.conf;
}
NGINX
"$nginx_bin" -e "$work/nginx.log" -t -c "$work/nginx.conf" >"$work/nginx-test.log" 2>&1 || { cat "$work/nginx-test.log"; fail "nginx -t"; }
"$nginx_bin" -e "$work/nginx.log" -c "$work/nginx.conf"
proxy="https://127.0.0.1:$https_port"

# --- 4. Proofs ---------------------------------------------------------------------------------------------------------
check() { say "ok: $*"; }
http() { curl -sS -k -o "$work/body" -w '%{http_code}' "$@"; }

for port in "$port_a" "$port_b"; do
  [ "$(http "http://127.0.0.1:$port/healthz")" = 200 ] || fail "/healthz on :$port"
  [ "$(http "http://127.0.0.1:$port/readyz")" = 200 ] && grep -q '"migrations"' "$work/body" || fail "/readyz on :$port: $(cat "$work/body")"
done
check "/healthz and /readyz answer 200 on both replicas"

[ "$(http "$proxy/readyz")" = 200 ] || fail "/readyz through the proxy"
[ "$(http -H "Authorization: Bearer $admin_key" "$proxy/api/v1/apps")" = 200 ] && grep -q "$app_id" "$work/body" \
  || fail "the admin API through the proxy: $(cat "$work/body")"
[ "$(http "$proxy/api/v1/apps")" = 401 ] || fail "the admin API without a key is not 401"
check "the admin API answers the admin key through the TLS proxy, and 401 without it"

# A stored app's events URL is built on LARKWAY_PUBLIC_URL: the proxy's https origin.
[ "$(http -H "Authorization: Bearer $admin_key" -H 'Content-Type: application/json' \
    -d '{"name":"deploy-check","app_id":"cli_deploycheck0001","app_secret":"s","verification_token":"v"}' "$proxy/api/v1/apps")" = 201 ] \
  && grep -q "\"events_url\":\"$proxy/feishu/apps/deploy-check/events\"" "$work/body" || fail "adding an app: $(cat "$work/body")"
check "URLs handed out are on the public https origin"

challenge="$(openssl rand -hex 8)"
[ "$(http -H 'Content-Type: application/json' -d "{\"challenge\":\"$challenge\",\"token\":\"$verification_token\",\"type\":\"url_verification\"}" "$proxy/feishu/events")" = 200 ] \
  && grep -q "$challenge" "$work/body" || fail "url_verification: $(cat "$work/body")"
check "Feishu's URL-verification challenge is answered"

# A signed, encrypted event as Feishu sends it, to replica A; replica B lists it from the shared inbox.
event_id="$(openssl rand -hex 16)"
plain="{\"schema\":\"2.0\",\"header\":{\"event_id\":\"$event_id\",\"event_type\":\"larkway.deploy_check\",\"create_time\":\"$(date +%s)000\",\"token\":\"$verification_token\",\"app_id\":\"$app_id\",\"tenant_key\":\"deploy-check\"},\"event\":{\"check\":true}}"
key_hex="$(printf '%s' "$encrypt_key" | openssl dgst -sha256 -hex | sed 's/.*= //')"
iv_hex="$(openssl rand -hex 16)"
# base64(IV ‖ AES-256-CBC(SHA-256(encrypt key), body)), as Feishu encrypts.
cipher="$( { printf '%b' "$(sed 's/../\\x&/g' <<<"$iv_hex")"; printf '%s' "$plain" | openssl enc -aes-256-cbc -K "$key_hex" -iv "$iv_hex"; } | openssl base64 -A)"
body="{\"encrypt\":\"$cipher\"}"
timestamp="$(date +%s)"; nonce="$(openssl rand -hex 8)"
signature="$(printf '%s' "$timestamp$nonce$encrypt_key$body" | openssl dgst -sha256 -hex | sed 's/.*= //')"
[ "$(http -H 'Content-Type: application/json' -H "X-Lark-Request-Timestamp: $timestamp" -H "X-Lark-Request-Nonce: $nonce" \
    -H "X-Lark-Signature: $signature" --data-binary "$body" "http://127.0.0.1:$port_a/feishu/events")" = 200 ] \
  || fail "a signed, encrypted event to replica A: $(cat "$work/body")"
[ "$(http -H "Authorization: Bearer $admin_key" "http://127.0.0.1:$port_b/api/v1/events?type=larkway.deploy_check")" = 200 ] \
  && grep -q "$event_id" "$work/body" || fail "replica B does not list the event replica A stored: $(cat "$work/body")"
check "a signed, encrypted event stored by replica A is listed by replica B (one PostgreSQL inbox)"

# The proxy forwards the client's address: wrong keys lock out the client that sent them, not the proxy.
for _ in $(seq 1 20); do http -H "Authorization: Bearer wrong" -H "X-Forwarded-For: 203.0.113.9" "$proxy/api/v1/apps" >/dev/null; done
[ "$(http -H "Authorization: Bearer wrong" "$proxy/api/v1/apps")" = 401 ] || fail "a client behind the proxy was locked out with another"
check "X-Forwarded-For from the proxy: one client's wrong keys do not lock out the others"

migrations="$(psql_admin -d larkway -tA -c 'SELECT count(*) FROM "__EFMigrationsHistory"')"
files="$(ls src/Larkway.Hub.Migrations.Postgres/Migrations/*.cs | grep -vc -e '\.Designer\.cs$' -e 'ModelSnapshot\.cs$' || true)"
[ "$migrations" = "$files" ] || fail "$migrations migrations recorded, $files in the source"
check "the $migrations migrations were applied once for both replicas"

secrets="$(find "$state" -name first-start-secrets.txt | head -n 1)"
[ -n "$secrets" ] && [ "$(stat -c '%U %a' "$secrets")" = "$user 600" ] || fail "no first-start secrets file owned by $user with mode 600 under $state"
check "the console password went to $secrets (mode 600, owner $user), not to the log"

# --- Stop: SIGTERM, as systemd sends it ----------------------------------------------------------------------------------
if [ "$systemd_started" = 1 ]; then systemctl stop "$name"; systemd_started=0; fi
for pid in "${pids[@]}"; do kill -TERM "$pid"; done
for pid in "${pids[@]}"; do
  code=0; wait "$pid" || code=$?
  [ "$code" = 0 ] || fail "a replica exited with $code after SIGTERM"
done
pids=()
check "both replicas stopped cleanly on SIGTERM"
say "passed"
