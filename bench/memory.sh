#!/usr/bin/env bash
# PSS of the app and its WebKit processes after opening every screen (release
# build; APP_BINARY=<path> measures another build, e.g. main's, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
export APP_BINARY="${APP_BINARY:-$PWD/target/release/comunita-pratiche}"
[ -x "$APP_BINARY" ] || { bash .ci/setup && cargo build --release; }
exec tests/e2e/with-driver.sh node bench/memory.mjs
