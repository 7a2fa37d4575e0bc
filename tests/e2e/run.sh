#!/usr/bin/env bash
# The E2E suite: the real app (built beforehand) driven by node's test runner
# through WebKitWebDriver, under Xvfb. Extra arguments go to `node --test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
# One fixed «today» for the whole suite (the shell reads CDP_TODAY once):
# attendance and attestati of the training days of March 2027 are recorded
# after them, lateness and default dates are certain whatever day it runs.
export CDP_TODAY="${CDP_TODAY:-2027-06-15}"
exec tests/e2e/with-driver.sh node --test --test-concurrency=1 "$@" tests/e2e/*.test.mjs
