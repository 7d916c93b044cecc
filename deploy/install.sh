#!/bin/bash
# Install (or bring up to date) Kindred on one Debian 12 server. Run as root; safe to run again.
#
#   bash deploy/install.sh --server-name forum.example.org
#
# It installs the Debian packages, creates the `kindred` service user, puts the code in
# /srv/kindred (owned by root: the service cannot change its own code) with a venv, writes
# /etc/kindred/kindred.env from deploy/kindred.env.example (0640 root:kindred, with a generated
# secret key), creates the instance, upload, log and backup folders, runs the database
# migrations as `kindred`, installs the systemd units, the cron file, the nginx site and the
# kindred-flask / kindred-backup / kindred-restore commands, and says what to do next.
# docs/deploy.md, "One Debian 12 server", walks through it.
#
# Options (the defaults are for a real server; CI uses the others, deploy/ci-check.sh):
#   --server-name NAME   the forum's address (default: the one in the env file, else hostname -f)
#   --source DIR|URL     the git repository to install from (default: the one holding this script)
#   --ref REF            check out this branch, tag or commit (an upgrade: see docs/deploy.md §9)
#   --prefix DIR         install under DIR (DIR/srv/kindred, DIR/etc/kindred, …) instead of /
#   --listen ADDR        nginx listens on ADDR only, e.g. 127.0.0.1 (default: every address)
#   --http-port N --https-port N --app-port N     80, 443 and 8000 by default
#   --no-systemd         do not enable or start services, nor reload nginx (and do not install
#                        redis-server, cron and certbot): for machines without systemd
#   --no-packages        install no Debian packages
set -euo pipefail

die() { echo "install.sh: $*" >&2; exit 1; }
step() { echo "== $*"; }
quietly() {  # run a command, showing its output only when it fails
    local output
    output=$("$@" 2>&1) || { echo "$output" >&2; die "failed: $*"; }
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE=$(cd "$SCRIPT_DIR/.." && pwd)
REF=""
PREFIX=""
SERVER_NAME=""
LISTEN=""
HTTP_PORT=80
HTTPS_PORT=443
APP_PORT=8000
SYSTEMD=1
PACKAGES=1
PYTHON=/usr/bin/python3

while [ "$#" -gt 0 ]; do
    case "$1" in
        --server-name) SERVER_NAME=$2; shift 2 ;;
        --source) SOURCE=$2; shift 2 ;;
        --ref) REF=$2; shift 2 ;;
        --prefix) PREFIX=$(realpath -m "$2"); shift 2 ;;
        --listen) LISTEN=$2; shift 2 ;;
        --http-port) HTTP_PORT=$2; shift 2 ;;
        --https-port) HTTPS_PORT=$2; shift 2 ;;
        --app-port) APP_PORT=$2; shift 2 ;;
        --no-systemd) SYSTEMD=0; shift ;;
        --no-packages) PACKAGES=0; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
done

[ "$(id -u)" = 0 ] || die "run me as root (e.g. after 'su -')."

CODE=$PREFIX/srv/kindred
ETC=$PREFIX/etc/kindred
ENV_FILE=$ETC/kindred.env
TLS=$ETC/tls
LOG=$PREFIX/var/log/kindred
BACKUPS=$PREFIX/var/backups/kindred
BIN=$PREFIX/usr/local/bin
UNITS=$PREFIX/etc/systemd/system
CRON_FILE=$PREFIX/etc/cron.d/kindred
NGINX=$PREFIX/etc/nginx

# --- 1. Debian packages --------------------------------------------------------------------------
missing_packages() {
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' \
            || echo "$package"
    done
}
if [ "$PACKAGES" = 1 ]; then
    wanted=(python3 python3-venv git nginx openssl age ca-certificates curl)
    [ "$SYSTEMD" = 1 ] && wanted+=(redis-server cron certbot python3-certbot-nginx)
    mapfile -t needed < <(missing_packages "${wanted[@]}")
    if [ "${#needed[@]}" -gt 0 ]; then
        step "Installing Debian packages: ${needed[*]}"
        policy_rc=""
        if [ "$SYSTEMD" = 0 ] && [ ! -e /usr/sbin/policy-rc.d ]; then
            # No service manager here: keep the packages' scripts from starting nginx on port 80.
            printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            policy_rc=/usr/sbin/policy-rc.d
        fi
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${needed[@]}" >/dev/null
        [ -n "$policy_rc" ] && rm -f "$policy_rc"
    fi
fi
[ -x "$PYTHON" ] || die "$PYTHON is missing: apt-get install python3 python3-venv"
for tool in git nginx openssl age; do
    command -v "$tool" >/dev/null || die "$tool is missing (apt-get install $tool)"
