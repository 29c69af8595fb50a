#!/usr/bin/env bash
# Proves that the service works with the clients and proxies people put in front of it, each with
# its defaults, as .ci/run does after the README's test command (it needs the packaged jar,
# target/messages.jar + target/libs/). Everything on 127.0.0.1:
#  1. nginx with a bare `proxy_pass` (HTTP/1.0 upstream, `Connection: close`): GET /record, GET /,
#     HEAD /; and with X-Forwarded-For ($proxy_add_x_forwarded_for) and X-Request-Id ($request_id):
#     the answer carries nginx's id and the service's access log the client nginx named; a forged
#     X-Forwarded-For from an untrusted address (127.0.0.2) is not believed;
#  2. HAProxy's HTTP health check (`option httpchk`: HTTP/1.0, no Host header) on the admin port:
#     the server must come UP (L7OK), and a GET through HAProxy answer 200 (a DOWN server is 503);
#  3. ApacheBench (HTTP/1.0), without and with -k (HTTP/1.0 keep-alive): no failed or non-2xx;
#  4. curl: HEAD (-I), HTTP/1.0 (-0) GET and HEAD; HEAD answers carry no body;
#  5. the JDK's HttpClient (HTTP/2 preferred: an h2c upgrade asked on cleartext), src/interop/JdkClient.java;
#  6. headless Chromium running src/interop/cors.html from an allowed origin (fetch GET, form POST,
#     GET, and a GET with X-Request-Id that the browser preflights) and from an origin not
#     allowed (refused in the page), and a preflight sent by curl.
# Each row prints `interop: CLIENT (ITS DEFAULT): WHAT IT GOT`; a markdown table and the counts
# close the run, and it exits 1 if any row failed. Installs nginx, HAProxy, ApacheBench, Chromium
# and curl from Debian's packages if missing. Needs root (Chromium and nginx run as root here).
# Every wait is bounded; it ends only the processes it started. Ports: INTEROP_PORT (18580) and
# the seven above it.
set -uo pipefail
cd "$(dirname "$0")/../.."

missing=()
for tool in nginx haproxy ab chromium curl; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "interop: installing nginx, haproxy, apache2-utils, chromium and curl from Debian's packages (missing: ${missing[*]})"
    apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        nginx haproxy apache2-utils chromium curl >/dev/null || { echo "interop: installing failed" >&2; exit 1; }
