#!/usr/bin/env bash
# The benchmark: builds and starts the real jar on a database with 1,000 messages, and runs
# bounded wrk scenarios against 127.0.0.1 at 1, 16 and 64 connections: GET /,
# GET /record?msg=<unique>, and a 90/10 read/write mix (10 s warm-up, 5 s measured each; every
# scenario on a fresh copy of the seeded database). Prints req/s, p50/p99 latency, errors, the
# service's peak RSS, writes per database commit of /record (group commit), start-up time, and a
# raw probe of the database with the same settings, so that figures read as a ratio to it.
#   src/bench/run.sh            SQLite (the default): the table, then the first 12 seconds of
#                               /record at 64 connections from a cold start, second by second
#   src/bench/run.sh --large    also: listing time and peak RSS at 1,000 to 1,000,000 messages
#   src/bench/run.sh --large-only   just that
#   src/bench/run.sh --no-ramp  without the cold-start seconds
#   src/bench/run.sh --listing  only big listings: 1,000 to 1,000,000 messages, beside the raw
#                               driver (src/bench/ListingProbe.java) in the same run: listings/s
#                               and per-listing time at 1 and 16 connections, per-row cost against
#                               the raw driver's, /record's p99 while 16 readers list, peak RSS
#   src/bench/run.sh --cold     only the cold starts: process start to ready, then the first 5 s of
#                               GET / and the next 5 s of /record at 64 connections (p99 of each, and
#                               second by second), for the plain JVM, the AOT cache, and the AOT cache
#                               with the warm-up before readiness (messages.warm-up)
# BENCH_DB=postgres runs the same scenarios on a PostgreSQL 17 of its own (the embedded binaries
# from Maven Central, started under $WORK, fsync on), adds rows with two service instances on the
# one database (two wrk processes, one per instance, half the connections each; req/s summed),
# and prints the raw JDBC limit of the listing query. BENCH_PEER=spring runs the Spring Boot peer
# (../shared/peers/spring, built in /tmp; not part of this project's build) beside it, on the
# same database server, same scenarios.
# BENCH_BASELINE=<another checkout> builds that checkout (e.g. a git worktree of an older commit)
# and runs its jar beside this one, same scenarios, rows named "baseline", each on a copy of a
# 1,000-message database it seeded itself: a same-run comparison.
# BENCH_VARIANTS="name=options;name=options" adds rows of this jar started with more JVM options,
# e.g. "nio=-Dserver.use-nio=true -Dserver.sockets.0.use-nio=true;log=-Dmessages.access-log.enabled=true".
# BENCH_PROXY=nginx puts an nginx with its defaults in front of every instance (worker_processes 1,
# as root): a bare proxy_pass, so HTTP/1.0 and Connection: close to the service; wrk talks to nginx.
# BENCH_CONNECTIONS="64" and BENCH_SCENARIOS="/record" pick rows (defaults: all of them);
# SERVICE_JAVA_OPTS passes options to the service's JVM (e.g. -Ddb.group-commit.enabled=false).
# By default the service starts as README's run command does: with the AOT cache, warm-up on.
# BENCH_CGROUP=768M runs the service as the pod runs it: inside a memory cgroup of that size (v1
# or v2; needs root), started with the image's ENTRYPOINT flags (heap 75% of the cgroup, G1, exit
# on OutOfMemoryError): the container's limit as the JVM sees it, not an option that imitates it.
# BENCH_MEMORY=768m caps the service's JVM as the Kubernetes memory limit does (-XX:MaxRAM, heap
# 75% of it, as the image sets). BENCH_CHARTS=1 writes the figures as CSV and SVG charts (gnuplot,
# from Debian's packages) to src/bench/results/.
# Not part of the test run. Installs wrk (and nginx for BENCH_PROXY) from Debian's packages if missing.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${BENCH_PORT:-18080}
ADMIN=${BENCH_ADMIN_PORT:-19080}
PG_PORT=${BENCH_PG_PORT:-15432}
WARMUP=${BENCH_WARMUP:-10s}
DURATION=${BENCH_DURATION:-5s}
DB_KIND=${BENCH_DB:-sqlite}
PEER=${BENCH_PEER:-}
PROXY=${BENCH_PROXY:-}
FRONT=$PORT   # where wrk and the timed requests go: the service, or the nginx in front of it
[ -n "$PROXY" ] && FRONT=${BENCH_PROXY_PORT:-18180}
[ -z "$PROXY" ] || [ "$PROXY" = nginx ] || { echo "bench: BENCH_PROXY: only nginx" >&2; exit 1; }
VIA=${PROXY:+ via $PROXY}

