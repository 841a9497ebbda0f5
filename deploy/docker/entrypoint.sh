#!/bin/sh
# Entrypoint of the Tradewind image. Chooses the process (SERVICE=<name> or a command, see the Dockerfile)
# and turns compose secrets into variables: every `<VAR>_FILE=/run/secrets/...` becomes `<VAR>` with the
# file's content (trailing newlines dropped), the convention of the official postgres and odoo images.
# Only paths under /run/secrets/ are read, so a future configuration variable that happens to end in
# _FILE is left alone.
set -eu

die() {
  echo "tradewind-entrypoint: $*" >&2
  exit 78 # EX_CONFIG, as @tradewind/config exits on a bad environment
}

for pair in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FILE=\(\/run\/secrets\/.*\)$/\1=\2/p'); do
  name="${pair%%=*}"
  file="${pair#*=}"
  eval "current=\${$name:-}"
  [ -z "$current" ] || die "both $name and ${name}_FILE are set; keep one"
  [ -r "$file" ] || die "${name}_FILE: cannot read $file"
  value="$(cat "$file")"
  export "$name=$value"
  unset "${name}_FILE"
done

if [ "$#" -eq 0 ]; then
  [ -n "${SERVICE:-}" ] || die "set SERVICE to one of: $(ls /app/services | tr '\n' ' ')(or pass a command)"
  main="/app/services/$SERVICE/src/main.js"
  [ -f "$main" ] || die "unknown SERVICE '$SERVICE' (one of: $(ls /app/services | tr '\n' ' '))"
  exec node "$main"
fi

case "$1" in
  schemas-register) shift; exec node /app/tools/schemas/register.js "$@" ;;
  odoo-seed) shift; exec node /app/tools/odoo/seed-masterdata.js "$@" ;;
  odoo-simulator) shift; exec node /app/libs/odoo/simulator/src/main.js "$@" ;;
  *) exec "$@" ;;
esac
