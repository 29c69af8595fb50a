#!/usr/bin/env bash
# The table-size sweep (issue #34, item 5): GET / from 1,000 to 1,000,000 messages, against its
# ceiling. For each size: a fresh database of N messages ("message number <i> with some padding",
# 35-41 bytes each; the schema by the service's own migrations, the rows by one INSERT ... SELECT),
# the jar started as the pod runs it (heap 576 MiB = 75% of the 768Mi limit, G1; no AOT cache and
# no warm-up: wrk's warm-up warms it), and beside it the ceiling, src/bench/Ceiling.java: a bare
# Helidon 4.5 WebServer (blocking sockets and TCP_NODELAY, as the service) sending the very bytes the
# service sent, so that ours/ceiling is what the service's own work costs at that size (the
# platform's cost of moving the bytes is in both). The ceiling sends them two ways, both measured:
# res.send(bytes) ("c:send", which copies the whole body per response: out of heap at 40 MB and 16
# connections) and Content-Length + 64 KiB writes to res.outputStream() ("c:stream", as the service
# sends a kept listing); the summary takes the faster of the two. wrk, 16 connections, 2 threads,
# 5 s warm-up (10 s for the first run against a new JVM: the JIT's warm-up, as run.sh's 10 s) then
# 5 s measured per run, alternating ours and the ceiling per scenario:
#   identity  GET /
#   gzip      GET / with Accept-Encoding: gzip (the service's gzip form, and the same bytes from the ceiling)
#   304       GET / with If-None-Match: <the service's ETag> (n/a when the listing is over the
#             kept budget, messages.listing.keep, and streams without an ETag)
# and, for identity only, nginx serving the same bytes as a file (worker_processes auto, no
# access log, keep-alive for the whole run): "n:copy" with sendfile off (nginx's default: it writes from memory, as every JVM
# server does) and "n:sendf" with sendfile on (zero-copy from the page cache): what the machine
# gives without the JVM, and whether a tail of ours is the service's or the copy's (BENCH_NGINX=0
# leaves them out); and at 100,000 messages the 90/10 mix (src/bench/writes.lua: every 10th request is
# GET /record?msg=<unique>, the rest GET /), ours only: the ceiling cannot write. It checks first
# that the gzip form decompresses to the identity body, that the ETag gives 304 on both servers,
# and that the ceiling sends the same bytes. Prints every run (req/s, p50, p99, transfer/s,
# non-2xx/3xx, socket errors), how the service made its listings (messages_listings_total by
# source), its peak RSS and any WARNING/SEVERE lines of its log, then the summary table.
#   src/bench/sizes.sh                      SQLite (a fresh file per size)
#   BENCH_DB=postgres src/bench/sizes.sh    a PostgreSQL 17 of its own (the embedded binaries from
#                                           Maven Central, as run.sh starts it), a database per size
# Knobs: BENCH_SIZES="1000 30000" (default 1000 30000 100000 300000 1000000),
# BENCH_CONNECTIONS (16), BENCH_WARMUP / BENCH_DURATION (5s / 5s), BENCH_FIRST_WARMUP (10s),
# BENCH_TIMEOUT (wrk's, 30s), BENCH_ROUNDS (1: each scenario's runs of ours and the ceiling, one
# after the other, repeated this many times; the summary takes the mean req/s and the worst p99:
# single 5 s runs on a shared 2-core machine move by ±15%),
# BENCH_NGINX (1), BENCH_MIX_AT (100000; empty for no mix), BENCH_HEAP (576m, both JVMs), SERVICE_JAVA_OPTS (more
# options for the service's JVM only), BENCH_PORT / BENCH_ADMIN_PORT / BENCH_CEILING_PORT /
# BENCH_PG_PORT (18280 / 19280 / 18281 / 15532; nginx on the ceiling's port + 1 and + 2).
# Builds the jar once (mvn package, tests and the AOT training skipped) in this checkout, binds
# 127.0.0.1 only, every run bounded, ends only the processes it started (by PID). Not part of the
# test run. Installs wrk (and nginx, unless BENCH_NGINX=0) from Debian's packages if missing. Needs a JDK 21+ under /usr/lib/jvm.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${BENCH_PORT:-18280}
ADMIN=${BENCH_ADMIN_PORT:-19280}
CEILING=${BENCH_CEILING_PORT:-18281}
PG_PORT=${BENCH_PG_PORT:-15532}
SIZES=${BENCH_SIZES:-1000 30000 100000 300000 1000000}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
WARMUP=${BENCH_WARMUP:-5s}
FIRST_WARMUP=${BENCH_FIRST_WARMUP:-10s}   # the first run against a new JVM: the JIT's own warm-up
DURATION=${BENCH_DURATION:-5s}
TIMEOUT=${BENCH_TIMEOUT:-30s}
MIX_AT=${BENCH_MIX_AT-100000}
ROUNDS=${BENCH_ROUNDS:-1}
NGINX=${BENCH_NGINX:-1}
HEAP=${BENCH_HEAP:-576m}
DB_KIND=${BENCH_DB:-sqlite}
[ "$DB_KIND" = sqlite ] || [ "$DB_KIND" = postgres ] || { echo "sizes: BENCH_DB: sqlite or postgres" >&2; exit 1; }
THREADS=$(( CONNECTIONS < 2 ? 1 : 2 ))
# Both JVMs: the pod's heap and collector.
JVM_OPTS="--enable-native-access=ALL-UNNAMED -Xmx$HEAP -XX:+UseG1GC"