done

# --- 2. The service user -------------------------------------------------------------------------
if ! getent passwd kindred >/dev/null; then
    step "Creating the system user kindred"
    useradd --system --user-group --home-dir "$CODE/instance" --no-create-home \
        --shell /usr/sbin/nologin kindred
fi

# --- 3. The code, owned by root ------------------------------------------------------------------
mkdir -p "$(dirname "$CODE")"
chmod 755 "$(dirname "$CODE")"
if [ "$(realpath -m "$SOURCE")" = "$(realpath -m "$CODE")" ]; then
    step "Using the code already in $CODE"
elif [ -d "$CODE/.git" ]; then
    if [ -n "$REF" ]; then
        step "Fetching $REF from $SOURCE into $CODE"
        git -C "$CODE" fetch --quiet "$SOURCE" "$REF"
        git -C "$CODE" checkout --quiet --detach FETCH_HEAD
    else
        step "Keeping the code in $CODE as it is (pass --ref to upgrade)"
    fi
else
    step "Fetching the code from $SOURCE into $CODE"
    git clone --quiet "$SOURCE" "$CODE"
    if [ -n "$REF" ]; then
        git -C "$CODE" fetch --quiet origin "$REF"
        git -C "$CODE" checkout --quiet --detach FETCH_HEAD
    fi
fi
[ -f "$CODE/wsgi.py" ] || die "$CODE holds no Kindred code (wsgi.py is missing)."

