#!/usr/bin/env bash
# Creates the secret files docker-compose.yml mounts (deploy/docker/secrets/<name>, git-ignored), with
# random values, once. Existing files are kept, so rerunning is safe; delete one to rotate it (and reset
# the volume that stored it: `docker compose down -v` for the databases).
# Partner keys: the gateway stores the SHA-256 of each API key (never the key) and the key's signing
# secret; this writes a random API key to partner-<keyId>.key for you to hand to the partner's test
# client (with the key id and partner-<keyId>-signing), its hash to partner-<keyId>, and a random signing
# secret to partner-<keyId>-signing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
# The files are bind-mounted as they are (compose ignores uid/mode outside swarm), and the containers'
# users (postgres, odoo, node) differ from yours: readable files, in a directory only you can enter.
chmod 700 .
umask 022

random() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
put() { # name, value
  if [ -s "$1" ]; then echo "secrets: keeping $1"; else printf '%s' "$2" >"$1" && echo "secrets: wrote $1"; fi
}

put platform_db_password "$(random)"
put platform_database_url "postgres://tradewind:$(cat platform_db_password)@platform-db:5432/tradewind"
put odoo_db_password "$(random)"
put odoo_api_key "$(random)"
put odoo_read_api_key "$(random)"
put grafana_admin_password "$(random)"
put ops_console_session_secret "$(random)"

# One per credential reference of config/partners/catalog.yaml (env: and file: alike; see docker-compose.yml).
for key_id in $(sed -n 's/^ *- keyId: *\([A-Za-z0-9._-]*\).*/\1/p' ../../../config/partners/catalog.yaml); do
  if [ ! -s "partner-$key_id.key" ]; then random >"partner-$key_id.key"; fi
  put "partner-$key_id" "$(printf '%s' "$(cat "partner-$key_id.key")" | sha256sum | cut -d' ' -f1)"
  put "partner-$key_id-signing" "$(random)"
done
