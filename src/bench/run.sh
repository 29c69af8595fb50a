#!/usr/bin/env bash
# The benchmark: builds and starts the real jar on an empty SQLite database, brings it to 1,000
# messages, and runs bounded wrk scenarios against 127.0.0.1 at 1, 16 and 64 connections:
# GET /, GET /record?msg=<unique>, and a 90/10 read/write mix (10 s warm-up, 5 s measured each).
# Prints req/s, p50/p99 latency, errors, the service's peak RSS, writes per database commit of
# /record (group commit), start-up time, and a raw SQLite commit probe with the same settings, so write figures
# read as a ratio to the disk's ceiling. Then the first 12 seconds of /record at 64 connections,
# second by second, from a cold start: on 2 shared cores the JIT compiler needs ~10 s to settle,
# so a 3 s warm-up (BENCH_WARMUP=3s, the reference figures' protocol) measures the warm-up.
#   src/bench/run.sh            the table above
#   src/bench/run.sh --large    also: listing time and peak RSS at 1,000 and 1,000,000 messages
#   src/bench/run.sh --large-only   just that
#   src/bench/run.sh --no-ramp  without the cold-start seconds
# BENCH_CONNECTIONS="64" and BENCH_SCENARIOS="/record" pick rows (defaults: all of them);
# SERVICE_JAVA_OPTS passes options to the service's JVM (e.g. -Ddb.group-commit.enabled=false).
# Not part of the test run. Installs wrk from Debian's packages if it is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${BENCH_PORT:-18080}
ADMIN=${BENCH_ADMIN_PORT:-19080}
WARMUP=${BENCH_WARMUP:-10s}
DURATION=${BENCH_DURATION:-5s}

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk"; apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null
fi
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "bench: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }

mvn -B -q -ntp -Dmaven.test.skip=true package
WORK=$(mktemp -d)
SERVICE_PID=""
cleanup() { [ -n "$SERVICE_PID" ] && kill "$SERVICE_PID" 2>/dev/null && wait "$SERVICE_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

start_service() { # $1: database file
    local started; started=$(date +%s%N)
    # shellcheck disable=SC2086
    "$JAVA" ${SERVICE_JAVA_OPTS:-} --enable-native-access=ALL-UNNAMED -Dserver.port="$PORT" -Dserver.sockets.0.port="$ADMIN" -Ddb.connection.url="jdbc:sqlite:$1" \
        -jar target/messages.jar >"$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$ADMIN/observe/health/ready"; do
        kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
        sleep 0.05
    done
    STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
}
stop_service() { kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=""; }
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SERVICE_PID/status"; }
seed_over_http() { # $1: how many messages
    seq 1 "$1" | xargs -P 8 -I{} curl -sf -o /dev/null "http://127.0.0.1:$PORT/record?msg=seed-{}"
}
commit_counts() { # prints "<request transactions committed> <database commits>" so far
    curl -sf "http://127.0.0.1:$ADMIN/observe/metrics" | awk '
        /^messages_transactions_total\{.*outcome="committed"/ {t = $NF}
        /^messages_db_commits_total\{/ {c = $NF}
        END {printf "%d %d", t, c}'
}
run_wrk() { # $1: connections, $2: every Nth request records (empty: GET / only), $3: scenario name
    local script=() threads=$(( $1 < 2 ? 1 : 2 ))
    [ -n "$2" ] && script=(-s src/bench/writes.lua)
    wrk -t"$threads" -c"$1" -d"$WARMUP" "${script[@]}" "http://127.0.0.1:$PORT/" ${2:+-- "$2"} >/dev/null
    local before after per_commit=""
    before=$(commit_counts)
    wrk -t"$threads" -c"$1" -d"$DURATION" --latency "${script[@]}" "http://127.0.0.1:$PORT/" ${2:+-- "$2"} >"$WORK/wrk.txt"
    after=$(commit_counts)
    # Only /record: every transaction committed there is a write (listings commit too).
    if [ "$2" = 1 ]; then
        per_commit=$(echo "$before $after" | awk '{if ($4 > $2) printf "%.1f", ($3 - $1) / ($4 - $2)}')
    fi
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/wrk.txt")
    p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.txt")
    p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.txt")
    errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}' "$WORK/wrk.txt")
    printf "| %-8s | %11s | %7s | %8s | %8s | %6s | %4s MiB | %13s |\n" "$3" "$1" "$rps" "$p50" "$p99" "$errors" \
        "$(peak_rss_mb)" "$per_commit"
    [ "$3" = "/record" ] && [ "$1" = 64 ] && RECORD_64=$rps
    return 0
}

echo "bench: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $("$JAVA" -version 2>&1 | head -1), $(date -u +%F)"
PROBE=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/CommitProbe.java probe "$WORK/probe.db" 3)
echo "raw SQLite, one connection, insert+commit, WAL + synchronous=FULL: $PROBE commits/s"

# One database with 1,000 messages, recorded through the service; every scenario starts a fresh
# service on a copy of it, so that no scenario measures the rows an earlier one added.
if [ "${1:-}" != "--large-only" ]; then
start_service "$WORK/seed.db"
echo "start-up: ${STARTUP_MS} ms from process start to ready (empty database)"
seed_over_http 1000
stop_service
echo
echo "warm-up ${WARMUP}, measured ${DURATION} per row"
echo "| scenario | connections |   req/s |      p50 |      p99 | errors | peak RSS | writes/commit |"
echo "|----------|-------------|---------|----------|----------|--------|----------|---------------|"
for c in ${BENCH_CONNECTIONS:-1 16 64}; do
    for scenario in "GET /|" "90/10|10" "/record|1"; do
        IFS='|' read -r name every <<<"$scenario"
        case " ${BENCH_SCENARIOS:-GET / 90/10 /record} " in *" $name "*) ;; *) continue ;; esac
        rm -f "$WORK"/messages.db*
        cp "$WORK/seed.db" "$WORK/messages.db"
        start_service "$WORK/messages.db"
        run_wrk "$c" "$every" "$name"
        stop_service
    done
