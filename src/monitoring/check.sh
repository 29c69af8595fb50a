#!/usr/bin/env bash
# Proves the monitoring (k8s/components/monitoring) against real data, as .ci/run does after the
# README's test command (it needs the packaged jar, target/messages.jar):
#  1. promtool check rules, and promtool test rules with src/monitoring/alerts-test.yaml and
#     src/monitoring/postgres-alerts-test.yaml (k8s/components/monitoring-postgres);
#  2. the jar on a SQLite database in a 4 MiB tmpfs, scraped every second by a real Prometheus
#     (both on 127.0.0.1), a short bounded load with 2xx, 4xx and then a database fault (the
#     volume filled, so that writes answer 503), and the public port's connection cap (16 here)
#     held by requests that never finish, so that further connections are refused;
#  3. every alert expression (without its threshold) and every dashboard query evaluated
#     through Prometheus' HTTP API: each must return series, every alert's with the label
#     namespace; and the alerts the faults must raise (errors, 503s, readiness, volume,
#     connections near the cap and refused) must be pending or firing. The alerts on
#     CloudNativePG's metrics (NOT_LIVE below) are left out of this step by name: none runs here.
# Installs Prometheus from Debian's packages if missing. Needs root (the tmpfs). Stops by itself,
# and ends only the processes it started.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v promtool >/dev/null 2>&1 || ! command -v prometheus >/dev/null 2>&1; then
    echo "monitoring: installing prometheus from Debian's packages"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus >/dev/null
fi
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "monitoring: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }
[ -f target/messages.jar ] || { echo "monitoring: target/messages.jar missing; run mvn package first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "monitoring: needs root to mount a small tmpfs for the database" >&2; exit 1; }

ALERTS=k8s/components/monitoring/alerts.yaml
POSTGRES_ALERTS=k8s/components/monitoring-postgres/alerts.yaml
# The alerts on CloudNativePG's own metrics: no CloudNativePG runs here, so nothing can scrape
# them. promtool proves them (src/monitoring/postgres-alerts-test.yaml); the live check leaves
# out exactly these, by name, and says so.
NOT_LIVE=(MessagesPostgresReplicationLagging MessagesPostgresSynchronousStandbysMissing MessagesPostgresWalArchivingFailing
          MessagesPostgresBackupStale MessagesPostgresBackupFailed MessagesPostgresConnectionsNearMax
          MessagesPostgresXidAgeHigh MessagesPostgresInstanceDown MessagesPostgresInstancesAbsent)
DASHBOARD=k8s/components/monitoring/dashboard.json
PORT=${MONITORING_PORT:-18480}
ADMIN=$((PORT + 1))
CAP=16
PROM=$((PORT + 2))
WORK=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    mountpoint -q "$WORK/volume" && umount "$WORK/volume"
    rm -rf "$WORK"
}
trap cleanup EXIT
check() { "$JAVA" -cp "target/libs/*" src/monitoring/MonitoringCheck.java "$@"; }
await() { # $1: URL, $2: what
    for _ in $(seq 1 60); do curl -sf -o /dev/null "$1" && return 0; sleep 0.5; done
    echo "monitoring: $2 did not come up" >&2; return 1
}

echo "monitoring: promtool"
check rules "$ALERTS" "$WORK/rules.yaml"
check rules "$POSTGRES_ALERTS" "$WORK/postgres-rules.yaml"
cp src/monitoring/alerts-test.yaml src/monitoring/postgres-alerts-test.yaml "$WORK/"
(cd "$WORK" && promtool check rules rules.yaml postgres-rules.yaml \
    && promtool test rules alerts-test.yaml postgres-alerts-test.yaml)

echo "monitoring: the service and Prometheus on 127.0.0.1"
mkdir "$WORK/volume"
mount -t tmpfs -o size=4m tmpfs "$WORK/volume"
"$JAVA" --enable-native-access=ALL-UNNAMED -Ddb.connection.url="jdbc:sqlite:$WORK/volume/messages.db" \
    -Ddb.backup.directory="$WORK/backup" \
    -Dserver.host=127.0.0.1 -Dserver.port="$PORT" -Dserver.sockets.0.port="$ADMIN" \
    -Dmessages.warm-up.enabled=false -Dmessages.drain-delay=PT0S \
    -Dmessages.connections.max="$CAP" -Dmessages.connections.head-timeout=PT120S \
    -Dserver.connection-options.read-timeout=PT120S \
    -jar target/messages.jar >"$WORK/service.log" 2>&1 &
PIDS+=($!)
await "http://127.0.0.1:$ADMIN/observe/health/ready" "the service" || { cat "$WORK/service.log"; exit 1; }
cat >"$WORK/prometheus.yml" <<EOF
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: [rules.yaml]
scrape_configs:
  - job_name: messages
    metrics_path: /observe/metrics
    # The target labels the Prometheus Operator gives a PodMonitor's targets, which the alerts keep.
    static_configs: [{targets: ["127.0.0.1:$ADMIN"], labels: {namespace: messages, pod: messages-0, container: messages}}]
EOF
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
    --web.listen-address="127.0.0.1:$PROM" >"$WORK/prometheus.log" 2>&1 &
PIDS+=($!)
await "http://127.0.0.1:$PROM/-/ready" "Prometheus" || { cat "$WORK/prometheus.log"; exit 1; }

# At most 10 s each: a connection refused at the cap must not hang the check.
status() { curl -s -m 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1"; }
echo "monitoring: load (records, listings, bad input)"
for i in $(seq 1 300); do
    [ "$(status "/record?msg=load-$i")" = 200 ] || { echo "monitoring: a record failed before the fault" >&2; exit 1; }
    if [ $((i % 10)) = 0 ]; then
        status / >/dev/null; status "/record?msg=" >/dev/null; status /nope >/dev/null
    fi
done
sleep 3

echo "monitoring: fault: the database's volume filled"
dd if=/dev/zero of="$WORK/volume/filler" bs=64k 2>/dev/null || true
refused=0
for i in $(seq 1 200); do
    [ "$(status "/record?msg=full-$i")" = 503 ] && refused=$((refused + 1))
done
echo "monitoring: $refused of 200 records refused with 503 while the volume is full"
[ "$refused" -gt 0 ] || { echo "monitoring: a full volume refused no write" >&2; exit 1; }
sleep 3

# Requests whose head never ends hold every place under the cap (the head and read timeouts are
# 120 s here, longer than the check): none is idle, so no new connection can make room.
echo "monitoring: fault: the public port's $CAP connections held by requests that never finish"
for i in $(seq 1 "$CAP"); do
    exec {held}<>"/dev/tcp/127.0.0.1/$PORT"
    printf 'GET /record?msg=held-%s HTTP/1.1\r\n' "$i" >&"$held"
done
sleep 1
refused=0
for i in $(seq 1 5); do
    [ "$(status /)" = 000 ] && refused=$((refused + 1))
done
echo "monitoring: $refused of 5 new connections refused at the cap"
[ "$refused" -gt 0 ] || { echo "monitoring: a full cap refused no connection" >&2; exit 1; }

check live "http://127.0.0.1:$PROM" messages "$DASHBOARD" --rules "$ALERTS" "$POSTGRES_ALERTS" \
    --active MessagesErrorRatioHigh MessagesDatabaseRefusingRequests MessagesNotReady MessagesVolumeFilling \
    MessagesConnectionsNearCap MessagesConnectionsRefused \
    --not-live "${NOT_LIVE[@]}"
rm -f "$WORK/volume/filler"