if ! command -v wrk >/dev/null 2>&1; then
    echo "sizes: installing wrk"; apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null
fi
if [ "$NGINX" = 1 ] && ! command -v nginx >/dev/null 2>&1; then
    echo "sizes: installing nginx"; apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nginx >/dev/null
fi
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "sizes: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }

mvn -B -q -ntp -Dmaven.test.skip=true -Dskip.aot package

WORK=$(mktemp -d)
PIDS=()
PG_CTL=""
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    if [ -n "$PG_CTL" ]; then $PG_CTL -D "$WORK/pgdata" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

# start_postgres, pg_url (PG_CTL is set once it runs).
source src/bench/postgres.sh   # the cwd is the repository root (above)
source src/bench/nginx.sh      # start_nginx_in
# One SQL statement over JDBC, with the service's own drivers (PostgresProbe's exec is plain JDBC).
sql() { # $1: JDBC URL, $2: statement
    "$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/PostgresProbe.java exec "$1" "$2"
}

await() { # $1: pid, $2: a command that succeeds once it serves, $3: log; at most 120 s
    local deadline=$(( $(date +%s) + 120 ))
    until eval "$2" >/dev/null 2>&1; do
        kill -0 "$1" 2>/dev/null || { echo "sizes: process $1 died:" >&2; cat "$3" >&2; exit 1; }
        [ "$(date +%s)" -lt "$deadline" ] || { echo "sizes: process $1 not serving after 120 s:" >&2; cat "$3" >&2; exit 1; }
        sleep 0.1
    done
}
SERVICE=""
declare -A WARMED   # port -> the warm-up its next run takes (unset: a new JVM, FIRST_WARMUP)
start_service() { # $1: JDBC URL, $2: log
    # shellcheck disable=SC2086
    "$JAVA" $JVM_OPTS ${SERVICE_JAVA_OPTS:-} -Dserver.host=127.0.0.1 -Dserver.port="$PORT" \
        -Dserver.sockets.0.host=127.0.0.1 -Dserver.sockets.0.port="$ADMIN" -Ddb.connection.url="$1" \
        -Dmessages.config=config/application.yaml -Dmessages.warm-up.enabled=false \
        -jar target/messages.jar >"$2" 2>&1 &
    SERVICE=$!
    PIDS+=("$SERVICE")
    unset "WARMED[$PORT]"
    await "$SERVICE" "curl -sf --max-time 5 -o /dev/null http://127.0.0.1:$ADMIN/observe/health/ready" "$2"
}
start_ceiling() { # bytes and tags of what the service sent: $WORK/body, $WORK/body.gz, $ETAG, $GZIP_ETAG
    # shellcheck disable=SC2086
    "$JAVA" $JVM_OPTS -cp 'target/libs/*:target/messages.jar' src/bench/Ceiling.java "$CEILING" \
        "$WORK/body" "$WORK/body.gz" "${ETAG:--}" "${GZIP_ETAG:--}" >"$WORK/ceiling.log" 2>&1 &
    CEILING_PID=$!
    PIDS+=("$CEILING_PID")
    unset "WARMED[$CEILING]"
    await "$CEILING_PID" "grep -q 'ceiling listening' '$WORK/ceiling.log'" "$WORK/ceiling.log"
}
# nginx serving $WORK/body at /body (src/bench/nginx.sh): sendfile off on the ceiling's port + 1,
# on at + 2.
start_nginx() {
    start_nginx_in "$WORK/nginx" auto "    access_log off;
    # wrk's connections live through a run (nginx closes one after 1,000 requests by default).
    keepalive_requests 1000000;
    root $WORK;
    server { listen 127.0.0.1:$((CEILING + 1)); sendfile off; }
    server { listen 127.0.0.1:$((CEILING + 2)); sendfile on; }"
    WARMED[$((CEILING + 1))]=$WARMUP   # no JIT to warm: the usual warm-up from the first run
    WARMED[$((CEILING + 2))]=$WARMUP
    await "$NGINX_PID" "curl -sf --max-time 5 -o /dev/null http://127.0.0.1:$((CEILING + 2))/body" "$WORK/nginx/error.log"
}
stop() { # $1: pid, one this script started
    local kept=() pid
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
    PIDS=("${kept[@]}")
}
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
header() { # $1: header name (lower case), $2: file of headers as curl -D wrote them
    awk -v name="$1" 'tolower($1) == name ":" {sub(/\r$/, ""); sub(/^[^:]*:[ \t]*/, ""); print; exit}' "$2"
}
status_of() { # $1: port, then curl options: the status code of GET /
    local port=$1; shift
    curl -s --max-time 60 -o /dev/null -w '%{http_code}' "$@" "http://127.0.0.1:$port/"
}
human() { awk -v b="$1" 'BEGIN {if (b >= 1e6) printf "%.2f MB", b / 1e6; else printf "%.1f KB", b / 1e3}'; }