fi
JAVA=""
for candidate in /usr/lib/jvm/*/bin/java; do
    if "$candidate" -version 2>&1 | grep -Eq 'version "(2[1-9]|[3-9][0-9])'; then JAVA=$candidate; fi
done
[ -n "$JAVA" ] || { echo "interop: no JDK 21+ under /usr/lib/jvm" >&2; exit 1; }
[ -f target/messages.jar ] || { echo "interop: target/messages.jar missing; run mvn package first" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "interop: needs root (Chromium runs with --no-sandbox, nginx's workers as root)" >&2; exit 1; }

PORT=${INTEROP_PORT:-18580}
ADMIN=$((PORT + 1))
NGINX_PORT=$((PORT + 2))        # bare proxy_pass
NGINX_XFF_PORT=$((PORT + 3))    # proxy_pass with X-Forwarded-For and X-Request-Id
HAPROXY_PORT=$((PORT + 4))
HAPROXY_STATS=$((PORT + 5))
PAGE_PORT=$((PORT + 6))         # the origin the service allows (CORS)
OTHER_PORT=$((PORT + 7))        # an origin it does not
SERVICE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
PIDS=()
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
stop() { # $1: a pid started here: TERM, at most 10 s, then KILL
    kill "$1" 2>/dev/null || return 0
    for _ in $(seq 1 50); do alive "$1" || break; sleep 0.2; done
    kill -KILL "$1" 2>/dev/null
    wait "$1" 2>/dev/null
}
cleanup() {
    local i
    for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop "${PIDS[i]}"; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
TABLE=()
row() { # $1: 0 if the row held, $2: the client, $3: its default, $4: what it got
    local verdict=ok
    if [ "$1" = 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); verdict=FAILED; fi
    if [ "$verdict" = ok ]; then echo "interop: $2 ($3): $4"; else echo "interop: $2 ($3): $4 -- FAILED"; fi
    TABLE+=("| $2 | $3 | ${4//|/\\|} | $verdict |")
}
# One HTTP exchange with curl: $1 names it ($WORK/$1.head, $WORK/$1.body), the rest are curl's
# arguments; prints the status (000 when there was no answer).
exchange() {
    local name=$1
    shift
    curl -s --max-time 10 -D "$WORK/$name.head" -o "$WORK/$name.body" -w '%{http_code}' "$@" 2>/dev/null || true
}
header() { # $1: an exchange's name, $2: a header: its (last) value
    grep -i "^$2:" "$WORK/$1.head" 2>/dev/null | tail -1 | cut -d: -f2- | tr -d '\r' | sed 's/^ *//; s/ *$//'
}
body() { cat "$WORK/$1.body" 2>/dev/null; }
short() { # $1: text: its first line, at most 60 characters
    local line=${1%%$'\n'*}
    [ ${#line} -le 60 ] && printf '%s' "$line" || printf '%s...' "${line:0:60}"
}
# How many bytes a server sends after the head of its answer to raw request bytes ($2, printf
# format) on port $1, read until it closes the connection (at most 5 s); "no head" if there was
# none: for what curl hides, such as a body after a HEAD.
after_head() {
    local answer LC_ALL=C
    # The dot keeps the command substitution from dropping the head's final CRLFs.
    answer=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" && printf "$2" >&3 && cat <&3' _ "$1" "$2" 2>/dev/null; printf .)
    answer=${answer%.}
    case "$answer" in *$'\r\n\r\n'*) answer=${answer#*$'\r\n\r\n'}; printf '%s bytes' "${#answer}" ;; *) printf 'no head' ;; esac
}
await() { # $1: URL, $2: what: at most 30 s
    for _ in $(seq 1 60); do curl -s -o /dev/null --max-time 2 "$1" && return 0; sleep 0.5; done
    echo "interop: $2 did not come up" >&2
    return 1
}

for port in $(seq "$PORT" $((PORT + 7))); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "interop: 127.0.0.1:$port is taken; set INTEROP_PORT to the first of 8 free ports" >&2
        exit 1
    fi
done

echo "interop: the service on 127.0.0.1:$PORT (admin $ADMIN)"
"$JAVA" --enable-native-access=ALL-UNNAMED -Ddb.connection.url="jdbc:sqlite:$WORK/messages.db" \
    -Ddb.backup.directory="$WORK/backup" \
    -Dserver.host=127.0.0.1 -Dserver.port="$PORT" -Dserver.sockets.0.host=127.0.0.1 -Dserver.sockets.0.port="$ADMIN" \
    -Dmessages.warm-up.enabled=false -Dmessages.drain-delay=PT0S \
    -Dmessages.proxies.trusted.0=127.0.0.1/32 \
    -Dmessages.cors.allowed-origins.0="http://127.0.0.1:$PAGE_PORT" \
    -Dmessages.access-log.enabled=true \
    -jar target/messages.jar >"$WORK/service.log" 2>&1 &
PIDS+=($!)
await "http://127.0.0.1:$ADMIN/observe/health/ready" "the service" && alive "${PIDS[0]}" \
    || { echo "interop: the service did not start" >&2; cat "$WORK/service.log" >&2; exit 1; }

echo "interop: nginx $(nginx -v 2>&1 | sed 's/.*\///') on 127.0.0.1:$NGINX_PORT, :$NGINX_XFF_PORT and the pages on :$PAGE_PORT, :$OTHER_PORT"
mkdir -p "$WORK/nginx" "$WORK/page"
cp src/interop/cors.html "$WORK/page/"
cat >"$WORK/nginx/nginx.conf" <<EOF
daemon off;
user root;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    client_body_temp_path $WORK/nginx/client_body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    log_format ids '\$request_id \$status \$upstream_http_x_request_id';
    access_log $WORK/nginx/access.log ids;
    # nginx's defaults: HTTP/1.0 to the upstream, Connection: close, Host: the upstream's address.
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / { proxy_pass $SERVICE; }
    }
    server {
        listen 127.0.0.1:$NGINX_XFF_PORT;
        location / {
            proxy_pass $SERVICE;
            proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
            proxy_set_header X-Request-Id \$request_id;
        }
        access_log $WORK/nginx/xff.log ids;
    }
    server {
        listen 127.0.0.1:$PAGE_PORT;
        listen 127.0.0.1:$OTHER_PORT;
        root $WORK/page;
        types { text/html html; }
    }
}
EOF
nginx -p "$WORK/nginx" -e "$WORK/nginx/error.log" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx/stdout.log" 2>&1 &
PIDS+=($!)
await "http://127.0.0.1:$PAGE_PORT/cors.html" nginx && alive "${PIDS[1]}" \
    || { echo "interop: nginx did not start" >&2; cat "$WORK/nginx/stdout.log" "$WORK/nginx/error.log" >&2; exit 1; }


