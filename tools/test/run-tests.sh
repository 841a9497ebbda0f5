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

# Two phases: unit and medium tests in parallel, then end-to-end tests. End-to-end tests on the shared
# broker run one at a time (each starts a whole platform of real processes, and they must not share the
# broker's topics with each other); those marked `// e2e-lane: isolated` (a private stack, or topics and
# Odoo of their own) run beside them in a second lane.
if [ $# -gt 0 ]; then
  fast=(); e2e=()
  for f in "$@"; do case "$f" in *.e2e.ts) e2e+=("$f") ;; *) fast+=("$f") ;; esac; done
else
  mapfile -t fast < <(git ls-files --cached --others --exclude-standard \
    'libs/**/*.spec.ts' 'libs/**/*.itest.ts' 'services/**/*.spec.ts' 'services/**/*.itest.ts' \
    'tools/**/*.spec.ts' 'tools/**/*.itest.ts' | sort -u)
  mapfile -t e2e < <(git ls-files --cached --others --exclude-standard 'services/**/*.e2e.ts' 'tools/**/*.e2e.ts' | sort -u)
fi

total_passed=0
total_failed=0
status=0
run_phase() { # concurrency, files...
  local concurrency="$1"; shift
  [ $# -gt 0 ] || return 0
  local log rc passed failed cancelled
  log="$(mktemp)"
  set +e
  NODE_OPTIONS="--enable-source-maps ${NODE_OPTIONS:-}" node -r @swc-node/register --test \
    --test-concurrency="$concurrency" --test-timeout="${TW_TEST_TIMEOUT_MS:-600000}" \
    --test-reporter=spec "$@" 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  passed="$(awk '/^ℹ pass / {print $3}' "$log" | tail -1)"
  failed="$(awk '/^ℹ fail / {print $3}' "$log" | tail -1)"
  cancelled="$(awk '/^ℹ cancelled / {print $3}' "$log" | tail -1)"
  rm -f "$log"
  failed=$(( ${failed:-0} + ${cancelled:-0} ))
  [ "$rc" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
  total_passed=$(( total_passed + ${passed:-0} ))
  total_failed=$(( total_failed + failed ))
  [ "$rc" -eq 0 ] || status=1
}

run_phase "${TW_TEST_CONCURRENCY:-2}" "${fast[@]}"

shared=(); isolated=()
for f in "${e2e[@]}"; do
  if grep -q '^// e2e-lane: isolated' "$f"; then isolated+=("$f"); else shared+=("$f"); fi
done
if [ ${#isolated[@]} -gt 0 ] && [ ${#shared[@]} -gt 0 ] && [ "${TW_E2E_LANES:-2}" != "1" ]; then
  # The isolated lane in a subshell: its totals come back through a file.
  lane="$(mktemp)"
  ( total_passed=0; total_failed=0; status=0
    run_phase 1 "${isolated[@]}" >"$lane.log" 2>&1
    echo "$total_passed $total_failed $status" >"$lane" ) &
  lane_pid=$!
  run_phase 1 "${shared[@]}"
  wait "$lane_pid" || true
  cat "$lane.log"
  read -r lane_passed lane_failed lane_status <"$lane" || { lane_passed=0; lane_failed=1; lane_status=1; }
  rm -f "$lane" "$lane.log"
  total_passed=$(( total_passed + lane_passed ))
  total_failed=$(( total_failed + lane_failed ))
  [ "$lane_status" -eq 0 ] || status=1
else
  run_phase 1 "${e2e[@]}"
fi
echo "tests: ${total_passed} passed, ${total_failed} failed"
[ "$status" -eq 0 ]