# One wrk run after its warm-up: $1 port, $2 scenario (identity, gzip, 304, mix), $3 output, $4 path.
wrk_run() {
    local args=(-t"$THREADS" -c"$CONNECTIONS" --latency --timeout "$TIMEOUT") extra=()
    case $2 in
        gzip) args+=(-H 'Accept-Encoding: gzip') ;;
        304) args+=(-H "If-None-Match: $ETAG") ;;
        mix) args+=(-s src/bench/writes.lua); extra=(-- 10) ;;
    esac
    wrk "${args[@]}" -d"${WARMED[$1]:-$FIRST_WARMUP}" "http://127.0.0.1:$1${4:-/}" "${extra[@]}" >/dev/null
    WARMED[$1]=$WARMUP
    wrk "${args[@]}" -d"$DURATION" "http://127.0.0.1:$1${4:-/}" "${extra[@]}" >"$3"
}
# wrk's figures: "req/s|p50|p99|transfer/s|non-2xx/3xx|socket errors|timeouts".
stats() {
    awk '/Requests\/sec/ {rps = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2} /Transfer\/sec/ {tr = $2}
         /Non-2xx/ {bad = $NF} /Socket errors/ {gsub(",", ""); sock = $4 + $6 + $8 + $10; tmo = $10}
         END {printf "%.0f|%s|%s|%s|%d|%d|%d", rps, p50 ? p50 : "-", p99 ? p99 : "-", tr ? tr : "-", bad, sock, tmo}' "$1"
}
declare -A RESULT RPS_SUM RUNS P99_US
micros() { awk -v t="$1" 'BEGIN {v = t + 0; if (t ~ /us$/) print v; else if (t ~ /ms$/) print v * 1000;
                                  else if (t ~ /s$/) print v * 1e6; else if (t ~ /m$/) print v * 6e7;
                                  else if (t ~ /h$/) print v * 3.6e9; else print 0}'; }