# --- 1. nginx --------------------------------------------------------------------------------
NGINX_DEFAULT="proxy_pass: HTTP/1.0, Connection: close"
NGINX=http://127.0.0.1:$NGINX_PORT
status=$(exchange nginx-record "$NGINX/record?msg=via-nginx")
[ "$status" = 200 ] && [ "$(body nginx-record)" = "Recorded: via-nginx" ]
row $? "nginx GET /record" "$NGINX_DEFAULT" "$status $(short "$(body nginx-record)")"

status=$(exchange nginx-list "$NGINX/")
listing=$(body nginx-list)
[ "$status" = 200 ] && [[ "$listing" == "Here are your list of messages: "* ]] && [[ "$listing" == *via-nginx* ]]
row $? "nginx GET /" "$NGINX_DEFAULT" "$status $(short "$listing")"

status=$(exchange nginx-head -I "$NGINX/")
after=$(after_head "$NGINX_PORT" 'HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
[ "$status" = 200 ] && [ "$after" = "0 bytes" ]
row $? "nginx HEAD /" "$NGINX_DEFAULT" "$status, Content-Type: $(header nginx-head Content-Type), $after after the head"

status=$(exchange nginx-xff -H 'X-Forwarded-For: 203.0.113.7' "http://127.0.0.1:$NGINX_XFF_PORT/")
answered_id=$(header nginx-xff X-Request-Id)
nginx_id=""
for _ in $(seq 1 10); do # nginx logs the request once it has answered: at most 2 s
    nginx_id=$(head -1 "$WORK/nginx/xff.log" 2>/dev/null | cut -d' ' -f1)
    [ -n "$nginx_id" ] && break
    sleep 0.2
done
logged=""
if [ -n "$answered_id" ]; then
    for _ in $(seq 1 25); do # the access log line may follow the answer by a moment: at most 5 s
        logged=$(grep -F -- "$answered_id" "$WORK/service.log" | tail -1)
        [ -n "$logged" ] && break
        sleep 0.2
    done
fi
got="$status, X-Request-Id: ${answered_id:-none} (nginx's: $nginx_id), access log: "
if [ -z "$logged" ]; then got+="no line with that id"
elif [[ "$logged" == *203.0.113.7* ]]; then got+="client 203.0.113.7"
else got+="without 203.0.113.7: $(short "$logged")"; fi
[ "$status" = 200 ] && [[ "$answered_id" =~ ^[0-9a-f]{32}$ ]] && [ "$answered_id" = "$nginx_id" ] \
    && [[ "$logged" == *203.0.113.7* ]]
row $? "nginx X-Forwarded-For, X-Request-Id" "\$proxy_add_x_forwarded_for: 203.0.113.7, 127.0.0.1" "$got"

# The same header forged by a client the service does not trust (127.0.0.2 is on the loopback
# interface too, outside 127.0.0.1/32): its own address must be logged, not the forged one.
forged_id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
status=$(exchange forged --interface 127.0.0.2 -H 'X-Forwarded-For: 198.51.100.9' -H "X-Request-Id: $forged_id" "$SERVICE/")
id=$(header forged X-Request-Id)
id=${id:-$forged_id}
logged=""
for _ in $(seq 1 25); do
    logged=$(grep -F -- "$id" "$WORK/service.log" | tail -1)
    [ -n "$logged" ] && break
    sleep 0.2
done
if [ -z "$logged" ]; then got="$status, access log: no line with the request's id"
elif [[ "$logged" == *198.51.100.9* ]]; then got="$status, access log believed the forged 198.51.100.9"
elif [[ "$logged" == *127.0.0.2* ]]; then got="$status, access log: client 127.0.0.2"
else got="$status, access log: $(short "$logged")"; fi
[ "$status" = 200 ] && [[ "$logged" == *127.0.0.2* ]] && [[ "$logged" != *198.51.100.9* ]]
row $? "curl from 127.0.0.2, forged X-Forwarded-For" "an untrusted client's header" "$got"

# --- 2. HAProxy ------------------------------------------------------------------------------
echo "interop: $(haproxy -v | head -1 | cut -d' ' -f1-3) on 127.0.0.1:$HAPROXY_PORT (stats :$HAPROXY_STATS)"
cat >"$WORK/haproxy.cfg" <<EOF
defaults
    mode http
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend messages
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend messages
backend messages
    # HAProxy's HTTP check as documented: HTTP/1.0, no Host header.
    option httpchk GET /observe/health/ready
    server messages-0 127.0.0.1:$PORT check port $ADMIN inter 500ms
listen stats
    bind 127.0.0.1:$HAPROXY_STATS
    stats enable
    stats uri /stats
EOF
haproxy -db -f "$WORK/haproxy.cfg" >"$WORK/haproxy.log" 2>&1 &
PIDS+=($!)
started_haproxy=$(date +%s%N)
# Servers start UP in HAProxy and go DOWN after 3 failed checks (fall 3), so a first 200 proves
# nothing: the check itself must have passed (L7OK) and the server be UP. At most 15 s.
field() { # $1: the stats CSV, $2: a column name: its value for messages-0
    awk -F, -v column="$2" 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == column) c = i }
        $1 == "messages" && $2 == "messages-0" { print $c }' <<<"$1"
}
state="" check="" code="" desc=""
for _ in $(seq 1 30); do
    stats=$(curl -s --max-time 2 "http://127.0.0.1:$HAPROXY_STATS/stats;csv" || true)
    state=$(field "$stats" status) check=$(field "$stats" check_status) code=$(field "$stats" check_code)
    desc=$(field "$stats" last_chk)
    [ "$state" = UP ] && [ "$check" = L7OK ] && break
    [ "$state" = DOWN ] && break
    sleep 0.5
