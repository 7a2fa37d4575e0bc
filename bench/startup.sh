#!/usr/bin/env bash
# Cold start of the release build to the first interactive screen, median of 5.
# The app quits as soon as its first screen has data and has painted
# (CDP_EXIT_WHEN_READY=1); we time the process from launch to that exit, on a
# virtual display started once beforehand.
# Run: bench/startup.sh   (builds the release binary if it is missing;
# APP_BINARY=<path> times another build, e.g. main's, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
APP="${APP_BINARY:-target/release/comunita-pratiche}"
[ -x "$APP" ] || { bash .ci/setup && cargo build --release; }
export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run() { # $1 = database; prints wall-clock ms, the app's own ready_ms, and its timeline
  local t0 t1 out ready
  t0=$(date +%s%N)
  out=$(CDP_EXIT_WHEN_READY=1 timeout 60 "$APP" --db "$1" 2>/dev/null | grep 'ready_ms=' || true)
  t1=$(date +%s%N)
  ready=$(grep -o 'ready_ms=[0-9]*' <<<"$out" || true)
  echo "$(( (t1 - t0) / 1000000 )) ${ready#ready_ms=} |${out#*timeline:}"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run "$tmp/warmup.sqlite3" >/dev/null   # load the binary and WebKit into the page cache once
first=(); again=()
for i in 1 2 3 4 5; do first+=("$(run "$tmp/first-$i.sqlite3")"); done
for i in 1 2 3 4 5; do again+=("$(run "$tmp/first-1.sqlite3")"); done
echo "Cold start to the first interactive screen (Cruscotto with data), release build, 5 runs each"
printf 'first run (creates and seeds the archive): median %s ms wall clock; runs: %s\n' \
  "$(printf '%s\n' "${first[@]}" | cut -d' ' -f1 | median)" "$(printf '%s; ' "${first[@]%% |*}")"
printf 'existing archive: median %s ms wall clock; runs: %s\n' \
  "$(printf '%s\n' "${again[@]}" | cut -d' ' -f1 | median)" "$(printf '%s; ' "${again[@]%% |*}")"
echo "(each run: 'wall ready' — ready is the app's own time from process start to the painted screen)"
echo "Timeline of the last run on an existing archive (ms since the process started):"
echo " ${again[4]#*|}"
echo "Timeline of the last first run:"
echo " ${first[4]#*|}"