row() { # $1 messages, $2 scenario, $3 server, $4 wrk output
    local s rps p50 p99 tr bad sock tmo key="$1,$2,$3" us
    s=$(stats "$4")
    IFS='|' read -r rps p50 p99 tr bad sock tmo <<<"$s"
    # Over rounds: the mean req/s, the worst p99 (RESULT keeps that run's figures, with the mean).
    local sum=$(( ${RPS_SUM[$key]:-0} + rps )) runs=$(( ${RUNS[$key]:-0} + 1 ))
    RPS_SUM[$key]=$sum
    RUNS[$key]=$runs
    us=$(micros "$p99")
    if [ -z "${RESULT[$key]:-}" ] || awk -v a="$us" -v b="${P99_US[$key]}" 'BEGIN {exit !(a > b)}'; then
        P99_US[$key]=$us
        RESULT[$key]=$s
    fi
    RESULT[$key]="$(( sum / runs ))|${RESULT[$key]#*|}"
    printf "| %9s | %-8s | %-8s | %8s | %8s | %8s | %10s | %11s | %13s |\n" "$1" "$2" "$3" "$rps" "$p50" "$p99" "$tr" \
        "$bad" "$sock ($tmo)"
}
cell() { # $1 key, $2 a mark to add: "req/s (p99)" or n/a
    local s=${RESULT[$1]:-} rps p99
    [ -n "$s" ] || { echo "n/a"; return; }
    IFS='|' read -r rps _ p99 _ <<<"$s"
    echo "$rps ($p99)${2:+ $2}"
}
best() { # $1 messages, $2 scenario: the key of the faster ceiling (c:send or c:stream)
    local send=${RESULT[$1,$2,c:send]:-0} stream=${RESULT[$1,$2,c:stream]:-0}
    if [ "${stream%%|*}" -gt "${send%%|*}" ]; then echo "$1,$2,c:stream"; else echo "$1,$2,c:send"; fi
}
mark() { case $1 in *c:stream) echo "[stream]" ;; *c:send) echo "[send]" ;; esac; }
ratio() { # $1 ours' key, $2 the ceiling's
    local a=${RESULT[$1]:-} b=${RESULT[$2]:-}
    { [ -n "$a" ] && [ -n "$b" ]; } || { echo "n/a"; return; }
    awk -v a="${a%%|*}" -v b="${b%%|*}" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else print "n/a"}'
}

echo "sizes: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $("$JAVA" -version 2>&1 | head -1), $(date -u +%F), database: $DB_KIND, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "both JVMs: $JVM_OPTS${SERVICE_JAVA_OPTS:+ (service also: $SERVICE_JAVA_OPTS)}; wrk -t$THREADS -c$CONNECTIONS, warm-up $WARMUP ($FIRST_WARMUP for a new JVM's first run), measured $DURATION, timeout $TIMEOUT, $ROUNDS round(s) per scenario"
if [ "$DB_KIND" = postgres ]; then
    start_postgres
    echo "PostgreSQL $("$WORK/pg/bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync on, max_connections 200)"
