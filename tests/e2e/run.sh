#!/usr/bin/env bash
# The E2E suite: the real app (built beforehand) driven by node's test runner
# through WebKitWebDriver, under Xvfb. Extra arguments go to `node --test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec tests/e2e/with-driver.sh node --test --test-concurrency=1 "$@" tests/e2e/*.test.mjs
