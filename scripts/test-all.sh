#!/usr/bin/env bash
# Every test: format lint, the Swift unit and router tests, then the black-box suite against the real binary.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== swift format lint"
swift format lint -r --strict Sources Tests
echo "== swift build"
swift build --build-tests
echo "== swift test"
# A deadlock fails the run instead of holding CI until its limit.
timeout 1500 swift test --skip-build
if [ -n "${OPTOUT_TEST_DATABASE_URL:-}" ]; then
    # The same server tests again on PostgreSQL, each on a database of its own (the PostgreSQL suites ran above).
    echo "== swift test on PostgreSQL"
    OPTOUT_TEST_BACKEND=postgres timeout 1500 swift test --skip-build --skip PostgresTests
fi
echo "== black-box tests"
bash Tests/blackbox/run.sh .build/debug/optout-gate