fi
echo
echo "| messages  | scenario | server   |    req/s |      p50 |      p99 | transfer/s | non-2xx/3xx | socket errors (timeouts) |"
echo "|-----------|----------|----------|----------|----------|----------|------------|-------------|--------------------------|"
NOTES=()
declare -A BODY GZIP_BYTES
database=0
for n in $SIZES; do
    database=$((database + 1))
    # A fresh database: the schema by the service's migrations, then N messages in one statement.
    if [ "$DB_KIND" = postgres ]; then
        sql "$(pg_url postgres)" "CREATE DATABASE size$database"
        url=$(pg_url "size$database")
    else
        url="jdbc:sqlite:$WORK/size$database.db"
    fi
    start_service "$url" "$WORK/schema.log"
    stop "$SERVICE"
    seeded=$(date +%s%N)
    if [ "$DB_KIND" = postgres ]; then
        sql "$url" "INSERT INTO messages (value) SELECT 'message number ' || x || ' with some padding' FROM generate_series(1, $n) x"
        sql "$url" "VACUUM ANALYZE messages"
    else
        sql "$url" "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < $n)
                    INSERT INTO messages (value) SELECT 'message number ' || x || ' with some padding' FROM c"
    fi
    seed_ms=$(( ($(date +%s%N) - seeded) / 1000000 ))
    start_service "$url" "$WORK/service$n.log"

    # What the service sends: the identity body, the gzip form (raw bytes, not decoded), the tags.
    first_ms=$(curl -sS --max-time 120 -D "$WORK/head" -o "$WORK/body" -w '%{time_total}' "http://127.0.0.1:$PORT/" \
        | awk '{printf "%.0f", $1 * 1000}')
    curl -sS --max-time 120 -H 'Accept-Encoding: gzip' -D "$WORK/head.gz" -o "$WORK/body.gz" "http://127.0.0.1:$PORT/"
    ETAG=$(header etag "$WORK/head")
    GZIP_ETAG=$(header etag "$WORK/head.gz")
    BODY[$n]=$(stat -c %s "$WORK/body")
    GZIP_BYTES[$n]=$(stat -c %s "$WORK/body.gz")
    lines=$(( $(tr -cd '\n' <"$WORK/body" | wc -c) + 1 ))
    note="$n messages ($lines in the listing): seeded in $seed_ms ms; first GET / $first_ms ms; identity ${BODY[$n]} B"
    note="$note, gzip ${GZIP_BYTES[$n]} B (Content-Encoding: $(header content-encoding "$WORK/head.gz"))"
    if gzip -dc "$WORK/body.gz" 2>/dev/null | cmp -s - "$WORK/body"; then note="$note, decodes to the identity body"
    else note="$note, DOES NOT decode to the identity body"; fi
    if [ -n "$ETAG" ]; then
        note="$note; ETag $ETAG (gzip $GZIP_ETAG): 304 from ours: $(status_of "$PORT" -H "If-None-Match: $ETAG")"
    else
        note="$note; no ETag (listing not kept: streamed)"
    fi
    start_ceiling
    curl -sS --max-time 120 -o "$WORK/ceiling.body" "http://127.0.0.1:$CEILING/"
    curl -sS --max-time 120 -o "$WORK/ceiling.stream" "http://127.0.0.1:$CEILING/stream"
    if cmp -s "$WORK/ceiling.body" "$WORK/body" && cmp -s "$WORK/ceiling.stream" "$WORK/body"; then
        note="$note; ceiling: same bytes"
    else
        note="$note; ceiling: OTHER BYTES"
    fi
    [ -n "$ETAG" ] && note="$note, 304 from the ceiling: $(status_of "$CEILING" -H "If-None-Match: $ETAG")"
    if [ "$NGINX" = 1 ]; then
        start_nginx
        if curl -sS --max-time 120 "http://127.0.0.1:$((CEILING + 1))/body" | cmp -s - "$WORK/body" \
                && curl -sS --max-time 120 "http://127.0.0.1:$((CEILING + 2))/body" | cmp -s - "$WORK/body"; then
            note="$note; nginx: same bytes"
        else
            note="$note; nginx: OTHER BYTES"
        fi
    fi

    for scenario in identity gzip 304; do
        [ "$scenario" = 304 ] && [ -z "$ETAG" ] && continue
        for _ in $(seq "$ROUNDS"); do
            wrk_run "$PORT" "$scenario" "$WORK/ours.txt"
            row "$n" "$scenario" ours "$WORK/ours.txt"
            wrk_run "$CEILING" "$scenario" "$WORK/ceiling.txt" /
            row "$n" "$scenario" c:send "$WORK/ceiling.txt"
            [ "$scenario" = 304 ] && continue   # no body: the two ways are one
            wrk_run "$CEILING" "$scenario" "$WORK/ceiling.txt" /stream
            row "$n" "$scenario" c:stream "$WORK/ceiling.txt"
            { [ "$scenario" = identity ] && [ "$NGINX" = 1 ]; } || continue
            wrk_run $((CEILING + 1)) "$scenario" "$WORK/nginx.txt" /body
            row "$n" "$scenario" n:copy "$WORK/nginx.txt"
            wrk_run $((CEILING + 2)) "$scenario" "$WORK/nginx.txt" /body
            row "$n" "$scenario" n:sendf "$WORK/nginx.txt"
        done
    done
    stop "$CEILING_PID"
    [ "$NGINX" = 1 ] && stop "$NGINX_PID"
    note="$note; ceiling log: $(grep -c 'WARNING' "$WORK/ceiling.log" || true) WARNING lines, $(grep -c 'OutOfMemoryError' "$WORK/ceiling.log" || true) OutOfMemoryError"
    if [ "$n" = "$MIX_AT" ]; then
        wrk_run "$PORT" mix "$WORK/mix.txt"
        row "$n" "90/10" ours "$WORK/mix.txt"
        after=$(curl -s --max-time 120 "http://127.0.0.1:$PORT/" | tr -cd '\n' | wc -c)
        MIX_END=$((after + 1))
    fi
    sources=$(curl -s --max-time 10 "http://127.0.0.1:$ADMIN/observe/metrics" \
        | awk '/^messages_listings_total\{/ {match($0, /source="[^"]*"/); s = substr($0, RSTART + 8, RLENGTH - 9);
                                             if ($NF + 0 > 0) printf "%s%s=%.0f", (n++ ? ", " : ""), s, $NF}
               /^messages_responses_shed_total/ {shed += $NF} END {if (shed) printf "; responses shed: %.0f", shed}')
    note="$note; listings by source: ${sources:-none}; service peak RSS $(peak_rss_mb "$SERVICE") MiB"
    stop "$SERVICE"
    warnings=$(grep -c -E 'WARNING|SEVERE|Exception' "$WORK/service$n.log" || true)
    note="$note; service log: $warnings WARNING/SEVERE/Exception lines"
    [ "$warnings" -gt 0 ] && note="$note, first: $(grep -m1 -E 'WARNING|SEVERE|Exception' "$WORK/service$n.log" | cut -c1-300)"
    NOTES+=("$note")
    if [ "$DB_KIND" = postgres ]; then sql "$(pg_url postgres)" "DROP DATABASE size$database"; else rm -f "$WORK/size$database.db"*; fi