if ! command -v wrk >/dev/null 2>&1; then
    echo "bench: installing wrk"; apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null
fi
if [ -n "$PROXY" ] && ! command -v nginx >/dev/null 2>&1; then
    echo "bench: installing nginx"; apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends nginx >/dev/null
fi
if [ -n "${BENCH_CHARTS:-}" ] && ! command -v gnuplot >/dev/null 2>&1; then
    echo "bench: installing gnuplot"; apt-get update -q >/dev/null && apt-get install -y -q gnuplot-nox >/dev/null
fi
MEMORY_OPTS=""
[ -n "${BENCH_MEMORY:-}" ] && MEMORY_OPTS="-XX:MaxRAM=$BENCH_MEMORY -XX:MaxRAMPercentage=75"
CGROUP=""
if [ -n "${BENCH_CGROUP:-}" ]; then
    # k8s/Containerfile's ENTRYPOINT, less what start_service adds itself.
    MEMORY_OPTS="-XX:MaxRAMPercentage=75 -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError"
    if [ -d /sys/fs/cgroup/memory ]; then
        CGROUP=/sys/fs/cgroup/memory/messages-bench-$$
        mkdir "$CGROUP" && echo "$BENCH_CGROUP" >"$CGROUP/memory.limit_in_bytes"
    else
        CGROUP=/sys/fs/cgroup/messages-bench-$$
        mkdir "$CGROUP" && echo "$BENCH_CGROUP" >"$CGROUP/memory.max"
    fi
fi
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "bench: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }

mvn -B -q -ntp -Dmaven.test.skip=true package
BASELINE=${BENCH_BASELINE:-}
BASELINE_OPTS=""
if [ -n "$BASELINE" ]; then
    (cd "$BASELINE" && mvn -B -q -ntp -Dmaven.test.skip=true package)
    # A checkout that trained its cache with enable-native-access must be started with it too.
    grep -q -- '<argument>--enable-native-access=ALL-UNNAMED</argument>' "$BASELINE/pom.xml" \
        && BASELINE_OPTS="--enable-native-access=ALL-UNNAMED"
fi
WORK=$(mktemp -d)
PIDS=()
PG_CTL=""
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; done
    if [ -n "$PG_CTL" ]; then $PG_CTL -D "$WORK/pgdata" -m fast -w stop >/dev/null 2>&1 || true; fi
    rm -rf "$WORK"
    if [ -n "$CGROUP" ]; then rmdir "$CGROUP" 2>/dev/null || true; fi
}
trap cleanup EXIT

# start_postgres, pg_url (PG_CTL is set once it runs).
source src/bench/postgres.sh   # the cwd is the repository root (above)
source src/bench/nginx.sh      # start_nginx_in
pg_exec() { "$JAVA" -cp "target/libs/*" src/bench/PostgresProbe.java exec "$(pg_url postgres)" "$1"; }

# A database holding the seed's 1,000 messages, new for each scenario: its JDBC URL in FRESH_URL.
FRESH=0
fresh_database() { # $1: seed name ("seed" or "peerseed")
    FRESH=$((FRESH + 1))
    if [ "$DB_KIND" = postgres ]; then
        pg_exec "CREATE DATABASE run$FRESH TEMPLATE $1"
        FRESH_URL=$(pg_url "run$FRESH")
    else
        cp "$WORK/$1.db" "$WORK/run$FRESH.db"
        FRESH_URL="jdbc:sqlite:$WORK/run$FRESH.db"
    fi
}
seed_url() { # $1: seed name
    if [ "$DB_KIND" = postgres ]; then pg_exec "CREATE DATABASE $1"; pg_url "$1"; else echo "jdbc:sqlite:$WORK/$1.db"; fi
}

