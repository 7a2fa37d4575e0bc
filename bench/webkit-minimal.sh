#!/usr/bin/env bash
# The floor of the start on this machine: bench/webkit-minimal.c (one
# WebKitGTK view with the app's settings, quitting once painted), built with
# the system's compiler and timed like bench/startup.sh times the app: from
# the launch to the line printed once the page has painted, median of 5 after
# a warm-up run. Run: bench/webkit-minimal.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1
if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cc -O2 -o "$tmp/webkit-minimal" bench/webkit-minimal.c $(pkg-config --cflags --libs webkit2gtk-4.1)
now_us() { echo "${EPOCHREALTIME/./}"; }
run() { # prints ms to the ready line | the program's timeline
  local t0 out
  t0=$(now_us)
  out=$(MINIMAL_LAUNCHED_AT="$t0" timeout 60 "$tmp/webkit-minimal" 2>/dev/null | grep -m1 ready_ms= || true)
  [ -n "$out" ] || { echo "no ready line from the minimal program" >&2; exit 1; }
  echo "$(( ($(now_us) - t0) / 1000 )) |${out#*timeline:}"
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run >/dev/null # WebKit into the page cache once
runs=()
for i in 1 2 3 4 5; do runs+=("$(run)"); done
echo "Minimal WebKitGTK view (bench/webkit-minimal.c), launch to painted, 5 runs"
printf 'median %s ms; runs: %s\n' "$(printf '%s\n' "${runs[@]}" | cut -d' ' -f1 | median)" "$(printf '%s; ' "${runs[@]%% |*}")"
echo "Timeline of the last run (ms since the launch):"
echo " ${runs[4]#*|}"