done

echo
for note in "${NOTES[@]}"; do echo "- $note"; done
echo
echo "GET / on $DB_KIND, ours against the ceiling (the same bytes from a bare Helidon WebServer, the faster of"
echo "res.send(bytes) [send] and 64 KiB writes to its output stream [stream]): req/s (p99), $CONNECTIONS connections"
[ "$ROUNDS" -gt 1 ] && echo "(each: the mean req/s of $ROUNDS runs, alternated, and the worst p99 of them)"
echo "| messages | body (identity) | gzip bytes | ours GET / req/s (p99) | ceiling req/s (p99) | ratio | ours gzip | ceiling gzip | ratio | ours 304 (p99) | ceiling 304 (p99) | ratio |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $SIZES; do
    plain=$(best "$n" identity)
    zipped=$(best "$n" gzip)
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" "$n" "$(human "${BODY[$n]}")" "$(human "${GZIP_BYTES[$n]}")" \
        "$(cell "$n,identity,ours")" "$(cell "$plain" "$(mark "$plain")")" "$(ratio "$n,identity,ours" "$plain")" \
        "$(cell "$n,gzip,ours")" "$(cell "$zipped" "$(mark "$zipped")")" "$(ratio "$n,gzip,ours" "$zipped")" \
        "$(cell "$n,304,ours")" "$(cell "$n,304,c:send")" "$(ratio "$n,304,ours" "$n,304,c:send")"
done
if [ "$NGINX" = 1 ]; then
    echo
    echo "GET / identity beside nginx serving the same bytes as a file: req/s (p99), $CONNECTIONS connections"
    echo "| messages | ours | ceiling | nginx, sendfile off (writes from memory) | nginx, sendfile on (zero-copy) |"
    echo "|---|---|---|---|---|"
    for n in $SIZES; do
        plain=$(best "$n" identity)
        printf "| %s | %s | %s | %s | %s |\n" "$n" "$(cell "$n,identity,ours")" "$(cell "$plain" "$(mark "$plain")")" \
            "$(cell "$n,identity,n:copy")" "$(cell "$n,identity,n:sendf")"
    done
fi
if [ -n "${RESULT[$MIX_AT,90/10,ours]:-}" ]; then
    IFS='|' read -r rps p50 p99 tr bad sock tmo <<<"${RESULT[$MIX_AT,90/10,ours]}"
    echo
    echo "90/10 mix (GET / and every 10th GET /record?msg=<unique>), ours, $CONNECTIONS connections, from $MIX_AT messages"
    echo "| messages at start | at end | req/s | p50 | p99 | transfer/s | non-2xx/3xx | socket errors (timeouts) |"
    echo "|---|---|---|---|---|---|---|---|"
    echo "| $MIX_AT | ${MIX_END:-?} | $rps | $p50 | $p99 | $tr | $bad | $sock ($tmo) |"
fi
