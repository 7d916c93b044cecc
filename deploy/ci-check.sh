#!/bin/bash
# The single-server route of docs/deploy.md, followed on the CI machine (`make deploy-check`,
# run by .ci/run after `make test`). As root, on Debian 12, without systemd and without DNS:
#
#   a clean clone of this checkout, installed by deploy/install.sh into a temporary prefix with a
#   fresh venv; its self-signed certificate; nginx (the site file install.sh wrote) on loopback
#   ports; gunicorn and the scheduler started from the systemd units' own command lines, as the
#   kindred user; a local SMTP server (aiosmtpd) that keeps every message.
#
# Then, through nginx: /healthz, a German page, sign-up (with the mailed link), sign-in, a
# password reset, a notification mail with a readable one-click List-Unsubscribe, a picture and
# an 8 MB upload; on the machine: create-user reading the password from stdin, purge and
# send-digests, the code and venv not writable by kindred, pictures 0640, the documented
# encrypted backup (age) and the documented restore into a fresh instance, which keeps the same
# secret key (a session from before still works) and the data.
#
# Each check prints "ok" or "FAIL" with what it checks and why it failed; the script goes on
# after a failure and exits 1 if any failed. Everything it started is stopped, and its files
# removed, however it ends. Ports: DEPLOY_CHECK_{HTTPS,HTTP,APP,SMTP,REDIS}_PORT.
set -uo pipefail

started=$(date +%s)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HTTPS_PORT=${DEPLOY_CHECK_HTTPS_PORT:-18443}
HTTP_PORT=${DEPLOY_CHECK_HTTP_PORT:-18080}
APP_PORT=${DEPLOY_CHECK_APP_PORT:-18099}
SMTP_PORT=${DEPLOY_CHECK_SMTP_PORT:-18025}
REDIS_PORT=${DEPLOY_CHECK_REDIS_PORT:-18379}

if [ "$(id -u)" != 0 ]; then
    echo "deploy/ci-check.sh: run me as root (it installs packages and creates the kindred user)." >&2
    exit 2
fi

WORK=$(mktemp -d /tmp/kindred-deploy-check.XXXXXX)
chmod 755 "$WORK"
PREFIX=$WORK/root
CODE=$PREFIX/srv/kindred
ETC=$PREFIX/etc/kindred
ENV_FILE=$ETC/kindred.env
BIN=$PREFIX/usr/local/bin
BACKUPS=$PREFIX/var/backups/kindred
NGINX_CONF=$WORK/nginx/nginx.conf
INSTALL=(--prefix "$PREFIX" --source "$WORK/clone" --server-name localhost --listen 127.0.0.1
         --http-port "$HTTP_PORT" --https-port "$HTTPS_PORT" --app-port "$APP_PORT" --no-systemd)

failed=0
ok() { echo "  ok    $1"; }
fail() { echo "  FAIL  $1: $2"; failed=$((failed + 1)); }
check() {  # check "what" command…: ok when the command succeeds, else FAIL with its output
    local what=$1 output
    shift
    if output=$("$@" 2>&1); then ok "$what"; else fail "$what" "$(echo "$output" | tail -n 5)"; fi
}
section() { echo "== $* ($(( $(date +%s) - started )) s)"; }

