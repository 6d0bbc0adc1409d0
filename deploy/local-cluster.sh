#!/usr/bin/env bash
# Runs a whole SessionGrains cluster on loopback, for trying things out: N silos sharing one PostgreSQL database,
# plus the sample web app.
#
#   deploy/local-cluster.sh start [N] [--no-build]   start N silos (default 3) and the sample app
#   deploy/local-cluster.sh status                   which processes run, and the Orleans membership table
#   deploy/local-cluster.sh stop                     stop everything this script started (safe to repeat)
#
# Silo i: HTTP API http://127.0.0.1:(5000+i), silo port 11120+i, gateway port 30000+i.
# Sample app: http://127.0.0.1:${SAMPLE_PORT:-8080}.
# PostgreSQL: set SESSIONGRAINS_PG to an Npgsql connection string to use an existing server; otherwise a throwaway
# one is created in .local-cluster/pg, listening on 127.0.0.1:${PGPORT:-55432} (needs: apt-get install postgresql).
# Everything (logs, pids, admin key, database files) is kept in .local-cluster/ at the repository root.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"

state=$repo/.local-cluster
logs=$state/logs
pids=$state/pids
pg_data=$state/pg
key_file=$state/admin-api-key
conn_file=$state/connection-string   # the Npgsql connection string the silos use (mode 600)
pg_marker=$state/pg-started          # present while this script runs the throwaway PostgreSQL; holds its port

server_bin=$repo/src/SessionGrains.Server/bin/Release/net10.0
sample_bin=$repo/src/SessionGrains.SampleWeb/bin/Release/net10.0
sample_port=${SAMPLE_PORT:-8080}
stop_wait=60   # seconds a process gets to stop gracefully before SIGKILL
key=""         # the admin key, once read
site_key=""    # the sample app's key for the site demo, issued at start
conn=""        # the Npgsql connection string, once known

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

# --- processes -------------------------------------------------------------------------------------------------