done
if [ -n "${RECORD_64:-}" ]; then
    echo "/record at 64 connections: $RECORD_64 writes/s = $(awk -v w="$RECORD_64" -v p="$PROBE" 'BEGIN {printf "%.1f", w / p}')x the raw probe"
fi
if [ "${1:-}" != "--no-ramp" ]; then
    rm -f "$WORK"/messages.db*
    cp "$WORK/seed.db" "$WORK/messages.db"
    start_service "$WORK/messages.db"
    ramp=""
    for second in $(seq 1 12); do
        ramp="$ramp $(wrk -t2 -c64 -d1s -s src/bench/writes.lua "http://127.0.0.1:$PORT/" -- 1 | awk '/Requests\/sec/ {printf "%.0f", $2}')"
    done
    stop_service
    echo "/record at 64 connections from a cold start, req/s in each of the first 12 seconds:$ramp"
fi
fi

if [ "${1:-}" = "--large" ] || [ "${1:-}" = "--large-only" ]; then
    # A heap far smaller than a million messages: the listing must stream to be served at all.
    SERVICE_JAVA_OPTS="-Xmx48m"
    echo
    echo "listing with the service's heap capped at 48 MiB (-Xmx48m):"
    echo "| messages  | GET / time (one request) | body bytes | peak RSS |"
    echo "|-----------|--------------------------|------------|----------|"
    for n in 1000 100000 1000000; do
        rm -f "$WORK"/large.db*
        "$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/CommitProbe.java seed "$WORK/large.db" "$n"
        start_service "$WORK/large.db"
        curl -s -o /dev/null "http://127.0.0.1:$PORT/"   # warm-up
        timing=$(curl -s -o "$WORK/body" -w '%{time_total}' "http://127.0.0.1:$PORT/")
        printf "| %9s | %22ss | %10s | %5s MiB |\n" "$n" "$timing" "$(stat -c %s "$WORK/body")" "$(peak_rss_mb)"
        stop_service
    done
fi
