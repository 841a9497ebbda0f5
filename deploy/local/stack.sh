#!/usr/bin/env bash
# The local stack without Docker: a real Apache Kafka broker (KRaft, single node) and a real
# Confluent-compatible schema registry (Apicurio Registry 3), both resolved from Maven Central,
# plus the machine's PostgreSQL. Usage: stack.sh up|down|status|logs [kafka|registry]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$ROOT/deploy/local"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
APICURIO_VERSION="${APICURIO_VERSION:-3.3.3}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${REGISTRY_PORT:-8081}"
REGISTRY_MANAGEMENT_PORT="${REGISTRY_MANAGEMENT_PORT:-9011}"
STACK_DIR="${TW_STACK_DIR:-$ROOT/.stack}"
CACHE_DIR="${TW_CACHE_DIR:-$ROOT/.cache}"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tradewind}"
KAFKA_HEAP="${KAFKA_HEAP:-768m}"
REGISTRY_HEAP="${REGISTRY_HEAP:-512m}"
WAIT_SECONDS="${TW_STACK_WAIT_SECONDS:-120}"

say() { echo "stack: $*" >&2; }
die() { echo "stack: error: $*" >&2; exit 1; }

# Apicurio Registry 3 is built for Java 21+; Kafka runs on 17+. Use JAVA_HOME when it is new enough,
# otherwise the newest JDK >= 21 under /usr/lib/jvm.
java_major() { "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}' | cut -d. -f1; }
find_java() {
  local candidate best="" best_major=0 major
  for candidate in "${JAVA_HOME:-}/bin/java" /usr/lib/jvm/*/bin/java "$(command -v java || true)"; do
    [ -x "$candidate" ] || continue
    major="$(java_major "$candidate")"
    if [ "${major:-0}" -gt "$best_major" ]; then best="$candidate"; best_major="$major"; fi
  done
  [ "$best_major" -ge 21 ] || die "a Java 21+ runtime is needed for Apicurio Registry 3 (found Java $best_major); set JAVA_HOME"
  echo "$best"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# ---- artifact resolution (Maven Central, cached in the git-ignored .cache/) -----------------------
resolve_kafka() {
  local dir="$CACHE_DIR/kafka-$KAFKA_VERSION"
  if [ ! -f "$dir/.complete" ]; then
    say "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central"
    rm -rf "$dir" && mkdir -p "$dir"
    if ! mvn -B -q -f "$HERE/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
      org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$dir/libs" >"$dir/resolve.log" 2>&1; then
      grep -m3 ERROR "$dir/resolve.log" >&2 || true
      die "Kafka $KAFKA_VERSION could not be resolved from Maven Central (log: $dir/resolve.log)"
    fi
    touch "$dir/.complete"
  fi
  echo "$dir"
}

resolve_registry() {
  local dir="$CACHE_DIR/apicurio-registry-$APICURIO_VERSION"
  # Maven Central publishes the runnable Quarkus distribution as the `all` classifier; for 3.3.x it is
  # a tar.gz (a `zip:all` is not published for these versions), so ask for tar.gz first, then zip.
  local artifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir" && mkdir -p "$dir"
    local m2="${MAVEN_REPO_LOCAL:-$HOME/.m2/repository}" ext file=""
    for ext in tar.gz zip; do
      say "resolving $artifact:$ext:all from Maven Central"
      if mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get \
        -Dartifact="$artifact:$ext:all" -Dtransitive=false >"$dir/resolve.log" 2>&1; then
        file="$m2/io/apicurio/apicurio-registry-app/$APICURIO_VERSION/apicurio-registry-app-$APICURIO_VERSION-all.$ext"
        break
      fi
    done
    [ -n "$file" ] && [ -f "$file" ] || {
      grep -m3 ERROR "$dir/resolve.log" >&2 || true
      die "Apicurio Registry $APICURIO_VERSION could not be resolved from Maven Central (log: $dir/resolve.log)"
    }
    case "$file" in
      *.zip) (cd "$dir" && unzip -q "$file") ;;
      *) tar xzf "$file" -C "$dir" ;;
    esac
    [ -f "$dir/quarkus-run.jar" ] || die "the Apicurio distribution has no quarkus-run.jar"
    touch "$dir/.complete"
  fi
  echo "$dir"
}

# ---- processes ---------------------------------------------------------------------------------
start_detached() { # name, log, command...
  local name="$1" log="$2"; shift 2
  local pidfile="$STACK_DIR/$name.pid"
  setsid nohup "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$pidfile"
}

wait_for() { # name, check-function
  local name="$1" check="$2" deadline=$((SECONDS + WAIT_SECONDS))
  until "$check"; do
    pid_alive "$STACK_DIR/$name.pid" || { tail -20 "$STACK_DIR/$name.log" >&2; die "$name exited during start-up (log: $STACK_DIR/$name.log)"; }
    [ "$SECONDS" -lt "$deadline" ] || die "$name not healthy after ${WAIT_SECONDS}s (log: $STACK_DIR/$name.log)"
    sleep 0.5
  done
}

kafka_healthy() { port_open "$KAFKA_PORT" && node "$HERE/kafka-ready.js" "127.0.0.1:$KAFKA_PORT" >/dev/null 2>&1; }
registry_healthy() { curl -fsS "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" >/dev/null 2>&1; }

claim() { # name, port: refuse to start over a foreign process, clean a stale pid file
  local name="$1" port="$2" pidfile="$STACK_DIR/$1.pid"
  if pid_alive "$pidfile"; then return 1; fi
  [ -f "$pidfile" ] && { say "removing stale pid file for $name"; rm -f "$pidfile"; }
  if port_open "$port"; then die "port $port is taken by another process; set the port variable for $name"; fi
  return 0
}

up_kafka() {
  if ! claim kafka "$KAFKA_PORT"; then say "kafka already running (pid $(cat "$STACK_DIR/kafka.pid"))"; return; fi
  local java dir data="$STACK_DIR/kafka-data" props="$STACK_DIR/kafka.properties"
  java="$(find_java)"; dir="$(resolve_kafka)"
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$KAFKA_CONTROLLER_PORT#g" -e "s#@DATA@#$data#g" \
    "$HERE/kafka/server.properties" >"$props"
  if [ ! -f "$data/meta.properties" ]; then
    say "formatting Kafka storage in $data"
    mkdir -p "$data"
    "$java" -cp "$dir/libs/*" kafka.tools.StorageTool format -t "$("$java" -cp "$dir/libs/*" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
      -c "$props" >>"$STACK_DIR/kafka.log" 2>&1 || die "Kafka storage format failed (log: $STACK_DIR/kafka.log)"
  fi
  say "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  start_detached kafka "$STACK_DIR/kafka.log" "$java" "-Xms$KAFKA_HEAP" "-Xmx$KAFKA_HEAP" \
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2.yaml" -cp "$dir/libs/*" kafka.Kafka "$props"
  wait_for kafka kafka_healthy
  say "kafka healthy"
}

up_registry() {
  if ! claim registry "$REGISTRY_PORT"; then say "registry already running (pid $(cat "$STACK_DIR/registry.pid"))"; return; fi
  local java dir
  java="$(find_java)"; dir="$(resolve_registry)"
  say "starting Apicurio Registry $APICURIO_VERSION on 127.0.0.1:$REGISTRY_PORT (Confluent API at /apis/ccompat/v7)"
  # In-memory H2 storage: the registry's content is re-created from schemas/ by `schemas:register`.
  (cd "$dir" && start_detached registry "$STACK_DIR/registry.log" "$java" "-Xmx$REGISTRY_HEAP" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$REGISTRY_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$REGISTRY_MANAGEMENT_PORT" \
    -jar quarkus-run.jar)
  wait_for registry registry_healthy
  say "registry healthy"
}

ensure_database() {
  local admin_url="${DATABASE_URL%/*}/postgres" db="${DATABASE_URL##*/}"
  db="${db%%\?*}"
  psql "$admin_url" -Atqc "select 1" >/dev/null 2>&1 || die "PostgreSQL does not answer at ${DATABASE_URL%/*} (set DATABASE_URL)"
  if [ "$(psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$db'")" != "1" ]; then
    psql "$admin_url" -qc "create database \"$db\"" && say "created database $db"
  fi
}

