#!/usr/bin/env bash
# Cold start of the release build to the first interactive screen, median of 5.
# The app prints a line as soon as its first screen has data and has painted,
# then quits (CDP_EXIT_WHEN_READY=1); we time the process from launch to that
# line (the figure: what a user waits for) and to its exit, on a virtual
# display started once beforehand. The app's own timeline counts from the
# launch too (CDP_LAUNCHED_AT): its `main` step is the loading of the libraries.
# The page's own steps (ui_script, ui_data, ui_settled, ui_built, ui_frame) are
# in it too, on the same clock (ui/src/lib/ready.ts).
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
now_us() { echo "${EPOCHREALTIME/./}"; }
run() { # $1 = database; prints ms to the ready line, ms to the exit, and the app's timeline
  local t0 t1 out
  t0=$(now_us)
  out=$({ CDP_LAUNCHED_AT="${t0}000" CDP_EXIT_WHEN_READY=1 timeout 60 "$APP" --db "$1" 2>/dev/null || true; } |
    while IFS= read -r line; do
      [[ $line == *ready_ms=* ]] && echo "$(( ($(now_us) - t0) / 1000 )) |${line#*timeline: }"
    done)
  t1=$(now_us)
  [ -n "$out" ] || { echo "no ready line from $APP on $1" >&2; kill $$; }
  echo "${out%% |*} $(( (t1 - t0) / 1000 )) |${out#*|}"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run "$tmp/warmup.sqlite3" >/dev/null   # load the binary and WebKit into the page cache once
first=(); again=()
for i in 1 2 3 4 5; do first+=("$(run "$tmp/first-$i.sqlite3")"); done
for i in 1 2 3 4 5; do again+=("$(run "$tmp/first-1.sqlite3")"); done
echo "Cold start to the first interactive screen (Cruscotto with data, painted), release build, 5 runs each"
printf 'first run (creates and seeds the archive): median %s ms to the painted screen (%s ms to the exit); runs: %s\n' \
  "$(printf '%s\n' "${first[@]}" | cut -d' ' -f1 | median)" "$(printf '%s\n' "${first[@]}" | cut -d' ' -f2 | median)" \
  "$(printf '%s; ' "${first[@]%% |*}")"
printf 'existing archive: median %s ms to the painted screen (%s ms to the exit); runs: %s\n' \
  "$(printf '%s\n' "${again[@]}" | cut -d' ' -f1 | median)" "$(printf '%s\n' "${again[@]}" | cut -d' ' -f2 | median)" \
  "$(printf '%s; ' "${again[@]%% |*}")"
echo "(each run: 'painted exit' — ms from the launch to the line the app prints once the screen is painted, and to its exit)"
echo "Timeline of the last run on an existing archive (ms since the launch):"
echo " ${again[4]#*|}"
echo "Timeline of the last first run:"
echo " ${first[4]#*|}"
