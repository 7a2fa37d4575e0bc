#!/usr/bin/env bash
# Runs a command with WebKitWebDriver listening on a free loopback port
# (WEBDRIVER_URL), under Xvfb unless a display is already there.
# APP_BINARY: the app to drive (default: the debug build).
set -euo pipefail
cd "$(dirname "$0")/../.."
export APP_BINARY="${APP_BINARY:-$PWD/target/debug/comunita-pratiche}"
[ -x "$APP_BINARY" ] || { echo "build the app first ($APP_BINARY missing)" >&2; exit 1; }
export TAURI_WEBVIEW_AUTOMATION=true GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
WebKitWebDriver --port="$port" --host=127.0.0.1 >"${TMPDIR:-/tmp}/webkitwebdriver.log" 2>&1 &
drv=$!
trap 'kill $drv 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -s "http://127.0.0.1:$port/status" >/dev/null && break; sleep 0.1; done
WEBDRIVER_URL="http://127.0.0.1:$port" "$@"