done
waited=$((($(date +%s%N) - started_haproxy) / 1000000))
status=$(exchange haproxy "http://127.0.0.1:$HAPROXY_PORT/")
[ "$state" = UP ] && [ "$check" = L7OK ] && [ "$status" = 200 ]
row $? "HAProxy option httpchk" "GET /observe/health/ready HTTP/1.0, no Host" \
    "server ${state:-unknown} after $waited ms (check ${check:-none} ${code}${desc:+: $desc}), GET / through it: $status"

# --- 3. ApacheBench --------------------------------------------------------------------------
bench() { # $1: keep-alive or not, the rest: ab's arguments
    local mode=$1 out complete failed non2xx kept got
    shift
    out=$(timeout 90 ab "$@" "$SERVICE/" 2>&1)
    complete=$(sed -n 's/^Complete requests: *//p' <<<"$out")
    failed=$(sed -n 's/^Failed requests: *//p' <<<"$out")
    non2xx=$(sed -n 's/^Non-2xx responses: *//p' <<<"$out")
    kept=$(sed -n 's/^Keep-Alive requests: *//p' <<<"$out")
    if [ -z "$complete" ]; then
        row 1 "ab $*" "$mode" "no summary: $(short "$(grep -v '^Completed\|^Finished\|^Benchmarking\|^$' <<<"$out" | tail -1)")"
        return
    fi
    got="$complete complete, $failed failed, ${non2xx:-0} non-2xx"
    [ "$mode" = "HTTP/1.0 Connection: Keep-Alive" ] && got+=", ${kept:-0} kept alive"
    [ "$failed" = 0 ] && [ -z "$non2xx" ] && [ "$complete" = 2000 ]
    row $? "ab $*" "$mode" "$got"
}
bench "HTTP/1.0, a connection a request" -n 2000 -c 16 -s 10
bench "HTTP/1.0 Connection: Keep-Alive" -k -n 2000 -c 16 -s 10

# --- 4. curl ---------------------------------------------------------------------------------
status=$(exchange curl-head -I "$SERVICE/")
type=$(header curl-head Content-Type)
after=$(after_head "$PORT" 'HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
[ "$status" = 200 ] && [ -n "$type" ] && [ "$after" = "0 bytes" ]
row $? "curl -I /" "HEAD, HTTP/1.1" "$status, Content-Type: ${type:-none}, $after after the head"

status=$(exchange curl-10-record -0 "$SERVICE/record?msg=curl-http10")
[ "$status" = 200 ] && [ "$(body curl-10-record)" = "Recorded: curl-http10" ]
row $? "curl -0 /record" "HTTP/1.0" "$status $(short "$(body curl-10-record)")"

status=$(exchange curl-10-list -0 "$SERVICE/")
listing=$(body curl-10-list)
[ "$status" = 200 ] && [[ "$listing" == "Here are your list of messages: "* ]] && [[ "$listing" == *curl-http10* ]]
row $? "curl -0 /" "HTTP/1.0" "$status $(short "$listing")"

status=$(exchange curl-10-head -0 -I "$SERVICE/")
after=$(after_head "$PORT" 'HEAD / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n')
[ "$status" = 200 ] && [ "$after" = "0 bytes" ]
row $? "curl -0 -I /" "HEAD, HTTP/1.0" "$status, $after after the head"

# --- 5. the JDK's HttpClient -----------------------------------------------------------------
out=$(timeout 60 "$JAVA" src/interop/JdkClient.java "$SERVICE" 2>&1)
result=$?
row $result "JDK HttpClient $("$JAVA" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p')" "HTTP/2 preferred: h2c upgrade" \
    "$(tr '\n' ';' <<<"$out" | sed 's/;$//; s/;/; /g')"

# --- 6. a browser and CORS -------------------------------------------------------------------
browse() { # $1: the page's port, $2: message, $3: posted message, $4: request id: the page's #out, one line a call
    local profile dom
    profile=$(mktemp -d -p "$WORK")
    dom=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
        --virtual-time-budget=10000 --dump-dom \
        "http://127.0.0.1:$1/cors.html?service=$SERVICE&msg=$2&post=$3&id=$4" 2>>"$WORK/chromium.log")
    sed -n '/<pre id="out">/,/<\/pre>/p' <<<"$dom" | sed 's/.*<pre id="out">//; s/<\/pre>.*//' \
        | sed 's/&amp;/\&/g; s/&lt;/</g; s/&gt;/>/g'
}
call() { grep "^$2 " <<<"$1" | head -1 | cut -d' ' -f2-; } # $1: a page's lines, $2: a call: its line

