#!/bin/bash
# Compose job `odoo-init` (runs in the official odoo image through its entrypoint, which turns
# PASSWORD_FILE into the database password): creates database $ODOO_DATABASE with the modules the
# platform writes to, then provisions the integration users and API keys (provision.py). Idempotent.
set -euo pipefail
db="${ODOO_DATABASE:?}"
modules="${ODOO_MODULES:-sale_management,purchase,stock,account}"
if [ -v PASSWORD_FILE ]; then PASSWORD="$(<"$PASSWORD_FILE")"; fi
db_args=(--db_host "${HOST:?}" --db_port "${PORT:-5432}" --db_user "${USER:?}" --db_password "${PASSWORD:?}")
# -i on an installed module is a no-op; on a new database it creates it (no demo data).
odoo "${db_args[@]}" -d "$db" -i "$modules" --stop-after-init --no-http
odoo shell "${db_args[@]}" -d "$db" --no-http </opt/tradewind/provision.py
