# shellcheck shell=bash disable=SC2034  # settings are used by the scripts sourcing this file
# ops/lib.sh — shared settings and helpers for the ops/* scripts.
# Sourced (not executed) by ops/provision, ops/migrate, ops/run, ops/test, ops/stop.
# Everything here is safe to source repeatedly and has no side effects.

# ---------------------------------------------------------------------------
# Project-wide settings (override with the QUEUEFLOW_* environment variables).
# ---------------------------------------------------------------------------
QF_OPS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QF_REPO_ROOT="$(cd "${QF_OPS_DIR}/.." && pwd)"
QF_SCRIPT="${QF_SCRIPT:-$(basename "$0")}"

QF_DATA_DIR="${QUEUEFLOW_DATA_DIR:-/var/lib/queueflow}"

# PostgreSQL
QF_PG_PORT="${QUEUEFLOW_PG_PORT:-55432}"
QF_PG_HOST=127.0.0.1
QF_PG_DATA="${QF_DATA_DIR}/pg"              # PGDATA, owned by postgres, mode 0700
QF_PG_SOCKET_DIR="${QF_DATA_DIR}/pg-run"    # unix socket + lock file
QF_PG_LOG_DIR="${QF_DATA_DIR}/pg-log"
QF_PG_LOG="${QF_PG_LOG_DIR}/postgresql.log"
QF_PG_START_TIMEOUT="${QUEUEFLOW_PG_START_TIMEOUT:-90}"   # seconds
QF_DB_USER=queueflow
QF_DB_PASSWORD=queueflow
QF_DB_NAME=queueflow

# RabbitMQ
# Overridable so a second, throw-away node (ops/chaos) can run beside the shared one without
# ever being confused with it by rabbitmqctl, epmd or the pid file.
QF_RABBIT_NODE="${QUEUEFLOW_RABBIT_NODE:-queueflow@localhost}"
QF_RABBIT_HOST=127.0.0.1
QF_RABBIT_PORT="${QUEUEFLOW_RABBIT_PORT:-5673}"
QF_RABBIT_DIST_PORT="${QUEUEFLOW_RABBIT_DIST_PORT:-25673}"
QF_RABBIT_MGMT_PORT="${QUEUEFLOW_RABBIT_MGMT_PORT:-15673}"
QF_RABBIT_BASE="${QF_DATA_DIR}/rabbitmq"
QF_RABBIT_START_TIMEOUT="${QUEUEFLOW_RABBIT_START_TIMEOUT:-180}"  # seconds
QF_RABBIT_USER=queueflow
QF_RABBIT_PASSWORD=queueflow
QF_RABBIT_VHOST=/
# The tests' own virtual host, so a worker started by ops/run never meets test traffic.
QF_RABBIT_TEST_VHOST="${QUEUEFLOW_TEST_VHOST:-queueflow-test}"
# The bench's own virtual host: its worker and simulated task workers never meet ops/run's (on /).
QF_RABBIT_BENCH_VHOST="${QUEUEFLOW_BENCH_VHOST:-queueflow-bench}"

# Environment for every rabbitmq-server / rabbitmqctl call, so that the CLI
# and the node agree on the node name, files and ports. The node name and
# ports differ from a default Debian node (rabbit@<host>, 5672/25672/15672),
# so both can share the machine's epmd (4369) without clashing.
QF_RABBIT_ENV=(
  "RABBITMQ_NODENAME=${QF_RABBIT_NODE}"
  "RABBITMQ_USE_LONGNAME=false"
  "RABBITMQ_NODE_IP_ADDRESS=${QF_RABBIT_HOST}"
  "RABBITMQ_NODE_PORT=${QF_RABBIT_PORT}"
  "RABBITMQ_DIST_PORT=${QF_RABBIT_DIST_PORT}"
  "RABBITMQ_MNESIA_BASE=${QF_RABBIT_BASE}/mnesia"
  "RABBITMQ_LOG_BASE=${QF_RABBIT_BASE}/log"
  "RABBITMQ_CONFIG_FILE=${QF_RABBIT_BASE}/rabbitmq.conf"
  "RABBITMQ_ADVANCED_CONFIG_FILE=${QF_RABBIT_BASE}/advanced.config"
  "RABBITMQ_ENABLED_PLUGINS_FILE=${QF_RABBIT_BASE}/enabled_plugins"
  "RABBITMQ_CONF_ENV_FILE=${QF_RABBIT_BASE}/rabbitmq-env.conf"
  "RABBITMQ_PID_FILE=${QF_RABBIT_BASE}/queueflow.pid"
  # Erlang distribution listener on loopback only.
  "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
  # Only used if this node is the one that starts epmd.
  "ERL_EPMD_ADDRESS=127.0.0.1"
)

