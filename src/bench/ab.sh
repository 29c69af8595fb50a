#!/usr/bin/env bash
# Same-run A/B by alternation: two built checkouts' jars run side by side (each on an empty SQLite
# file of its own, with its AOT cache, as README's run command starts them), each warmed up for
# 10 s, then wrk -c64 alternates between them, 8 s each, for N rounds; prints each round and the
# sums. What one 5 s row of run.sh cannot tell apart on 2 shared cores (rows of one run vary by up
# to 15%), the sums of alternations can.
#   src/bench/ab.sh CHECKOUT_A CHECKOUT_B [SCENARIO] [ROUNDS]
# SCENARIO: 0 for GET /, 1 for /record (the default), 10 for the 90/10 mix (writes.lua's argument).
# Each checkout must be built first (mvn -DskipTests package: target/messages.jar and .aot).
set -euo pipefail
a=$1 b=$2 every=${3:-1} rounds=${4:-5}
here=$(cd "$(dirname "$0")" && pwd)
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "ab: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }
WORK=$(mktemp -d /tmp/messages-ab.XXXXXX)
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
start() { # $1: checkout, $2: port (admin port + 1)
    mkdir -p "$WORK/$2"
    "$JAVA" -XX:AOTCache="$1/target/messages.aot" -Dserver.port="$2" -Dserver.sockets.0.port=$(($2 + 1)) \
        -Ddb.connection.url="jdbc:sqlite:$WORK/$2/messages.db" -Dmessages.config="$1/config/application.yaml" \
        -jar "$1/target/messages.jar" >"$WORK/$2/log" 2>&1 &
    PIDS+=($!)
}
load() { # $1: port, $2: duration; prints the requests served
    if [ "$every" = 0 ]; then
        wrk -t2 -c64 -d"$2" "http://127.0.0.1:$1/"
    else
        wrk -t2 -c64 -d"$2" -s "$here/writes.lua" "http://127.0.0.1:$1" -- "$every"
    fi | awk '/requests in/ {print $1}'
}
start "$a" 18300
start "$b" 18400
for port in 18301 18401; do
    until curl -sf -o /dev/null "http://127.0.0.1:$port/observe/health/ready"; do sleep 0.1; done
done
load 18300 10s >/dev/null
load 18400 10s >/dev/null
sum_a=0 sum_b=0 line=""
for _ in $(seq "$rounds"); do
    ra=$(load 18300 8s)
    rb=$(load 18400 8s)
    sum_a=$((sum_a + ra)) sum_b=$((sum_b + rb)) line="$line $ra/$rb"
done
echo "scenario $every, A=$a B=$b, rounds (A/B):$line"
echo "sums: $sum_a / $sum_b = $(awk -v a="$sum_a" -v b="$sum_b" 'BEGIN {printf "%.3f", a / b}')x"