user_existed=0
getent passwd kindred >/dev/null && user_existed=1
groups=()
cleanup() {
    section "Cleaning up"
    if [ -f "$WORK/nginx/nginx.pid" ]; then
        nginx -c "$NGINX_CONF" -e "$WORK/nginx/error.log" -s stop 2>/dev/null
    fi
    stop_site
    for group in "${groups[@]}"; do kill -TERM -- "-$group" 2>/dev/null; done
    for group in "${groups[@]}"; do
        for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.3; done
        kill -KILL -- "-$group" 2>/dev/null
    done
    echo "   processes stopped ($(( $(date +%s) - started )) s)"
    rm -rf "$WORK"
    echo "   files removed ($(( $(date +%s) - started )) s)"
    if [ "$user_existed" = 0 ] && getent passwd kindred >/dev/null; then
        userdel kindred 2>/dev/null
        getent group kindred >/dev/null && groupdel kindred 2>/dev/null
    fi
    echo "deploy check: $failed failure(s), $(( $(date +%s) - started )) s"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

background() {  # background NAME command…: in its own process group, output in $WORK/NAME.log
    local name=$1
    shift
    setsid "$@" >"$WORK/$name.log" 2>&1 &
    echo "$!" >"$WORK/$name.pgid"
    groups+=("$!")
}

wait_for_port() {  # wait_for_port PORT SECONDS
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.25
    done
    return 1
}

unit_command() {  # the ExecStart= of a systemd unit, its continuation lines joined
    sed -n '/^ExecStart=/,/[^\\]$/p' "$1" | sed 's/^ExecStart=//; s/\\$//' | tr '\n' ' '
}

unit_environment() {  # the Environment= assignments of a systemd unit, on one line
    sed -n 's/^Environment=//p' "$1" | tr '\n' ' '
}

run_unit() {  # run_unit NAME UNIT: what systemd would run, as User=kindred with the env file
    local command environment
    command=$(unit_command "$2")
    environment=$(unit_environment "$2")
    background "$1" runuser -u kindred -- bash -c \
        "umask 027; set -a; . '$ENV_FILE'; set +a; ${environment:+export $environment;} cd '$CODE'; exec $command"
}

start_site() {
    run_unit gunicorn "$PREFIX/etc/systemd/system/kindred.service"
    run_unit tick "$PREFIX/etc/systemd/system/kindred-tick.service"
    wait_for_port "$APP_PORT" 30 || { fail "gunicorn starts" "$(tail -n 20 "$WORK/gunicorn.log")"; return 1; }
}

stop_site() {
    local name pgid
    for name in gunicorn tick; do
        [ -f "$WORK/$name.pgid" ] || continue
        pgid=$(cat "$WORK/$name.pgid")
        kill -TERM -- "-$pgid" 2>/dev/null
        for _ in $(seq 40); do kill -0 -- "-$pgid" 2>/dev/null || break; sleep 0.25; done
        kill -KILL -- "-$pgid" 2>/dev/null
        rm -f "$WORK/$name.pgid"
    done
}

set_env() {  # set_env NAME VALUE: what the operator does with an editor
    if grep -q "^$1=" "$ENV_FILE"; then
        sed -i "s#^$1=.*#$1=$2#" "$ENV_FILE"
    else
        echo "$1=$2" >>"$ENV_FILE"
    fi
}

# --- Install ---------------------------------------------------------------------------------------
section "A clean clone of $REPO, installed by deploy/install.sh into $PREFIX"
git clone --quiet "$REPO" "$WORK/clone" || { fail "git clone" "of $REPO"; exit 1; }
if ! bash "$WORK/clone/deploy/install.sh" "${INSTALL[@]}" >"$WORK/install.log" 2>&1; then
    cat "$WORK/install.log"
    fail "deploy/install.sh" "exited non-zero (its output is above)"
    exit 1
fi
sed 's/^/    /' "$WORK/install.log"
ok "deploy/install.sh installed the site (fresh venv, migrations as kindred)"

# The settings, as the operator fills them in: the site's address (here with its port, for the
# links in e-mail) and the mail server (here a local SMTP server, without TLS).
set_env FORUM_SERVER_NAME "localhost:$HTTPS_PORT"
# Every visitor here comes from 127.0.0.1, so the rate limits' counters must start empty: a Redis
# of our own (the CI machine's is shared between runs), else counters in memory.
if command -v redis-server >/dev/null; then
    background redis redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no
    set_env FORUM_RATELIMIT_STORAGE_URI "redis://127.0.0.1:$REDIS_PORT/0"
    wait_for_port "$REDIS_PORT" 10 || fail "redis-server starts" "$(tail -n 5 "$WORK/redis.log")"
else
    set_env FORUM_RATELIMIT_STORAGE_URI "memory://"
fi
set_env FORUM_MAIL_SERVER 127.0.0.1
set_env FORUM_MAIL_PORT "$SMTP_PORT"
set_env FORUM_MAIL_USE_TLS false

section "The local SMTP server (aiosmtpd)"
SMTP_PYTHON=$REPO/.venv/bin/python
if ! "$SMTP_PYTHON" -c 'import aiosmtpd' 2>/dev/null; then
    SMTP_PYTHON=$WORK/smtp-venv/bin/python
    /usr/bin/python3 -m venv "$WORK/smtp-venv" && "$SMTP_PYTHON" -m pip install --quiet \
        --disable-pip-version-check aiosmtpd >"$WORK/smtp-venv.log" 2>&1
fi
background smtp env PYTHONPATH="$WORK/clone/deploy/ci" "$SMTP_PYTHON" -m aiosmtpd -n \
    -l "127.0.0.1:$SMTP_PORT" -c smtp_sink.Sink "$WORK/mail"
wait_for_port "$SMTP_PORT" 20 && ok "aiosmtpd listens on 127.0.0.1:$SMTP_PORT" \
    || fail "aiosmtpd starts" "$(tail -n 5 "$WORK/smtp.log")"

section "First admin and first boards (docs/deploy.md, step 6)"
ADMIN_PASSWORD="ci-$(head -c 18 /dev/urandom | base64 | tr -d '/+=')"
admin=""
if output=$(printf '%s\n' "$ADMIN_PASSWORD" \
    | "$BIN/kindred-flask" create-user admin_ci --email admin@example.org --admin 2>&1); then
    ok "create-user reads the password from stdin (no --password on the command line)"
    admin=admin_ci
else
    fail "create-user reads the password from stdin (no --password on the command line)" \
        "$(echo "$output" | tail -n 3)"
fi
if grep -nE -- '--password[ =]' "$REPO/docs/deploy.md" >"$WORK/grep.out"; then
    fail "docs/deploy.md puts no password on a command line" "$(cat "$WORK/grep.out")"
else
    ok "docs/deploy.md puts no password on a command line"
fi
check "create-category and create-board" bash -c \
    "'$BIN/kindred-flask' create-category 'Welcome' \
     && '$BIN/kindred-flask' create-board 'Introductions' --category 'Welcome' --visibility public"

section "gunicorn and the scheduler (the units' ExecStart, as kindred), nginx in front"
start_site && ok "gunicorn answers on 127.0.0.1:$APP_PORT"
listening=$(python3 - "$APP_PORT" <<'EOF'
import sys
port = int(sys.argv[1])
found = []
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    for line in open(table).readlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, _, hexport = local.rpartition(":")
        if state == "0A" and int(hexport, 16) == port:
            found.append(address)
print(" ".join(found))
EOF
)
if [ "$listening" = "0100007F" ]; then
    ok "gunicorn listens on 127.0.0.1 only"
else
    fail "gunicorn listens on 127.0.0.1 only" "listening sockets (hex addresses): '$listening'"
fi
workers=$(pgrep -g "$(cat "$WORK/gunicorn.pgid")" -x gunicorn | tr '\n' ' ')
optimised=0
for pid in $workers; do
    tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx PYTHONOPTIMIZE=2 && optimised=$((optimised + 1))
done
if [ -n "$workers" ] && [ "$optimised" -eq "$(wc -w <<<"$workers")" ]; then
    ok "gunicorn's processes keep no docstrings (PYTHONOPTIMIZE=2, from the unit)"
else
    fail "gunicorn's processes keep no docstrings" "processes '$workers', $optimised with PYTHONOPTIMIZE=2"
fi

mkdir -p "$WORK/nginx/tmp"
chown www-data "$WORK/nginx/tmp"
cat >"$NGINX_CONF" <<EOF
# Debian's nginx.conf, cut down: the site file install.sh wrote is included unchanged.
user www-data;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 64; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log $WORK/nginx/access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    include $PREFIX/etc/nginx/sites-enabled/*;
}
EOF
check "nginx $(nginx -v 2>&1 | sed 's/.*\///') accepts the site file (nginx -t)" \
    nginx -t -q -c "$NGINX_CONF" -e "$WORK/nginx/error.log"
nginx -c "$NGINX_CONF" -e "$WORK/nginx/error.log" || fail "nginx starts" "see above"
wait_for_port "$HTTPS_PORT" 10 || fail "nginx listens on $HTTPS_PORT" "$(tail -n 5 "$WORK/nginx/error.log")"

section "Through nginx, as visitors do"
SITE=(--https-port "$HTTPS_PORT" --http-port "$HTTP_PORT" --cafile "$ETC/tls/fullchain.pem"
      --mail "$WORK/mail" --state "$WORK/state.json")
DEPLOY_CHECK_ADMIN_PASSWORD=$ADMIN_PASSWORD python3 "$WORK/clone/deploy/ci/check_site.py" before \
    "${SITE[@]}" --admin "$admin" || failed=$((failed + 1))

section "On the machine"
mapfile -t pictures < <(find "$CODE/instance/uploads" -type f -name '*.png')
if [ "${#pictures[@]}" = 0 ]; then
    fail "pictures are stored 0640" "no picture was stored"
else
    modes=$(stat -c '%a %U' "${pictures[@]}" | sort -u | tr '\n' ' ')
    if [ "$modes" = "640 kindred " ] || [ "$modes" = "600 kindred " ]; then
        ok "pictures are stored 0640 (or 0600), owned by kindred: $modes"
    else
        fail "pictures are stored 0640" "mode and owner: $modes"
    fi
fi
writable=()
for path in "$CODE" "$CODE/forum" "$CODE/forum/__init__.py" "$CODE/templates" "$CODE/static" \
    "$CODE/migrations" "$CODE/wsgi.py" "$CODE/.venv" "$CODE/.venv/bin" "$CODE/.venv/bin/gunicorn" \
    "$CODE"/.venv/lib/python3*/site-packages "$BIN/kindred-flask" "$ENV_FILE"; do
    runuser -u kindred -- test -w "$path" && writable+=("$path")
done
if [ "${#writable[@]}" = 0 ]; then
    ok "the code, the venv, the commands and the env file are not writable by kindred"
else
    fail "the code and the venv are not writable by kindred" "writable: ${writable[*]}"
fi
check "the instance folder is writable by kindred" runuser -u kindred -- test -w "$CODE/instance"
[ "$(stat -c '%a %U %G' "$ENV_FILE")" = "640 root kindred" ] \
    && ok "the env file is 0640 root:kindred" \
    || fail "the env file is 0640 root:kindred" "$(stat -c '%a %U %G' "$ENV_FILE")"
check "flask purge exits 0" "$BIN/kindred-flask" purge
check "flask send-digests exits 0" "$BIN/kindred-flask" send-digests

section "The nightly encrypted backup (docs/deploy.md, step 8)"
age-keygen -o "$WORK/backup-key.txt" 2>/dev/null
age-keygen -y "$WORK/backup-key.txt" >"$ETC/backup-recipients.txt"
check "kindred-backup exits 0" "$BIN/kindred-backup"
mapfile -t backups < <(find "$BACKUPS" -name 'kindred-*.tar.age')
backup=${backups[0]:-}
if [ "${#backups[@]}" = 1 ] && head -c 21 "$backup" | grep -q '^age-encryption.org/v1' \
    && ! grep -aq 'SQLite format 3' "$backup"; then
    ok "one age-encrypted file, no readable database in it: $(basename "$backup")"
else
    fail "the backup is one age-encrypted file" "found: ${backups[*]:-none}"
fi
[ -z "$(ls -A "$CODE/instance" | grep -i staging)" ] && ok "no unencrypted copy is left behind" \
    || fail "no unencrypted copy is left behind" "$(ls "$CODE/instance")"

section "The documented restore, into a fresh instance (docs/deploy.md, Restore)"
secret_before=$(grep '^FORUM_SECRET_KEY=' "$ENV_FILE")
stop_site
rm -rf "$CODE/instance"  # the server's data is lost; the settings and the backup remain
if bash "$WORK/clone/deploy/install.sh" "${INSTALL[@]}" >"$WORK/install-again.log" 2>&1; then
    ok "install.sh run again (idempotent) makes a fresh, empty instance"
else
    fail "install.sh run again" "$(tail -n 5 "$WORK/install-again.log")"
fi
[ "$(grep '^FORUM_SECRET_KEY=' "$ENV_FILE")" = "$secret_before" ] \
    && ok "install.sh keeps the secret key in the env file" \
    || fail "install.sh keeps the secret key in the env file" "it changed"
if [ -n "$backup" ]; then
    check "kindred-restore BACKUP KEY exits 0" "$BIN/kindred-restore" "$backup" "$WORK/backup-key.txt"
fi
[ ! -e "$CODE/instance/secret_key" ] && ok "no instance/secret_key was made (the env file was read)" \
    || fail "no instance/secret_key was made" "the restore ran without the env file"
start_site
python3 "$WORK/clone/deploy/ci/check_site.py" after "${SITE[@]}" || failed=$((failed + 1))

[ "$failed" = 0 ]
