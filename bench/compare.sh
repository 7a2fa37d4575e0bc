#!/usr/bin/env bash
# Runs core benchmarks on another revision and on this checkout in the same run,
# alternating them, so that a figure can be compared before and after a change on
# the same machine under the same load.
#
#   bench/compare.sh <revision> [bench ...]
#
# Default benches: the documents' ones (documents report risks training organigram).
# ROUNDS=<n> (default 2) sets the number of rounds. On a shared or virtual machine a
# run can be slowed at any moment by others: the summary at the end takes, line by
# line, each side's best (lowest) figure over the rounds, which noise cannot lower.
# The other revision is checked out once in a git worktree under
# ${TMPDIR:-/tmp}/cdp-bench-<short hash> (kept for the next run, with its target/).
# Each bench runs twice on each side (before, after, before, after); every line the
# bench prints is shown with its side, and the two sides' lines are printed next to
# each other at the end. Each side builds in its own target/ folder.
set -euo pipefail
cd "$(dirname "$0")/.."
rev=${1:?"usage: bench/compare.sh <revision> [bench ...]"}
shift
benches=("$@")
((${#benches[@]})) || benches=(documents report risks training organigram)

hash=$(git rev-parse --short "$rev^{commit}")
before="${TMPDIR:-/tmp}/cdp-bench-$hash"
if [ ! -d "$before" ]; then
  git worktree add --detach "$before" "$hash" >/dev/null
fi
after=$(pwd)
# Each side builds into its own target folder: cargo names a workspace's artifacts
# relative to its root, so one shared folder would run one side's binary for both.
unset CARGO_TARGET_DIR

have_bench() { grep -q "name = \"$2\"" "$1/core/Cargo.toml"; }

build() {
  local dir=$1
  local args=()
  for b in "${benches[@]}"; do have_bench "$dir" "$b" && args+=(--bench "$b"); done
  (cd "$dir" && cargo bench -p cdp-core --no-run "${args[@]}" >/dev/null 2>&1)
}
echo "== building the benches of $hash (before) and of this checkout (after)"
build "$before"
build "$after"

out=$(mktemp -d)
rounds=${ROUNDS:-2}
for round in $(seq 1 "$rounds"); do
  for b in "${benches[@]}"; do
    for side in before after; do
      dir=$before
      [ "$side" = after ] && dir=$after
      if ! have_bench "$dir" "$b"; then
        echo "($b: no such bench $side)" >>"$out/$b.$side"
        continue
      fi
      echo "== round $round, $b, $side"
      (cd "$dir" && cargo bench -p cdp-core --bench "$b" 2>/dev/null) \
        | tee -a "$out/$b.$side.$round" | sed "s/^/  [$side] /"
    done
  done
done

# Each side's lines, each the round whose first figure is the lowest.
best() {
  python3 - "$@" <<'PY'
import re, sys
rounds = [open(f, encoding="utf-8").read().splitlines() for f in sys.argv[1:]]
units = {"s": 1000.0, "ms": 1.0, "µs": 0.001, "us": 0.001, "ns": 0.000001}
def figure(line):
    cells = line.split("|")
    if len(cells) < 4:
        return None
    m = re.search(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*(ms|µs|us|ns|s)\b", cells[2])
    return float(m.group(1).replace(",", "")) * units[m.group(2)] if m else None
first = rounds[0]
same = all(len(r) == len(first) for r in rounds)
for i, line in enumerate(first):
    if same:
        scored = [(figure(r[i]), r[i]) for r in rounds]
        scored = [s for s in scored if s[0] is not None]
        if scored:
            line = min(scored)[1]
    print(line)
PY
}
echo
echo "== line by line, best of $rounds rounds: before, then after"
for b in "${benches[@]}"; do
  echo "-- $b"
  paste <(best $(ls "$out/$b.before."* 2>/dev/null) 2>/dev/null || cat "$out/$b.before" 2>/dev/null || true) \
    <(best $(ls "$out/$b.after."* 2>/dev/null) 2>/dev/null || cat "$out/$b.after" 2>/dev/null || true) |
    awk -F '\t' '$1 != "" || $2 != "" { print "  before: " $1; print "  after:  " $2 }'
done
rm -rf "$out"
