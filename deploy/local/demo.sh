#!/usr/bin/env bash
# `./tradewind demo`: the whole platform on its embedded defaults — the local stack, the Odoo simulator
# (unless ODOO_URL points at a real Odoo), every service, Prometheus scraping them — and demo traffic from
# the partners and the WMS.
# Ctrl-C stops everything this script started.
set -euo pipefail

ROOT="${TW_ROOT:?run through ./tradewind demo}"
cd "$ROOT"
LOG_DIR="$ROOT/.stack/demo"
mkdir -p "$LOG_DIR"
source "$ROOT/deploy/local/demo.env"
# Consumer groups the demo creates start now: on a stack that already holds other traffic (tests, an earlier
# run) the demo shows its own run instead of working through the backlog first.
export KAFKA_NEW_GROUP_START_AT="${KAFKA_NEW_GROUP_START_AT:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}"

pids=()
service_pids=()
stack_was_up=true
bash deploy/local/stack.sh status >/dev/null 2>&1 || stack_was_up=false

# TERM to each at once; whatever is still running 15 s later is killed.
stop_pids() { # pid...
  local pid _ alive
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 60); do
    alive=false
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=true; done
    [ "$alive" = true ] || break
    sleep 0.25
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}

stop_all() {
  trap - INT TERM EXIT
  echo
  echo "demo: stopping"
  # Newest first: traffic, then the services all at once (each finishes its in-flight work; none waits
  # on another's shutdown), Odoo last, after the odoo-writer.
  local i pid services_stopped=false
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    if [[ " ${service_pids[*]} " == *" $pid "* ]]; then
      [ "$services_stopped" = true ] || stop_pids "${service_pids[@]}"
      services_stopped=true
    else
      stop_pids "$pid"
    fi
  done
  if [ "$stack_was_up" = false ]; then bash deploy/local/stack.sh down; fi
  echo "demo: stopped"
}
trap stop_all INT TERM EXIT

start() { # name, log file, command...
  local name="$1"; shift
  "$@" >"$LOG_DIR/$name.log" 2>&1 &
  pids+=("$!")
  echo "demo: started $name (pid $!, log .stack/demo/$name.log)"
}

wait_ready() { # name, url
  local deadline=$((SECONDS + ${TW_DEMO_WAIT_SECONDS:-120}))
  until curl -fsS "$2" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "demo: $1 not ready at $2; last log lines:" >&2
      tail -20 "$LOG_DIR/$1.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "demo: $1 ready"
}

bash deploy/local/stack.sh up
node -r @swc-node/register tools/schemas/register.ts

if [ -z "${ODOO_URL:-}" ]; then
  export ODOO_URL="http://127.0.0.1:${ODOO_SIM_PORT:-8069}"
  # A new simulator (no data file: a fresh clone, or one deleted to start over) is an Odoo with no records,
  # and the services' tables name Odoo's ids: the platform's state starts over with it. PostgreSQL outlives
  # a checkout, so an earlier demo's tables would otherwise hold ids the new Odoo gives to other records.
  if [ ! -f "$ODOO_SIM_DATA_FILE" ]; then
    demo_db="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradewind}"
    psql "${demo_db%/*}/postgres" -qc "drop database if exists \"${demo_db##*/}\" with (force)" \
      -c "create database \"${demo_db##*/}\"" >/dev/null
    echo "demo: a new Odoo simulator, so a new platform database (${demo_db##*/})"
  fi
  start odoo-simulator node -r @swc-node/register libs/odoo/simulator/src/main.ts
  wait_ready odoo-simulator "$ODOO_URL/web/version"
fi

# The demo partners' receiving ends (webhook receivers, an SFTP server): partner-delivery sends them what
# they are owed (tools/demo/partner-endpoints.ts writes the delivery secrets and DELIVERY_ENDPOINT_OVERRIDES).
export DELIVERY_SECRETS_ROOT="$LOG_DIR/delivery-secrets"
export PARTNER_ENDPOINTS_PORT="${PARTNER_ENDPOINTS_PORT:-3069}"
rm -f "$LOG_DIR/partner-endpoints.env"
start partner-endpoints node -r @swc-node/register tools/demo/partner-endpoints.ts "$LOG_DIR/partner-endpoints.env"
wait_ready partner-endpoints "http://127.0.0.1:$PARTNER_ENDPOINTS_PORT/"
# shellcheck disable=SC1091
source "$LOG_DIR/partner-endpoints.env"

# The services, in start order, as name:HTTP port (`./tradewind new service` adds its line).
services=(
  odoo-writer:${ODOO_WRITER_PORT:-3030}
  order-intake:${ORDER_INTAKE_PORT:-3020}
  ingress-gateway:${GATEWAY_PORT:-3010}
  inventory-sync:3040
  reconciler:3050
  invoices:3090
  partner-delivery:3060
  ops-console:3100
  shipments:3070
  purchase-orders:3080
) # end of services

svc() { exec node -r @swc-node/register "services/$1/src/main.ts"; }
for entry in "${services[@]}"; do
  start "${entry%%:*}" svc "${entry%%:*}"
  service_pids+=("$!")
done
metrics_urls=()
for entry in "${services[@]}"; do
  wait_ready "${entry%%:*}" "http://127.0.0.1:${entry##*:}/health/ready"
  metrics_urls+=("http://127.0.0.1:${entry##*:}/metrics")
done

# Prometheus on the services' /metrics with the alert rules SRE gets (docs/observability.md).
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9095}"
prometheus_url="http://127.0.0.1:$PROMETHEUS_PORT"
if command -v prometheus >/dev/null; then
  prom_dir="$LOG_DIR/prometheus"
  mkdir -p "$prom_dir"
  {
    echo "global: { scrape_interval: 5s, evaluation_interval: 5s }"
    echo "rule_files: ['$ROOT/deploy/prometheus/alerts.yml']"
    echo "scrape_configs:"
    for target in "${services[@]}"; do
      echo "  - job_name: ${target%%:*}"
      echo "    static_configs: [{ targets: ['127.0.0.1:${target##*:}'], labels: { tradewind_service: ${target%%:*} } }]"
    done
  } >"$prom_dir/prometheus.yml"
  start prometheus prometheus --config.file="$prom_dir/prometheus.yml" --storage.tsdb.path="$prom_dir/data" \
    --storage.tsdb.retention.time=1d --web.listen-address="127.0.0.1:$PROMETHEUS_PORT"
  wait_ready prometheus "$prometheus_url/-/ready"
else
  prometheus_url="not running: ./tradewind setup installs it"
fi

cat <<EOF

Tradewind is up.
  partner API       http://127.0.0.1:${GATEWAY_PORT:-3010}/v1   (OpenAPI: /docs)
  Odoo              $ODOO_URL   (simulator stats: $ODOO_URL/_sim/stats)
  metrics           ${metrics_urls[*]}
  Prometheus        $prometheus_url   (alerts: /alerts; metrics: docs/observability.md)
  completeness      http://127.0.0.1:3050/reconciliation   (the reconciler's report per window; docs/reconciliation.md)
  ops console       http://127.0.0.1:3100   (sign in as bea / tradewind-demo; ben approves, eli engineer, ada auditor)
  logs              .stack/demo/*.log
  post your own     see README.md, "Send your own order"

EOF

GATEWAY_URL="http://127.0.0.1:${GATEWAY_PORT:-3010}" node -r @swc-node/register tools/demo/traffic.ts &
pids+=("$!")
wait "${pids[-1]}" || true