CHROMIUM="Chromium $(chromium --version 2>/dev/null | sed -n 's/^Chromium \([0-9.]*\).*/\1/p')"
id=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
page=$(browse "$PAGE_PORT" from-browser posted-by-browser "$id")
record=$(call "$page" record) post=$(call "$page" post) list=$(call "$page" list) preflighted=$(call "$page" preflighted)
[ "$record" = "200 Recorded: from-browser" ] && [ "$post" = "200 Recorded: posted-by-browser" ] \
    && [[ "$list" == "200 Here are your list of messages: "* ]] && [[ "$list" == *from-browser* ]] \
    && [[ "$list" == *posted-by-browser* ]]
row $? "$CHROMIUM fetch, allowed origin" "simple requests, no preflight" \
    "record: $(short "${record:-nothing}"); post: $(short "${post:-nothing}"); list: $(short "${list:-nothing}")"
[[ "$preflighted" == "200 Here are your list of messages: "* ]]
row $? "$CHROMIUM fetch with X-Request-Id, allowed origin" "preflight OPTIONS first" "$(short "${preflighted:-nothing}")"

page=$(browse "$OTHER_PORT" from-elsewhere posted-from-elsewhere "$id")
record=$(call "$page" record) post=$(call "$page" post) list=$(call "$page" list)
# Refused before any route runs (403): the page's simple GET and form POST, which a browser sends
# without a preflight, store nothing either.
stored=$(curl -s --max-time 5 "$SERVICE/")
[[ "$record" == refused\ TypeError* ]] && [[ "$post" == refused\ TypeError* ]] && [[ "$list" == refused\ TypeError* ]] \
    && [[ "$stored" != *from-elsewhere* ]]
row $? "$CHROMIUM fetch, origin not allowed" "no Access-Control-Allow-Origin: refused" \
    "record: $(short "${record:-nothing}"); post: ${post%%:*}; list: ${list%%:*}; $( [[ "$stored" == *from-elsewhere* ]] && echo stored || echo 'nothing stored')"

status=$(exchange preflight -X OPTIONS -H "Origin: http://127.0.0.1:$PAGE_PORT" -H 'Access-Control-Request-Method: POST' \
    -H 'Access-Control-Request-Headers: content-type' "$SERVICE/record")
origin=$(header preflight Access-Control-Allow-Origin) methods=$(header preflight Access-Control-Allow-Methods)
headers=$(header preflight Access-Control-Allow-Headers)
[[ "$status" =~ ^20[04]$ ]] && [ "$origin" = "http://127.0.0.1:$PAGE_PORT" ] && [[ ",${methods// /}," == *,POST,* ]]
row $? "curl OPTIONS /record" "a browser's preflight for POST" \
    "$status, Allow-Origin: ${origin:-none}, Allow-Methods: ${methods:-none}, Allow-Headers: ${headers:-none}"

echo
echo "| client | its default | what it got | result |"
echo "|---|---|---|---|"
printf '%s\n' "${TABLE[@]}"
echo
echo "interop: $PASSED passed, $FAILED failed"
if [ "$FAILED" != 0 ]; then
    echo "interop: $FAILED row(s) FAILED (marked above); the service's last log lines:" >&2
    tail -n 20 "$WORK/service.log" >&2
    exit 1
fi
