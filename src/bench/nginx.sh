# Sourced by run.sh and sizes.sh: an nginx of the benchmark's own, in the foreground (daemon off)
# with every file it writes under one directory, workers as root (user root) only so that they
# can read and write under $WORK (mode 700). The caller's PIDS gets its PID, and so does NGINX_PID.
# $1: its directory (made afresh), $2: worker_processes, $3: what goes into its http block.
start_nginx_in() {
    local dir=$1
    rm -rf "$dir" && mkdir -p "$dir"
    cat >"$dir/nginx.conf" <<EOF
daemon off;
user root;
worker_processes $2;
pid $dir/nginx.pid;
error_log $dir/error.log;
events {}
http {
    client_body_temp_path $dir/client_body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
$3
}
EOF
    nginx -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" >"$dir/stdout.log" 2>&1 &
    NGINX_PID=$!
    PIDS+=("$NGINX_PID")
}