# ---------------------------------------------------------------------------
# Logging
# ---------------------------------------------------------------------------
log()  { printf '[%s] %s\n' "${QF_SCRIPT}" "$*" >&2; }
warn() { printf '[%s] WARNING: %s\n' "${QF_SCRIPT}" "$*" >&2; }
die()  { printf '[%s] ERROR: %s\n' "${QF_SCRIPT}" "$*" >&2; exit 1; }

# ---------------------------------------------------------------------------
# Privileges: the scripts run as root or as a normal user with sudo.
# ---------------------------------------------------------------------------
as_root() {
  if [[ ${EUID} -eq 0 ]]; then
    "$@"
  else
    command -v sudo >/dev/null 2>&1 || die "need root privileges for: $* (install sudo or run as root)"
    sudo "$@"
  fi
}

# Run a command as OS user $1 (cwd /, so the target user never trips over an
# unreadable working directory).
as_user() {
  local user="$1"; shift
  if [[ "$(id -un)" == "${user}" ]]; then
    (cd / && "$@")
  elif [[ ${EUID} -eq 0 ]]; then
    (cd / && runuser -u "${user}" -- "$@")
  else
    command -v sudo >/dev/null 2>&1 || die "need sudo to run as ${user}: $*"
    (cd / && sudo -u "${user}" -- "$@")
  fi
}

as_postgres() { as_user postgres "$@"; }

# Install stdin as file $1 with owner $2, group $3, mode $4 (via root), but
# only if the content differs. Sets QF_CHANGED=1 if the file was (re)written,
# QF_CHANGED=0 if it was already up to date.
QF_CHANGED=0
install_if_changed() {
  local dest="$1" owner="$2" group="$3" mode="$4" tmp
  tmp="$(mktemp)"
  cat >"${tmp}"
  if as_root test -f "${dest}" && as_root cmp -s "${tmp}" "${dest}"; then
    QF_CHANGED=0
  else
    as_root install -o "${owner}" -g "${group}" -m "${mode}" "${tmp}" "${dest}"
    QF_CHANGED=1
  fi
  rm -f "${tmp}"
}

# ---------------------------------------------------------------------------
# Waiting / probing
# ---------------------------------------------------------------------------
# wait_until TIMEOUT_SECONDS DESCRIPTION CMD... — poll CMD (every 0.5s) until
# it succeeds or the timeout elapses.
wait_until() {
  local timeout="$1" what="$2"; shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      warn "timed out after ${timeout}s waiting for ${what}"
      return 1
    fi
    sleep 0.5
  done
}