step "Creating the venv and installing Kindred into it ($CODE/.venv)"
[ -x "$CODE/.venv/bin/python" ] || "$PYTHON" -m venv "$CODE/.venv"
# An editable install: the code is read from $CODE, so a new release needs pip again only when
# its dependencies change (pyproject.toml).
stamp=$CODE/.venv/.kindred-installed
wanted_stamp=$(sha256sum "$CODE/pyproject.toml" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted_stamp" ]; then
    quietly "$CODE/.venv/bin/pip" install --disable-pip-version-check -e "$CODE"
    echo "$wanted_stamp" > "$stamp"
fi
quietly "$CODE/.venv/bin/pybabel" compile -d "$CODE/forum/translations"
quietly "$CODE/.venv/bin/python" -m compileall -q "$CODE/forum" "$CODE/wsgi.py" "$CODE/migrations"
# The web workers run with PYTHONOPTIMIZE=2 (kindred.service): their bytecode, made once here,
# as they cannot write it into root's folders.
quietly "$CODE/.venv/bin/python" -OO -m compileall -q "$CODE/forum" "$CODE/wsgi.py" \
    "$CODE/.venv/lib"

# Root owns the code and the venv; the service writes only its instance folder.
# (The instance folder is left alone, so a running site never loses access to its database.)
find "$CODE" -path "$CODE/instance" -prune -o -exec chown root:root {} +
find "$CODE" -path "$CODE/instance" -prune -o -exec chmod u+rwX,go+rX,go-w {} +
install -d -o kindred -g kindred -m 0750 "$CODE/instance" "$CODE/instance/uploads"
chown -R kindred:kindred "$CODE/instance"
chmod -R o-rwx "$CODE/instance"

# --- 4. Settings ---------------------------------------------------------------------------------
install -d -o root -g kindred -m 0750 "$ETC"
if [ ! -f "$ENV_FILE" ]; then
    [ -n "$SERVER_NAME" ] || SERVER_NAME=$(hostname -f 2>/dev/null || hostname)
    step "Writing $ENV_FILE for $SERVER_NAME (fill in the mail settings)"
    sed -e "s#/srv/kindred#$CODE#g" -e "s#forum\.example\.org#$SERVER_NAME#g" \
        "$CODE/deploy/kindred.env.example" > "$ENV_FILE.new"
    mv "$ENV_FILE.new" "$ENV_FILE"
fi
if ! grep -q '^FORUM_SECRET_KEY=..' "$ENV_FILE"; then
    step "Generating FORUM_SECRET_KEY in $ENV_FILE"
    key=$("$CODE/.venv/bin/python" -c 'import secrets; print(secrets.token_urlsafe(48))')
    if grep -q '^FORUM_SECRET_KEY=' "$ENV_FILE"; then
        sed -i "s#^FORUM_SECRET_KEY=.*#FORUM_SECRET_KEY=$key#" "$ENV_FILE"
    else
        echo "FORUM_SECRET_KEY=$key" >> "$ENV_FILE"
    fi
fi
chown root:kindred "$ENV_FILE"
chmod 0640 "$ENV_FILE"
if [ -z "$SERVER_NAME" ]; then
    SERVER_NAME=$(sed -n 's/^FORUM_SERVER_NAME=//p' "$ENV_FILE" | tail -n1)
fi
[ -n "$SERVER_NAME" ] || die "no server name: pass --server-name forum.example.org"

install -d -o kindred -g kindred -m 0750 "$LOG"
install -d -o root -g root -m 0700 "$BACKUPS"
touch "$ETC/backup-recipients.txt"
chmod 0644 "$ETC/backup-recipients.txt"

# --- 5. TLS: Let's Encrypt's certificate when certbot has one, else a self-signed one ------------
install -d -o root -g root -m 0700 "$TLS"
letsencrypt=/etc/letsencrypt/live/$SERVER_NAME
if [ -f "$letsencrypt/fullchain.pem" ]; then
    ln -sfn "$letsencrypt/fullchain.pem" "$TLS/fullchain.pem"
    ln -sfn "$letsencrypt/privkey.pem" "$TLS/privkey.pem"
elif [ ! -e "$TLS/fullchain.pem" ]; then
    step "Making a self-signed certificate for $SERVER_NAME (until certbot gets a real one)"
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$SERVER_NAME" \
        -addext "subjectAltName=DNS:$SERVER_NAME" \
        -keyout "$TLS/privkey.pem" -out "$TLS/fullchain.pem" 2>/dev/null
    chmod 0600 "$TLS/privkey.pem"
fi

# --- 6. Commands, units, cron, nginx -------------------------------------------------------------
render() {  # render TEMPLATE DEST MODE
    sed -e "s#@CODE_DIR@#$CODE#g" -e "s#@ENV_FILE@#$ENV_FILE#g" -e "s#@ETC_DIR@#$ETC#g" \
        -e "s#@BACKUP_DIR@#$BACKUPS#g" -e "s#@BIN_DIR@#$BIN#g" -e "s#@LOG_DIR@#$LOG#g" \
        -e "s#@TLS_DIR@#$TLS#g" -e "s#@SERVER_NAME@#$SERVER_NAME#g" \
        -e "s#@APP_PORT@#$APP_PORT#g" -e "s#@HTTP_PORT@#$HTTP_PORT#g" \
        -e "s#@HTTPS_PORT@#$HTTPS_PORT#g" -e "s#@LISTEN@#${LISTEN:+$LISTEN:}#g" \
        "$1" > "$2.new"
    if [ -n "$LISTEN" ]; then
        sed -i '/# ipv6$/d' "$2.new"  # one address only
    fi
    chmod "$3" "$2.new"
    mv "$2.new" "$2"
}
step "Installing kindred-flask, kindred-backup and kindred-restore in $BIN"
mkdir -p "$BIN" "$UNITS" "$(dirname "$CRON_FILE")" "$NGINX/sites-available" "$NGINX/sites-enabled"
for command in kindred-flask kindred-backup kindred-restore; do
    render "$CODE/deploy/$command" "$BIN/$command" 0755
done
render "$CODE/deploy/kindred.service" "$UNITS/kindred.service" 0644
render "$CODE/deploy/kindred-tick.service" "$UNITS/kindred-tick.service" 0644
render "$CODE/deploy/kindred.cron" "$CRON_FILE" 0644
render "$CODE/deploy/nginx-kindred.conf" "$NGINX/sites-available/kindred" 0644
ln -sfn ../sites-available/kindred "$NGINX/sites-enabled/kindred"
rm -f "$NGINX/sites-enabled/default"

step "Bringing the database up to date (as kindred)"
quietly "$BIN/kindred-flask" db upgrade
"$BIN/kindred-flask" db current 2>/dev/null | grep -q '(head)' \
    || die "the database is not at the current migration: see the lines above."

if [ "$SYSTEMD" = 1 ]; then
    step "Starting the services"
    systemctl daemon-reload
    systemctl enable --now redis-server >/dev/null 2>&1 || true
    systemctl enable --quiet kindred kindred-tick
    systemctl restart kindred kindred-tick
    nginx -t -q
    systemctl reload-or-restart nginx
fi

cat <<EOF

Kindred is installed in $CODE for https://$SERVER_NAME/.
Next (docs/deploy.md, "One Debian 12 server"):
  1. Put your mail provider's details in $ENV_FILE, then: systemctl restart kindred kindred-tick
  2. A real certificate: certbot certonly --nginx -d $SERVER_NAME, then run this script again
  3. The first admin (it asks for the password): kindred-flask create-user NAME --email ADDRESS --admin
  4. The backup key: age-keygen, the public key in $ETC/backup-recipients.txt
EOF