# Prints the pid recorded in a pid file if that process still runs and is the one we started (its command line
# names the expected dll), so a recycled pid is never signalled.
live_pid() {
    local file=$1 dll=$2 pid cmdline
    [[ -f $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
    [[ $cmdline == *"$dll"* ]] || return 1
    printf '%s\n' "$pid"
}

# Stops the process of a pid file: SIGTERM, up to $stop_wait s for a graceful exit, then SIGKILL.
stop_process() {
    local file=$1 dll=$2 what=$3 pid waited=0
    if pid=$(live_pid "$file" "$dll"); then
        say "Stopping $what (pid $pid)..."
        kill -TERM "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null && ((waited < stop_wait)); do
            sleep 1
            waited=$((waited + 1))
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "  $what did not stop within ${stop_wait}s; sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        else
            say "  stopped after ${waited}s"
        fi
    fi
    rm -f "$file"
}

# Waits until a URL answers. With fail=yes an HTTP error status counts as no answer (curl -f).
wait_for_url() {
    local url=$1 fail=$2 pid_file=$3 dll=$4 log=$5 what=$6 timeout=60 waited=0
    local -a curl_args=(-s -o /dev/null --max-time 2)
    if [[ $fail == yes ]]; then
        curl_args=(-f "${curl_args[@]}")
    fi
    say "Waiting for $what at $url ..."
    until curl "${curl_args[@]}" "$url" 2>/dev/null; do
        if ! live_pid "$pid_file" "$dll" >/dev/null; then
            say "error: $what exited; the end of $log:" >&2
            tail -n 40 "$log" >&2 || true
            die "$what did not start (see $log; 'deploy/local-cluster.sh stop' cleans up)"
        fi
        if ((waited >= timeout)); then
            say "error: $what did not answer $url within ${timeout}s; the end of $log:" >&2
            tail -n 40 "$log" >&2 || true
            die "$what did not start (see $log; 'deploy/local-cluster.sh stop' cleans up)"
        fi
        sleep 1
        waited=$((waited + 1))
    done
    say "  $what is up (${waited}s)"
}

port_busy() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# --- PostgreSQL --------------------------------------------------------------------------------------------------

# The newest /usr/lib/postgresql/<version>/bin that has initdb.
pg_bin_dir() {
    local dir
    local -a found=()
    for dir in /usr/lib/postgresql/*/bin; do
        if [[ -x $dir/initdb ]]; then
            found+=("$dir")
        fi
    done
    ((${#found[@]} > 0)) || return 1
    printf '%s\n' "${found[@]}" | sort -V | tail -n 1
}

psql_cmd() {
    local dir
    if dir=$(pg_bin_dir) && [[ -x $dir/psql ]]; then
        printf '%s\n' "$dir/psql"
    elif command -v psql >/dev/null; then
        command -v psql
    else
        return 1
    fi
}

# PostgreSQL refuses to run as root: as root, run its server tools as the postgres user.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_running() {
    [[ -f $pg_data/postmaster.pid ]] && as_pg "$1/pg_ctl" -D "$pg_data" status >/dev/null 2>&1
}

start_throwaway_pg() {
    local bin port=${PGPORT:-55432}
    bin=$(pg_bin_dir) || die "PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin; run: apt-get install postgresql (or set SESSIONGRAINS_PG to an existing server's connection string)"
    [[ $port =~ ^[0-9]+$ ]] || die "PGPORT must be a port number, not '$port'"

    if [[ $EUID -eq 0 ]]; then
        id -u postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' user (apt-get install postgresql creates it)"
    fi

    if [[ ! -f $pg_data/PG_VERSION ]]; then
        say "Creating a throwaway PostgreSQL in $pg_data ($bin)"
        mkdir -p "$pg_data"
        chmod 0700 "$pg_data"
        if [[ $EUID -eq 0 ]]; then
            chown postgres:postgres "$pg_data"
            as_pg test -w "$pg_data" || die "the postgres user cannot write $pg_data (check the permissions of its parent folders)"
        fi
        as_pg "$bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --no-locale >"$logs/initdb.log" 2>&1 \
            || { tail -n 20 "$logs/initdb.log" >&2; die "initdb failed (see $logs/initdb.log)"; }
        # Loopback only; the socket stays inside the data folder, away from the system's PostgreSQL.
        cat >>"$pg_data/postgresql.conf" <<EOF

# deploy/local-cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$pg_data'
max_connections = 200
EOF
    fi

    if pg_running "$bin"; then
        # Line 4 of postmaster.pid is the port it listens on.
        port=$(sed -n 4p "$pg_data/postmaster.pid")
        say "The throwaway PostgreSQL already runs on 127.0.0.1:$port"
    else
        if port_busy "$port"; then
            die "port $port is in use; choose another with PGPORT=..."
        fi
        touch "$logs/postgresql.log"
        if [[ $EUID -eq 0 ]]; then
            chown postgres:postgres "$logs/postgresql.log"
        fi
        say "Starting PostgreSQL on 127.0.0.1:$port"
        as_pg "$bin/pg_ctl" -D "$pg_data" -l "$logs/postgresql.log" -o "-p $port" -w start >/dev/null \
            || { tail -n 20 "$logs/postgresql.log" >&2; die "PostgreSQL did not start (see $logs/postgresql.log)"; }
    fi
    printf '%s\n' "$port" >"$pg_marker"

    local psql
    psql=$(psql_cmd) || die "psql not found"
    if [[ $("$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'sessiongrains'") != 1 ]]; then
        say "Creating database sessiongrains"
        "$psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -qc "CREATE DATABASE sessiongrains" >/dev/null
    fi

    printf 'Host=127.0.0.1;Port=%s;Database=sessiongrains;Username=postgres\n' "$port" >"$conn_file"
}

stop_throwaway_pg() {
    local bin
    [[ -f $pg_marker ]] || return 0
    if bin=$(pg_bin_dir) && pg_running "$bin"; then
        say "Stopping the throwaway PostgreSQL..."
        as_pg "$bin/pg_ctl" -D "$pg_data" -m fast -w stop >/dev/null
    fi
    rm -f "$pg_marker"
}

# Turns an Npgsql connection string (Host=...;Port=...;Username=...) into libpq's key='value' form for psql,
# without the password (see npgsql_password: it goes through PGPASSWORD, not the command line).
npgsql_to_conninfo() {
    local part key value out=""
    local -a parts
    IFS=';' read -r -a parts <<<"$1"
    for part in "${parts[@]}"; do
        [[ $part == *=* ]] || continue
        key=${part%%=*}
        value=${part#*=}
        key=$(printf '%s' "$key" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
        case "$key" in
            host | server) key=host ;;
            port) key=port ;;
            database | db) key=dbname ;;
            username | userid | user) key=user ;;
            sslmode) value=$(printf '%s' "$value" | tr '[:upper:]' '[:lower:]') ;;
            *) continue ;;
        esac
        value=${value//\\/\\\\}
        value=${value//\'/\\\'}
        out+="$key='$value' "
    done
    printf '%s\n' "$out"
}

npgsql_password() {
    local part key
    local -a parts
    IFS=';' read -r -a parts <<<"$1"
    for part in "${parts[@]}"; do
        key=$(printf '%s' "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')
        if [[ $part == *=* && ($key == password || $key == pwd) ]]; then
            printf '%s\n' "${part#*=}"
            return 0
        fi
    done
}

# Starts silo $1 in the background (uses $key and $conn). Its working folder is the bin folder: the content
# root, where appsettings.json is.
start_silo() {
    local i=$1
    (
        cd "$server_bin"
        # Environment, not arguments: the key and the password never show in ps.
        SessionGrains__Storage=PostgreSql \
            SessionGrains__Clustering=AdoNet \
            SessionGrains__AdvertisedAddress=127.0.0.1 \
            SessionGrains__SiloPort=$((11120 + i)) \
            SessionGrains__GatewayPort=$((30000 + i)) \
            SessionGrains__AdminApiKey=$key \
            ConnectionStrings__SessionGrains=$conn \
            exec nohup dotnet SessionGrains.Server.dll --urls "http://127.0.0.1:$((5000 + i))" \
            >"$logs/silo-$i.log" 2>&1 </dev/null
    ) &
    printf '%s\n' "$!" >"$pids/silo-$i.pid"
    say "Started silo $i (pid $!), log $logs/silo-$i.log"
}

# Starts the sample web app in the background (uses $conn and $site_key). It finds the gateways through the
# membership table, and acts with a key of its site, demo.
start_sample() {
    (
        cd "$sample_bin"
        SessionGrains__SiteId=demo \
            SessionGrains__SiteKey=$site_key \
            SessionGrains__Client__Clustering=AdoNet \
            ConnectionStrings__SessionGrains=$conn \
            exec nohup dotnet SessionGrains.SampleWeb.dll --urls "http://127.0.0.1:$sample_port" \
            >"$logs/sample.log" 2>&1 </dev/null
    ) &
    printf '%s\n' "$!" >"$pids/sample.pid"
    say "Started the sample app (pid $!), log $logs/sample.log"
}

dll_of() {
    if [[ $1 == sample ]]; then
        printf '%s\n' SessionGrains.SampleWeb.dll
    else
        printf '%s\n' SessionGrains.Server.dll
    fi
}

# --- commands ----------------------------------------------------------------------------------------------------

cmd_start() {
    local n=3 build=yes arg i file port
    for arg in "$@"; do
        case "$arg" in
            --no-build) build=no ;;
            *[!0-9]* | '') die "unexpected argument '$arg' (usage: start [N] [--no-build])" ;;
            *) n=$arg ;;
        esac
    done
    ((n >= 1 && n <= 9)) || die "N must be 1 to 9 silos"
    [[ $sample_port =~ ^[0-9]+$ ]] || die "SAMPLE_PORT must be a port number"

    command -v dotnet >/dev/null || die "dotnet not found; install the .NET 10 SDK"
    command -v curl >/dev/null || die "curl not found; apt-get install curl"

    for file in "$pids"/*.pid; do
        [[ -e $file ]] || continue
        local base dll
        base=$(basename "$file" .pid)
        dll=$(dll_of "$base")
        if live_pid "$file" "$dll" >/dev/null; then
            die "the local cluster already runs ($base); see 'deploy/local-cluster.sh status', or 'stop' it first"
        fi
        rm -f "$file"
    done

    for ((i = 1; i <= n; i++)); do
        for port in $((5000 + i)) $((11120 + i)) $((30000 + i)); do
            if port_busy "$port"; then
                die "port $port (silo $i) is in use by another program"
            fi
        done
    done
    if port_busy "$sample_port"; then
        die "port $sample_port (sample app) is in use; choose another with SAMPLE_PORT=..."
    fi

    mkdir -p "$logs" "$pids"
    chmod 0755 "$state" "$logs"

    if [[ $build == yes ]]; then
        say "Building (Release)..."
        dotnet build SessionGrains.sln -c Release --nologo
    fi
    [[ -f $server_bin/SessionGrains.Server.dll ]] || die "$server_bin/SessionGrains.Server.dll is missing; run without --no-build"
    [[ -f $sample_bin/SessionGrains.SampleWeb.dll ]] || die "$sample_bin/SessionGrains.SampleWeb.dll is missing; run without --no-build"

    # Database.
    (
        umask 077
        if [[ -n ${SESSIONGRAINS_PG:-} ]]; then
            say "Using the PostgreSQL server of SESSIONGRAINS_PG"
            printf '%s\n' "$SESSIONGRAINS_PG" >"$conn_file"
        fi
    )
    if [[ -z ${SESSIONGRAINS_PG:-} ]]; then
        (umask 077 && start_throwaway_pg)
    fi
    conn=$(<"$conn_file")

    # One admin key for every silo.
    if [[ ! -s $key_file ]]; then
        (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$key_file")
        chmod 0600 "$key_file"
        say "Generated an admin key in $key_file"
    fi
    key=$(<"$key_file")

    # Silo 1 first: it applies the schema and founds the cluster; the others join it.
    start_silo 1
    wait_for_url "http://127.0.0.1:5001/healthz" yes "$pids/silo-1.pid" SessionGrains.Server.dll "$logs/silo-1.log" "silo 1"
    for ((i = 2; i <= n; i++)); do
        start_silo "$i"
    done
    for ((i = 2; i <= n; i++)); do
        wait_for_url "http://127.0.0.1:$((5000 + i))/healthz" yes "$pids/silo-$i.pid" SessionGrains.Server.dll "$logs/silo-$i.log" "silo $i"
    done

    # The sample app may only do what the site's key allows: issue one for demo with the admin key.
    site_key=$(curl -sf -X POST -H "Authorization: Bearer $key" http://127.0.0.1:5001/api/sites/demo/keys |
        sed -n 's/.*"key":"\([^"]*\)".*/\1/p')
    [[ -n $site_key ]] || die "could not issue a key for the site demo (see $logs/silo-1.log)"
    start_sample
    wait_for_url "http://127.0.0.1:$sample_port/Login" no "$pids/sample.pid" SessionGrains.SampleWeb.dll "$logs/sample.log" "the sample app"

    local rel_key=${key_file#"$repo"/}
    say ""
    say "The local cluster runs: $n silo(s)."
    for ((i = 1; i <= n; i++)); do
        say "  silo $i HTTP API:  http://127.0.0.1:$((5000 + i))   (silo port $((11120 + i)), gateway $((30000 + i)))"
    done
    say "  sample app:        http://127.0.0.1:$sample_port   (users alice, bob, carol, dave, erin; password demo)"
    say "  admin key:         $key_file"
    say "  logs:              $logs"
    say "  status / stop:     deploy/local-cluster.sh status | deploy/local-cluster.sh stop"
    say ""
    say "Try (from $repo):"
    say "  curl -H \"Authorization: Bearer \$(cat $rel_key)\" http://127.0.0.1:5001/api/sites"
    say "  curl -X PUT -H \"Authorization: Bearer \$(cat $rel_key)\" -H 'Content-Type: application/json' -d '{\"limit\": 2}' http://127.0.0.1:5001/api/sites/demo"
}

cmd_stop() {
    local file i
    local -a silos=()
    local stopped=no
    if [[ -f $pids/sample.pid ]]; then
        stop_process "$pids/sample.pid" SessionGrains.SampleWeb.dll "the sample app"
        stopped=yes
    fi
    # One silo at a time, newest first: each hands its sessions over to sites on silos that still run.
    for file in "$pids"/silo-*.pid; do
        if [[ -e $file ]]; then
            silos+=("$file")
        fi
    done
    for ((i = ${#silos[@]} - 1; i >= 0; i--)); do
        file=${silos[i]}
        stop_process "$file" SessionGrains.Server.dll "$(basename "$file" .pid)"
        stopped=yes
    done
    if [[ -f $pg_marker ]]; then
        stop_throwaway_pg
        stopped=yes
    fi
    rm -f "$conn_file"
    if [[ $stopped == yes ]]; then
        say "The local cluster is stopped."
    else
        say "Nothing to stop."
    fi
}

cmd_status() {
    local file base dll pid any=no
    for file in "$pids"/*.pid; do
        [[ -e $file ]] || continue
        any=yes
        base=$(basename "$file" .pid)
        dll=$(dll_of "$base")
        if pid=$(live_pid "$file" "$dll"); then
            say "$base: running (pid $pid)"
        else
            say "$base: not running (pid file $file)"
        fi
    done
    [[ $any == yes ]] || say "No process started by this script."

    local bin
    if [[ -f $pg_marker ]]; then
        if bin=$(pg_bin_dir) && pg_running "$bin"; then
            say "PostgreSQL (throwaway): running on 127.0.0.1:$(<"$pg_marker")"
        else
            say "PostgreSQL (throwaway): not running"
        fi
    fi

    [[ -f $conn_file ]] || return 0
    local psql conn conninfo
    psql=$(psql_cmd) || { say "(psql not found: cannot show the membership table)"; return 0; }
    conn=$(<"$conn_file")
    conninfo=$(npgsql_to_conninfo "$conn")
    say ""
    say "Orleans membership (status 3 = active, 6 = dead):"
    PGPASSWORD=$(npgsql_password "$conn") PGCONNECT_TIMEOUT=5 "$psql" "$conninfo" -X -P pager=off -c \
        "SELECT address, port, status, proxyport, iamalivetime FROM orleansmembershiptable ORDER BY iamalivetime DESC" \
        || say "(could not read the membership table)"
}

[[ $# -ge 1 ]] || usage
command=$1
shift
case "$command" in
    start) cmd_start "$@" ;;
    stop) [[ $# -eq 0 ]] || usage; cmd_stop ;;
    status) [[ $# -eq 0 ]] || usage; cmd_status ;;
    -h | --help | help) usage ;;
    *) usage ;;
esac