# tcp_open HOST PORT — something accepts TCP connections there.
tcp_open() {
  # shellcheck disable=SC2016  # $1/$2 expand in the child bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# amqp_ok HOST PORT — an AMQP 0-9-1 broker answers the protocol header with a
# method frame (Connection.Start, frame type 1).
amqp_ok() {
  local first
  # shellcheck disable=SC2016  # $1/$2 expand in the child bash
  first="$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "AMQP\x00\x00\x09\x01" >&3 && head -c 1 <&3' \
    _ "$1" "$2" 2>/dev/null | od -An -tx1 | tr -d ' \n')" || return 1
  [[ "${first}" == 01 ]]
}

# ---------------------------------------------------------------------------
# PostgreSQL helpers
# ---------------------------------------------------------------------------
# Sets QF_PG_BIN to the directory holding initdb/pg_ctl/postgres, or returns 1.
find_pg_bin() {
  local initdb_path dir
  if initdb_path="$(command -v initdb 2>/dev/null)"; then
    dir="$(dirname "$(readlink -f "${initdb_path}")")"
    if [[ -x "${dir}/pg_ctl" && -x "${dir}/postgres" ]]; then
      QF_PG_BIN="${dir}"; return 0
    fi
  fi
  dir="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  if [[ -n "${dir}" && -x "${dir}/initdb" && -x "${dir}/pg_ctl" && -x "${dir}/postgres" ]]; then
    QF_PG_BIN="${dir}"; return 0
  fi
  return 1
}

# psql binary matching the server if available (avoids Debian's pg_wrapper).
pg_psql_bin() {
  if [[ -n "${QF_PG_BIN:-}" && -x "${QF_PG_BIN}/psql" ]]; then
    echo "${QF_PG_BIN}/psql"
  else
    command -v psql || die "psql not found (apt-get install postgresql-client)"
  fi
}

pg_is_running() {
  [[ -n "${QF_PG_BIN:-}" ]] || return 1
  as_root test -f "${QF_PG_DATA}/PG_VERSION" || return 1
  as_postgres "${QF_PG_BIN}/pg_ctl" -D "${QF_PG_DATA}" status >/dev/null 2>&1
}

# Superuser psql over the project's unix socket (peer auth as OS user postgres).
pg_admin_psql() {
  as_postgres "$(pg_psql_bin)" -X -q -v ON_ERROR_STOP=1 \
    -h "${QF_PG_SOCKET_DIR}" -p "${QF_PG_PORT}" -U postgres -d postgres "$@"
}

# Application-role login over TCP, as the app does it.
pg_app_login_ok() {
  local db="${1:-${QF_DB_NAME}}"
  PGPASSWORD="${QF_DB_PASSWORD}" PGCONNECT_TIMEOUT=5 "$(pg_psql_bin)" -X -q -At \
    "host=${QF_PG_HOST} port=${QF_PG_PORT} user=${QF_DB_USER} dbname=${db}" \
    -c 'select 1' 2>/dev/null | grep -qx 1
}

# ---------------------------------------------------------------------------
# RabbitMQ helpers
# ---------------------------------------------------------------------------
rabbit_bin() {
  local name="$1"
  if command -v "${name}" >/dev/null 2>&1; then
    command -v "${name}"
  elif [[ -x "/usr/sbin/${name}" ]]; then
    echo "/usr/sbin/${name}"
  else
    return 1
  fi
}

rabbit_installed() { rabbit_bin rabbitmq-server >/dev/null && rabbit_bin rabbitmqctl >/dev/null; }

# rabbitmqctl against the project node. The Debian wrapper switches to the
# rabbitmq user (and its Erlang cookie) when started as root, so go via root.
# Every call is bounded by QF_CTL_TIMEOUT seconds (default 60).
rabbitmqctl_qf() {
  as_root timeout "${QF_CTL_TIMEOUT:-60}" env "${QF_RABBIT_ENV[@]}" \
    "$(rabbit_bin rabbitmqctl)" -n "${QF_RABBIT_NODE}" "$@"
}

# Is a node called "queueflow" registered with the local epmd? (cheap check,
# no Erlang VM boot)
rabbit_registered() {
  command -v epmd >/dev/null 2>&1 || return 1
  epmd -names 2>/dev/null | grep -q "^name ${QF_RABBIT_NODE%@*} at port "
}

# Management API call with the project user: mgmt_api PATH
mgmt_api() {
  curl -fsS --max-time 5 -u "${QF_RABBIT_USER}:${QF_RABBIT_PASSWORD}" \
    "http://${QF_RABBIT_HOST}:${QF_RABBIT_MGMT_PORT}/api/$1"
}

# ---------------------------------------------------------------------------
# Misc
# ---------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT="${DOTNET_CLI_TELEMETRY_OPTOUT:-1}"
export DOTNET_NOLOGO="${DOTNET_NOLOGO:-1}"
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE="${DOTNET_SKIP_FIRST_TIME_EXPERIENCE:-1}"

require_dotnet() {
  command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK"
}

# Print a connection string with the password masked.
redact() { sed -E 's/(Password|Pwd)=[^;]*/\1=***/Ig' <<<"$1"; }

# trx_summary DIR — sum the <Counters> of every *.trx file under DIR and print
# "PASSED FAILED SKIPPED FILES". Failed includes error/timeout/aborted; skipped
# is whatever else was discovered but did not pass or fail (VSTest reports
# skipped tests only as total - executed, not in notExecuted).
trx_summary() {
  local dir="$1" passed=0 failed=0 skipped=0 files=0 file counters attr value
  local -A c
  while IFS= read -r -d '' file; do
    counters="$(tr '\r\n' '  ' <"${file}" | grep -o '<Counters [^>]*>' | head -n 1 || true)"
    [[ -n "${counters}" ]] || { warn "no <Counters> in ${file}"; continue; }
    files=$((files + 1))
    for attr in total passed failed error timeout aborted; do
      value="$(grep -o " ${attr}=\"[0-9]*\"" <<<"${counters}" | grep -o '[0-9][0-9]*' || true)"
      c[${attr}]="${value:-0}"
    done
    local f=$((c[failed] + c[error] + c[timeout] + c[aborted]))
    local s=$((c[total] - c[passed] - f))
    ((s < 0)) && s=0
    passed=$((passed + c[passed]))
    failed=$((failed + f))
    skipped=$((skipped + s))
  done < <(find "${dir}" -type f -name '*.trx' -print0 2>/dev/null)
  echo "${passed} ${failed} ${skipped} ${files}"
}