stop_one() {
  local name="$1" pidfile="$STACK_DIR/$1.pid" pid
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; return; fi
  pid="$(cat "$pidfile")"
  say "stopping $name (pid $pid)"
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
}

status_one() {
  local name="$1" port="$2"
  if pid_alive "$STACK_DIR/$name.pid"; then
    printf '%-10s running  pid %-8s 127.0.0.1:%s\n' "$name" "$(cat "$STACK_DIR/$name.pid")" "$port"
  else
    printf '%-10s stopped\n' "$name"; return 1
  fi
}

command="${1:-status}"
mkdir -p "$STACK_DIR" "$CACHE_DIR"
case "$command" in
  up)
    ensure_database
    up_kafka
    up_registry
    ;;
  down)
    stop_one registry
    stop_one kafka
    ;;
  reset) # down and forget all broker data
    stop_one registry; stop_one kafka; rm -rf "$STACK_DIR/kafka-data"; say "kafka data removed"
    ;;
  status)
    rc=0
    status_one kafka "$KAFKA_PORT" || rc=1
    status_one registry "$REGISTRY_PORT" || rc=1
    if psql "${DATABASE_URL%/*}/postgres" -Atqc "select 1" >/dev/null 2>&1; then
      printf '%-10s running  %s\n' postgres "${DATABASE_URL%%\?*}"; else printf '%-10s unreachable\n' postgres; rc=1; fi
    exit "$rc"
    ;;
  logs)
    which="${2:-}"
    case "$which" in
      kafka | registry) tail -n 100 -F "$STACK_DIR/$which.log" ;;
      "") tail -n 50 -F "$STACK_DIR/kafka.log" "$STACK_DIR/registry.log" ;;
      *) die "unknown component '$which' (kafka|registry)" ;;
    esac
    ;;
  *) die "usage: stack.sh up|down|reset|status|logs [kafka|registry]" ;;
esac
