#!/usr/bin/env bash
# The whole test suite: static checks, unit, medium (real Kafka, registry, PostgreSQL) and end-to-end
# tests in one node:test run. Brings the local stack up when it is not running and leaves it as found.
# Ends with one line: `tests: N passed, N failed`.
set -euo pipefail

ROOT="${TW_ROOT:?run through ./tradewind test}"
cd "$ROOT"

stack_was_up=true
bash deploy/local/stack.sh status >/dev/null 2>&1 || stack_was_up=false
cleanup() {
  if [ "$stack_was_up" = false ] && [ "${TW_KEEP_STACK:-}" != "1" ]; then bash deploy/local/stack.sh down || true; fi
}
trap cleanup EXIT
bash deploy/local/stack.sh up

# Topics and subjects from the catalog, then a database for tests (each test takes its own schema).
node -r @swc-node/register tools/schemas/register.ts
psql "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradewind}" -Atqc "select 1" >/dev/null
admin_url="$(dirname "${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradewind}")/postgres"
if [ "$(psql "$admin_url" -Atqc "select 1 from pg_database where datname = 'tradewind_test'")" != "1" ]; then
  psql "$admin_url" -qc 'create database tradewind_test'
fi

if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files --cached --others --exclude-standard \
    'libs/**/*.spec.ts' 'libs/**/*.itest.ts' 'services/**/*.spec.ts' 'services/**/*.itest.ts' \
    'services/**/*.e2e.ts' 'tools/**/*.spec.ts' 'tools/**/*.itest.ts' 'tools/**/*.e2e.ts' | sort -u)
fi

log="$(mktemp)"
set +e
NODE_OPTIONS="--enable-source-maps ${NODE_OPTIONS:-}" node -r @swc-node/register --test \
  --test-concurrency="${TW_TEST_CONCURRENCY:-2}" --test-timeout="${TW_TEST_TIMEOUT_MS:-600000}" \
  --test-reporter=spec "${files[@]}" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed="$(awk '/^ℹ pass / {print $3}' "$log" | tail -1)"
failed="$(awk '/^ℹ fail / {print $3}' "$log" | tail -1)"
cancelled="$(awk '/^ℹ cancelled / {print $3}' "$log" | tail -1)"
rm -f "$log"
failed=$(( ${failed:-0} + ${cancelled:-0} ))
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
echo "tests: ${passed:-0} passed, ${failed} failed"
[ "$status" -eq 0 ]