await_ready() { # $1: pid, $2: URL that answers when ready, $3: log
    until curl -sf -o /dev/null "$2"; do
        kill -0 "$1" 2>/dev/null || { cat "$3"; exit 1; }
        sleep 0.05
    done
}
start_service() { # $1: JDBC URL, $2: instance number (0, 1); BENCH_START_OPTS: how the JVM starts;
                   # BENCH_HOME: the checkout whose jar runs (this one by default)
    local started port=$((PORT + ${2:-0})) admin=$((ADMIN + ${2:-0})) home=${BENCH_HOME:-.}
    local start_opts=${BENCH_START_OPTS:--XX:AOTCache=$home/target/messages.aot}
    started=$(date +%s%N)
    # shellcheck disable=SC2086
    # In BENCH_CGROUP's cgroup when set: the shell joins it, then becomes the JVM (same PID).
    ${CGROUP:+sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CGROUP"} \
    "$JAVA" $start_opts $MEMORY_OPTS ${SERVICE_JAVA_OPTS:-} ${BENCH_HOME_OPTS:-} -Dserver.port="$port" \
        -Dserver.sockets.0.port="$admin" -Ddb.connection.url="$1" -Dmessages.config="$home/config/application.yaml" \
        -jar "$home/target/messages.jar" >"$WORK/service$port.log" 2>&1 &
    PIDS+=($!)
    await_ready $! "http://127.0.0.1:$admin/observe/health/ready" "$WORK/service$port.log"
    STARTUP_MS=$(( ($(date +%s%N) - started) / 1000000 ))
    if [ -n "$PROXY" ]; then start_proxy "$port" $((FRONT + ${2:-0})); fi
}
# nginx with its defaults in front of the service (src/bench/nginx.sh): $1 the service's port, $2 nginx's.
start_proxy() {
    local dir=$WORK/nginx$2
    start_nginx_in "$dir" 1 "    access_log $dir/access.log;
    server {
        listen 127.0.0.1:$2;
        location / { proxy_pass http://127.0.0.1:$1; }
    }"
    # any answer: the baseline's may be a 400; at most 60 s
    local deadline=$(( $(date +%s) + 60 ))
    until curl -s --max-time 5 -o /dev/null "http://127.0.0.1:$2/"; do
        if ! kill -0 "$NGINX_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            echo "bench: nginx on :$2 not answering" >&2; cat "$dir/stdout.log" "$dir/error.log" >&2; exit 1
        fi
        sleep 0.05
    done
}
start_peer() { # $1: JDBC URL
    local url=$1
    # SQLite as the peer sets it up itself: WAL, a busy timeout.
    [ "$DB_KIND" = sqlite ] && url="$url?journal_mode=WAL&busy_timeout=5000"
    PORT=$PORT JDBC_URL="$url" "$JAVA" -jar /tmp/spring-peer/target/spring-jdbc-1.jar >"$WORK/peer.log" 2>&1 &
    PIDS+=($!)
    await_ready $! "http://127.0.0.1:$PORT/" "$WORK/peer.log"
}
stop_all() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; done
    PIDS=()
}
peak_rss_mb() { awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/${PIDS[0]}/status"; }
seed_over_http() { # $1: how many messages
    seq 1 "$1" | xargs -P 8 -I{} curl -sf -o /dev/null "http://127.0.0.1:$PORT/record?msg=seed-{}"
}
commit_counts() { # prints "<request transactions committed> <database commits>" so far
    curl -sf "http://127.0.0.1:$ADMIN/observe/metrics" | awk '
        /^messages_transactions_total\{.*outcome="committed"/ {t = $NF}
        /^messages_db_commits_total\{/ {c = $NF}
        END {printf "%d %d", t, c}'
}
wrk_run() { # $1: connections, $2: every Nth request records (empty: GET / only), $3: duration, $4: port, $5: output
    local script=() threads=$(( $1 < 2 ? 1 : 2 ))
    [ -n "$2" ] && script=(-s src/bench/writes.lua)
    wrk -t"$threads" -c"$1" -d"$3" --latency "${script[@]}" "http://127.0.0.1:$4/" ${2:+-- "$2"} >"$5"
}
# One table row: $1 server, $2 connections, $3 every Nth records, $4 scenario name, $5 instances (1, 2).
run_row() {
    local instances=${5:-1} per=$(( $2 / ${5:-1} )) before after per_commit="" i loads=()
    for i in $(seq 0 $((instances - 1))); do wrk_run "$per" "$3" "$WARMUP" $((FRONT + i)) /dev/null & loads+=($!); done
    wait "${loads[@]}"
    [ "$1" = messages ] && before=$(commit_counts)
    loads=()
    for i in $(seq 0 $((instances - 1))); do wrk_run "$per" "$3" "$DURATION" $((FRONT + i)) "$WORK/wrk$i.txt" & loads+=($!); done
    wait "${loads[@]}"
    [ "$1" = messages ] && after=$(commit_counts)
    # Only /record of one instance: every transaction committed there is a write.
    if [ "$1" = messages ] && [ "$3" = 1 ] && [ "$instances" = 1 ]; then
        per_commit=$(echo "$before $after" | awk '{if ($4 > $2) printf "%.1f", ($3 - $1) / ($4 - $2)}')
    fi
    local rps p50 p99 errors
    rps=$(cat "$WORK"/wrk?.txt | awk '/Requests\/sec/ {s += $2} END {printf "%.0f", s}')
    p50=$(awk '$1 == "50%" {print $2; exit}' "$WORK/wrk0.txt")
    p99=$(cat "$WORK"/wrk?.txt | awk '$1 == "99%" {v = $2; ms = v ~ /ms$/ ? v + 0 : (v ~ /us$/ ? v / 1000 : v * 1000);
                                                   if (ms > max) {max = ms; text = v}} END {print text}')
    errors=$(cat "$WORK"/wrk?.txt | awk '/Non-2xx/ {n += $NF} /Socket errors/ {gsub(",", ""); n += $4 + $6 + $8 + $10} END {print n + 0}')
    rm -f "$WORK"/wrk?.txt
    echo "$DB_KIND,$1${PROXY:+-via-$PROXY},$4,$2,$rps,$(ms "$p99")" >>"$WORK/results.csv"
    printf "| %-10s | %-8s | %11s | %7s | %8s | %8s | %6s | %4s MiB | %13s |\n" "$1$VIA" "$4" "$2" "$rps" "$p50" "$p99" \
        "$errors" "$(peak_rss_mb)" "$per_commit"
    [ "$1" = messages ] && [ "$4" = "/record" ] && [ "$2" = 64 ] && [ "$instances" = 1 ] && RECORD_64=$rps
    return 0
}
# wrk's latency ("804.00us", "1.20ms", "1.05s") in milliseconds.
ms() { echo "$1" | awk '{v = $1 + 0; if ($1 ~ /us$/) v /= 1000; else if ($1 ~ /ms$/) v += 0; else if ($1 ~ /s$/) v *= 1000; printf "%.2f", v}'; }
picked() { case " ${BENCH_SCENARIOS:-GET / 90/10 /record} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

echo "bench: $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB, $("$JAVA" -version 2>&1 | head -1), $(date -u +%F), database: $DB_KIND"
[ -n "$PROXY" ] && echo "nginx $(nginx -v 2>&1 | sed 's/.*\///') in front of every instance (127.0.0.1:$FRONT): its defaults, worker_processes 1"
if [ "$DB_KIND" = postgres ]; then
    start_postgres
    echo "PostgreSQL $("$WORK/pg/bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (fsync on, max_connections 200)"
else
    PROBE=$("$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/CommitProbe.java probe "$WORK/probe.db" 3)
    echo "raw SQLite, one connection, insert+commit, WAL + synchronous=FULL: $PROBE commits/s"
fi

if [ "${1:-}" != "--large-only" ] && [ "${1:-}" != "--cold" ] && [ "${1:-}" != "--listing" ]; then
# One database with 1,000 messages, recorded through the service; every scenario starts a fresh
# service on a copy of it, so that no scenario measures the rows an earlier one added.
start_service "$(seed_url seed)"
echo "start-up: ${STARTUP_MS} ms from process start to ready (empty database)"
seed_over_http 1000
stop_all
if [ -n "$BASELINE" ]; then
    # Its own seed, made by itself: a schema newer than it knows would be refused.
    BENCH_HOME="$BASELINE" BENCH_HOME_OPTS="$BASELINE_OPTS" start_service "$(seed_url baseseed)"
    echo "baseline start-up: ${STARTUP_MS} ms from process start to ready (empty database)"
    seed_over_http 1000
    stop_all
fi
if [ "$DB_KIND" = postgres ]; then
    echo "raw JDBC limit of the listing (1,000 messages, the service's query, text built, no HTTP):" \
        "$("$JAVA" -cp "target/libs/*" src/bench/PostgresProbe.java listing "$(pg_url seed)" 1 3) listings/s on 1 thread," \
        "$("$JAVA" -cp "target/libs/*" src/bench/PostgresProbe.java listing "$(pg_url seed)" 2 3) on 2"
fi
if [ "$PEER" = spring ]; then
    if [ ! -f /tmp/spring-peer/target/spring-jdbc-1.jar ]; then
        rm -rf /tmp/spring-peer && cp -r ../shared/peers/spring /tmp/spring-peer
        (cd /tmp/spring-peer && mvn -q -B -ntp package -DskipTests)
    fi
    start_peer "$(seed_url peerseed)"
    seed_over_http 1000
    stop_all
fi
echo
echo "warm-up ${WARMUP}, measured ${DURATION} per row"
echo "| server     | scenario | connections |   req/s |      p50 |      p99 | errors | peak RSS | writes/commit |"
echo "|------------|----------|-------------|---------|----------|----------|--------|----------|---------------|"
for c in ${BENCH_CONNECTIONS:-1 16 64}; do
    for scenario in "GET /|" "90/10|10" "/record|1"; do
        IFS='|' read -r name every <<<"$scenario"
        picked "$name" || continue
        fresh_database seed
        start_service "$FRESH_URL"
        run_row messages "$c" "$every" "$name"
        stop_all
        if [ -n "$BASELINE" ]; then
            fresh_database baseseed
            BENCH_HOME="$BASELINE" BENCH_HOME_OPTS="$BASELINE_OPTS" start_service "$FRESH_URL"
            run_row baseline "$c" "$every" "$name"
            stop_all
        fi
        IFS=';' read -ra variants <<<"${BENCH_VARIANTS:-}"
        for variant in "${variants[@]}"; do
            fresh_database seed
            SERVICE_JAVA_OPTS="${SERVICE_JAVA_OPTS:-} ${variant#*=}" start_service "$FRESH_URL"
            run_row "${variant%%=*}" "$c" "$every" "$name"
            stop_all
        done
        if [ "$PEER" = spring ]; then
            fresh_database peerseed
            start_peer "$FRESH_URL"
            run_row spring "$c" "$every" "$name"
            stop_all
        fi
        if [ "$DB_KIND" = postgres ] && [ "$c" -ge 16 ]; then
            fresh_database seed
            start_service "$FRESH_URL" 0
            start_service "$FRESH_URL" 1
            run_row "messages×2" "$c" "$every" "$name" 2
            stop_all
        fi
    done
done
if [ -n "${RECORD_64:-}" ] && [ -n "${PROBE:-}" ]; then
    echo "/record at 64 connections: $RECORD_64 writes/s = $(awk -v w="$RECORD_64" -v p="$PROBE" 'BEGIN {printf "%.1f", w / p}')x the raw probe"
fi
if [ "${1:-}" != "--no-ramp" ] && [ "$DB_KIND" = sqlite ]; then
    fresh_database seed
    start_service "$FRESH_URL"
    ramp=""
    for second in $(seq 1 12); do
        ramp="$ramp $(wrk -t2 -c64 -d1s -s src/bench/writes.lua "http://127.0.0.1:$FRONT/" -- 1 | awk '/Requests\/sec/ {printf "%.0f", $2}')"
    done
    stop_all
    echo "/record at 64 connections from a cold start, req/s in each of the first 12 seconds:$ramp"
fi
fi

# The first seconds after a cold start, as a new pod meets traffic: process start to ready, then
# at once GET / for 5 s and /record for 5 s at 64 connections; once as one 5 s run each (p99 of
# the whole 5 s), once as five 1 s runs each (the ramp, second by second).
cold_start() { # $1: variant name, $2: JVM options
    local started ready
    fresh_database seed
    started=$(date +%s%N)
    BENCH_START_OPTS="$2" start_service "$FRESH_URL"
    ready=$(( ($(date +%s%N) - started) / 1000000 ))
    local listening warm
    listening=$(grep -o 'ready [0-9]* ms after JVM start' "$WORK/service$PORT.log" | grep -o '[0-9]*' || echo "?")
    warm=$(grep -o 'warmed up in [0-9]* ms' "$WORK/service$PORT.log" | grep -o '[0-9]*' || echo "0")
    wrk_run 64 "" 5s "$FRONT" "$WORK/get.txt"
    wrk_run 64 1 5s "$FRONT" "$WORK/record.txt"
    stop_all
    printf "| %-22s | %6s ms | %9s ms | %8s ms | %9s | %9s | %9s | %9s |\n" "$1$VIA" "$ready" "$listening" "$warm" \
        "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/get.txt")" "$(awk '$1 == "99%" {print $2}' "$WORK/get.txt")" \
        "$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/record.txt")" "$(awk '$1 == "99%" {print $2}' "$WORK/record.txt")"
    echo "$1,$ready,$listening,$warm" >>"$WORK/cold.csv"
    fresh_database seed
    BENCH_START_OPTS="$2" start_service "$FRESH_URL"
    local second=0
    for every in "" 1; do
        for i in 1 2 3 4 5; do
            second=$((second + 1))
            wrk_run 64 "$every" 1s "$FRONT" "$WORK/second.txt"
            echo "$1,$second,$(awk '/Requests\/sec/ {printf "%.0f", $2}' "$WORK/second.txt"),$(ms "$(awk '$1 == "99%" {print $2}' "$WORK/second.txt")")" >>"$WORK/ramp.csv"
        done
    done
    stop_all
}
if [ "${1:-}" = "--cold" ]; then
    start_service "$(seed_url seed)"
    seed_over_http 1000
    stop_all
    echo
    echo "cold starts (64 connections, 1,000 messages): GET / for the first 5 s after ready, then /record for 5 s"
    echo "| variant                | ready     | listening    | warm-up     | GET / r/s | GET / p99 | /record r/s | /record p99 |"
    echo "|------------------------|-----------|--------------|-------------|-----------|-----------|-------------|-------------|"
    cold_start "plain JVM" "-Dmessages.warm-up.enabled=false"
    cold_start "AOT cache" "-XX:AOTCache=target/messages.aot -Dmessages.warm-up.enabled=false"
    cold_start "AOT cache + warm-up" "-XX:AOTCache=target/messages.aot"
    echo "(ready: process start to readiness 200, including the warm-up; listening: JVM start to the server listening)"
fi

if [ -n "${BENCH_CHARTS:-}" ]; then
    mkdir -p src/bench/results
    for file in results cold ramp; do
        [ -f "$WORK/$file.csv" ] && cp "$WORK/$file.csv" "src/bench/results/$DB_KIND-$file.csv"
    done
    gnuplot -e "kind='$DB_KIND'; dir='src/bench/results'" src/bench/charts.gp && echo "charts written to src/bench/results/"
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
        start_service "jdbc:sqlite:$WORK/large.db"
        curl -s -o /dev/null "http://127.0.0.1:$FRONT/"   # warm-up
        timing=$(curl -s -o "$WORK/body" -w '%{time_total}' "http://127.0.0.1:$FRONT/")
        printf "| %9s | %22ss | %10s | %5s MiB |\n" "$n" "$timing" "$(stat -c %s "$WORK/body")" "$(peak_rss_mb)"
        stop_all
    done
fi

if [ "${1:-}" = "--listing" ]; then
    echo
    echo "big listings ($DB_KIND): the raw driver (one thread, no HTTP; values by getString, then by getBytes) beside the service (GET /), same run"
    echo "| messages  | body MB | raw getString (ms) | raw getBytes (ms) | 1 conn listings/s (ms) | vs raw: getString, getBytes | 16 conns listings/s, p99 | /record p99 alone, beside 16 | peak RSS |"
    echo "|-----------|---------|--------------------|-------------------|------------------------|-----------------------------|--------------------------|------------------------------|----------|"
    for n in ${BENCH_LISTING_SIZES:-1000 100000 300000 1000000}; do
        if [ "$DB_KIND" = postgres ]; then
            pg_exec "DROP DATABASE IF EXISTS big" >/dev/null; pg_exec "CREATE DATABASE big"
            url=$(pg_url big)
            start_service "$url"; stop_all   # the schema
            "$JAVA" -cp "target/libs/*" src/bench/PostgresProbe.java exec "$url" \
                "INSERT INTO messages (value) SELECT 'seeded message number ' || x FROM generate_series(1, $n) x"
            "$JAVA" -cp "target/libs/*" src/bench/PostgresProbe.java exec "$url" "VACUUM ANALYZE messages"
        else
            rm -f "$WORK"/big.db*
            "$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/CommitProbe.java seed "$WORK/big.db" "$n"
            url="jdbc:sqlite:$WORK/big.db"
        fi
        probe() { "$JAVA" --enable-native-access=ALL-UNNAMED -cp "target/libs/*" src/bench/ListingProbe.java "$url" 4 "$1" | awk '{print $2}'; }
        raw_string=$(probe string)
        raw_bytes=$(probe bytes)
        start_service "$url"
        bytes=$(curl -s -o "$WORK/body" -w '%{size_download}' "http://127.0.0.1:$FRONT/")
        wrk -t1 -c1 -d5s "http://127.0.0.1:$FRONT/" >/dev/null
        wrk -t1 -c1 -d10s --latency "http://127.0.0.1:$FRONT/" >"$WORK/one.txt"
        one=$(awk '/Requests\/sec/ {print $2}' "$WORK/one.txt")
        wrk -t1 -c1 -d5s --latency -s src/bench/writes.lua "http://127.0.0.1:$FRONT/" -- 1 >"$WORK/alone.txt"
        wrk -t2 -c16 -d10s --latency --timeout 30s "http://127.0.0.1:$FRONT/" >"$WORK/sixteen.txt" &
        sixteen=$!
        sleep 2
        wrk -t1 -c1 -d6s --latency -s src/bench/writes.lua "http://127.0.0.1:$FRONT/" -- 1 >"$WORK/beside.txt"
        wait $sixteen
        printf "| %9s | %7.1f | %15.1f ms | %14.1f ms | %9.2f (%7.1f ms) | %12.2fx, %12.2fx | %10.2f, %11s | %12s, %13s | %4s MiB |\n" "$n" \
            "$(echo "$bytes" | awk '{print $1 / 1e6}')" "$raw_string" "$raw_bytes" "$one" "$(awk -v r="$one" 'BEGIN {print 1000 / r}')" \
            "$(awk -v r="$one" -v raw="$raw_string" 'BEGIN {print 1000 / r / raw}')" \
            "$(awk -v r="$one" -v raw="$raw_bytes" 'BEGIN {print 1000 / r / raw}')" \
            "$(awk '/Requests\/sec/ {print $2}' "$WORK/sixteen.txt")" "$(awk '$1 == "99%" {print $2}' "$WORK/sixteen.txt")" \
            "$(awk '$1 == "99%" {print $2}' "$WORK/alone.txt")" "$(awk '$1 == "99%" {print $2}' "$WORK/beside.txt")" "$(peak_rss_mb)"
        stop_all
    done
    echo "(at 1,000 messages the service answers from its kept listing: no raw reader does that)"
fi
