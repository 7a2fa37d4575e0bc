#!/usr/bin/env bash
# Runs core benchmarks on another revision and on this checkout in the same run,
# alternating them, so that a figure can be compared before and after a change on
# the same machine under the same load.
#
#   bench/compare.sh <revision> [bench ...]
#
# Default benches: the documents' ones (documents report risks training organigram).
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
for round in 1 2; do
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

echo
echo "== line by line (round 2): before, then after"
for b in "${benches[@]}"; do
  echo "-- $b"
  paste <(cat "$out/$b.before.2" 2>/dev/null || true) \
    <(cat "$out/$b.after.2" 2>/dev/null || true) |
    awk -F '\t' '$1 != "" || $2 != "" { print "  before: " $1; print "  after:  " $2 }'
done
rm -rf "$out"
