#!/usr/bin/env bash
# The two front-door commands:
#   ./run.sh demo   set everything up and start the whole system on the PBX simulator
#   ./run.sh test   set everything up and run every check and test (what CI runs)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
VENV=.venv

setup() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 or newer is needed (found $("$PYTHON" --version 2>&1)); set PYTHON=/path/to/python3.11" >&2
    exit 1
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install --quiet --upgrade pip==25.2
    "$VENV/bin/python" -m pip install --quiet --config-settings editable_mode=compat -e '.[dev]'
    rm -f "$VENV"/.installed-* && touch "$stamp"
  fi
}

system_deps() {
  # espeak-ng speaks the IVR's text prompts; the browser tests drive the system's Chromium
  # (Playwright never downloads a browser here); CJK fonts render the Chinese screens.
  local missing=()
  command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)
  # ghostscript turns the PDF an agent faxes into the TIFF-F that SendFAX transmits.
  command -v gs >/dev/null 2>&1 || missing+=(ghostscript)
  if [ "${1:-}" = test ]; then
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    fc-list 2>/dev/null | grep -qi "noto.*cjk" || missing+=(fonts-noto-cjk)
    # The e-mail tests start a real IMAP server (tests/email_servers.py).
    [ -x /usr/sbin/dovecot ] || missing+=(dovecot-imapd)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]} (apt-get)"
  if [ "$(id -u)" -ne 0 ]; then
    if [ "${1:-}" = demo ]; then
      echo "warning: ${missing[*]} not installed (needs root); text prompts will be skipped" >&2
      return 0
    fi
    echo "need root to apt-get install ${missing[*]}; install them, then run this again" >&2
    exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

softphone_bundle() {
  # The agent desktop's browser phone needs JsSIP, which ships CommonJS only: esbuild bundles it into
  # agent_desktop/static/vendor/jssip.js (a build output, never committed). Rebuilt when the bundle is
  # missing or the lock file (or entry point) changed. Without npm the desktop still works on the
  # demo's simulated phone; only the browser phone (SIP over WebSocket to Asterisk) needs the bundle.
  local dir=agent_desktop/softphone out=agent_desktop/static/vendor/jssip.js
  local stamp
  stamp="$dir/node_modules/.built-$(cat "$dir/package-lock.json" "$dir/package.json" "$dir/entry.js" | sha256sum | cut -c1-16)"
  if [ -f "$out" ] && [ -f "$stamp" ]; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "warning: npm (Node.js 18+) not found: cannot build the browser softphone bundle $out." >&2
    echo "         The desktop runs with the simulated demo phone; for the browser phone against" >&2
    echo "         Asterisk install Node.js and npm, then run this again." >&2
    [ "${1:-}" = test ] && echo "         (the browser-phone test will fail without the bundle)" >&2
    return 0
  fi
  echo "building the browser softphone bundle ($out): npm ci + esbuild"
  if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && npm run --silent build); then
    echo "error: building $out failed (see npm's messages above)" >&2
    [ "${1:-}" = test ] && exit 1
    echo "warning: the desktop runs with the simulated demo phone only" >&2
    return 0
  fi
  rm -f "$dir"/node_modules/.built-* && touch "$stamp"
}

start_services() {
  # Tests use the real Redis and PostgreSQL on this machine; start them if they are down.
  if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
    echo "starting redis-server on 127.0.0.1:6379"
    mkdir -p /var/lib/redis /var/log/redis
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
      --dir /var/lib/redis --logfile /var/log/redis/ci.log
  fi
  if ! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
    echo "starting PostgreSQL on 127.0.0.1:5432"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  for _ in $(seq 1 50); do
    if (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "Redis (6379) or PostgreSQL (5432) did not come up on 127.0.0.1" >&2
  exit 1
}

case "${1:-}" in
  demo)
    shift
    setup
    system_deps demo
    softphone_bundle demo
    exec "$VENV/bin/callcenter" demo "$@"
    ;;
  test)
    shift
    setup
    system_deps test
    softphone_bundle test
    start_services
    "$VENV/bin/ruff" format --check .
    "$VENV/bin/ruff" check .
    "$VENV/bin/mypy"
    set +e
    "$VENV/bin/pytest" "$@"
    status=$?
    set -e
    if [ "$status" -eq 5 ]; then
      echo "pytest collected no tests: failing on purpose" >&2
      exit 1
    fi
    exit "$status"
    ;;
  *)
    echo "usage: ./run.sh demo | ./run.sh test [pytest args]" >&2
    exit 2
    ;;
esac
