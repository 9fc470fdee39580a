# The targets of bench/peers/run: how each is installed, started and stopped. Sourced by the run
# script after bench/lib.sh, with `work` (a temporary directory), `cache` (the npm install
# cache) and `runnel` (the binary) set.
#
# Each `start_<target>` starts one server on a free loopback port and sets:
#   target_pid      the process to measure (with its descendants) and to stop
#   target_url      where the benchmark POST goes
#   target_log      the server's output, shown when it fails
#   target_version  what the table prints in the version column
#   target_ready_s  how long it may take until it answers the POST (n8n needs 20-60 s)
# and returns non-zero with a message on stderr when it cannot.

target_names=(nginx runnel-stateless runnel-stateful node-red n8n n8n-nosave)
declare -A target_label=(
  [nginx]="nginx return 200"
  [runnel-stateless]="Runnel Stateless"
  [runnel-stateful]="Runnel Stateful"
  [node-red]="Node-RED"
  [n8n]="n8n, saving on (default)"
  [n8n-nosave]="n8n, saving off"
)

# --- Installing the peers from npm -------------------------------------------------------------

# Installs the newest release of `pkg` whose engines.node accepts this Node.js into
# cache/<pkg>-<version> (once: a finished install is marked and reused) and sets peer_dir and
# peer_version. `pin` (a version) skips the choice. Offline, the newest finished install in the
# cache is used.
install_peer() {  # pkg pin
  local pkg="$1" pin="$2" manifests version dir
  if [[ -n "$pin" ]]; then
    [[ "$pin" =~ ^[0-9A-Za-z.+-]+$ ]] || { echo "'$pin' is not a version of $pkg (e.g. 1.2.3)" >&2; return 1; }
    version="$pin"
  elif manifests="$(npm view "$pkg@>=0.0.0" version engines deprecated --json 2>"$work/npm-view.log")"; then
    version="$(node bench/peers/pick-version.js "$(command -v npm)" <<<"$manifests")"
    [[ -n "$version" ]] ||
      { echo "no release of $pkg declares engines.node accepting Node.js $(node --version)" >&2; return 1; }
  else
    version="$(cd "$cache" 2>/dev/null && ls -d "$pkg"-*/.installed 2>/dev/null | sed "s|^$pkg-||; s|/.installed$||" | sort -V | tail -n 1)"
    [[ -n "$version" ]] ||
      { echo "cannot ask npm for $pkg's releases and none is cached:" >&2; cat "$work/npm-view.log" >&2; return 1; }
    echo "npm cannot be reached; using the cached $pkg $version" >&2
  fi
  dir="$cache/$pkg-$version"
  if [[ ! -f "$dir/.installed" ]]; then
    echo "installing $pkg $version into $dir (several minutes the first time: n8n is ~2 GB)" >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    # n8n's spreadsheet nodes take xlsx from cdn.sheetjs.com, outside the npm registry; the
    # registry's last release of it keeps the install to one source. The flow does not use it.
    local overrides='{}'
    [[ "$pkg" == n8n ]] && overrides='{"xlsx": "0.18.5"}'
    printf '{"private": true, "dependencies": {"%s": "%s"}, "overrides": %s}\n' \
      "$pkg" "$version" "$overrides" >"$dir/package.json"
    # In the background so that the run script's exit trap can end it (install_pid).
    (cd "$dir" && exec npm install --no-audit --no-fund --loglevel=error) >"$work/npm-install.log" 2>&1 &
    install_pid=$!
    if ! wait "$install_pid"; then
      install_pid=""
      echo "npm install of $pkg $version failed:" >&2
      tail -n 20 "$work/npm-install.log" >&2
      return 1
    fi
    install_pid=""
    touch "$dir/.installed"
  fi
  peer_dir="$(cd "$dir" && pwd)"
  peer_version="$(node -p "require('$peer_dir/node_modules/$pkg/package.json').version")"
}

# --- nginx and Runnel --------------------------------------------------------------------------

start_nginx() {
  local port
  port="$(bench_free_port)"
  bench_write_nginx_conf "$work/nginx" "$port"
  target_log="$work/nginx/error.log"
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>"$work/nginx/stderr.log" &
  target_pid=$!
  target_url="http://127.0.0.1:$port/"
  target_version="$(nginx -v 2>&1 | sed 's|.*nginx/|nginx |')"
  target_ready_s=30
}

start_runnel() {  # flow_file
  local port flow name
  flow="$1"
  name="$(basename "$flow" .json)"
  port="$(bench_free_port)"
  rm -rf "$work/runnel"
  mkdir -p "$work/runnel/flows"
  cp "$flow" "$work/runnel/flows/"
  target_log="$work/runnel/server.log"
  "$runnel" serve --listen "127.0.0.1:$port" --data "$work/runnel/data" \
    --flows "$work/runnel/flows" --token bench 2>"$target_log" &
  target_pid=$!
  bench_wait_ready 60 "$target_pid" "" GET "http://127.0.0.1:$port/healthz" || return 1
  target_url="$(curl -s -X POST -H "Authorization: Bearer bench" \
    "http://127.0.0.1:$port/management/flows/$name/triggers/manual/listCallbackUrl" | jq -r .value)"
  [[ "$target_url" == http* ]] || { echo "no callback URL for flow '$name'" >&2; return 1; }
  target_version="$runnel_version"
  target_ready_s=30
}

start_runnel-stateless() { start_runnel bench/http/flows/order.json; }
start_runnel-stateful() { start_runnel bench/http/flows/order-stateful.json; }

# --- Node-RED ----------------------------------------------------------------------------------

start_node-red() {
  local port home="$work/node-red"
  port="$(bench_free_port)"
  rm -rf "$home"
  mkdir -p "$home"
  # A copy: Node-RED may write next to its flow file, and the checked-in one stays as it is.
  cp bench/peers/node-red/flows.json "$home/flows.json"
  target_log="$home/server.log"
  node "$node_red_dir/node_modules/node-red/red.js" --userDir "$home" \
    --settings "$PWD/bench/peers/node-red/settings.js" --port "$port" "$home/flows.json" \
    >"$target_log" 2>&1 &
  target_pid=$!
  target_url="http://127.0.0.1:$port/order"
  target_version="node-red $node_red_version"
  target_ready_s=60
}

# --- n8n ---------------------------------------------------------------------------------------

# The environment of every n8n command: its own user folder (SQLite database, settings, keys),
# loopback only, nothing sent home, task-runner broker on a free port so parallel runs don't clash.
n8n_env() {  # user_folder port -> prints NAME=value lines
  cat <<EOF
N8N_USER_FOLDER=$1
N8N_PORT=$2
N8N_LISTEN_ADDRESS=127.0.0.1
N8N_HOST=127.0.0.1
N8N_RUNNERS_BROKER_LISTEN_ADDRESS=127.0.0.1
N8N_RUNNERS_BROKER_PORT=$(bench_free_port)
N8N_DIAGNOSTICS_ENABLED=false
N8N_VERSION_NOTIFICATIONS_ENABLED=false
N8N_TEMPLATES_ENABLED=false
N8N_DYNAMIC_BANNERS_ENABLED=false
N8N_PERSONALIZATION_ENABLED=false
N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS=true
N8N_LOG_LEVEL=warn
EOF
}

# Imports bench/peers/n8n/order.json into a fresh user folder and activates it with n8n's own
# CLI, once per script run; each n8n target starts from a copy of that folder, so the
# second measurement does not inherit the executions the first one saved.
prepare_n8n_home() {
  local home="$work/n8n-template" cli="$n8n_dir/node_modules/n8n/bin/n8n" env_lines
  local activate=(publish:workflow --id=RunnelBenchOrder)
  [[ -f "$home/.prepared" ]] && return 0
  # n8n 2.x publishes a workflow version; 1.x (older Node.js) only has update:workflow.
  [[ -f "$n8n_dir/node_modules/n8n/dist/commands/publish/workflow.js" ]] ||
    activate=(update:workflow --id=RunnelBenchOrder --active=true)
  mkdir -p "$home"
  mapfile -t env_lines < <(n8n_env "$home" "$(bench_free_port)")
  echo "n8n: importing and activating the workflow (database migrations take a while)" >&2
  if ! env "${env_lines[@]}" timeout 600 node "$cli" import:workflow --input="$PWD/bench/peers/n8n/order.json" \
      >"$work/n8n-import.log" 2>&1 ||
     ! env "${env_lines[@]}" timeout 600 node "$cli" "${activate[@]}" \
      >>"$work/n8n-import.log" 2>&1; then
    echo "n8n could not import or activate bench/peers/n8n/order.json:" >&2
    tail -n 20 "$work/n8n-import.log" >&2
    return 1
  fi
  touch "$home/.prepared"
}

start_n8n_with() {  # home_name extra_env...
  local home="$work/$1" port env_lines
  shift
  prepare_n8n_home || return 1
  rm -rf "$home"
  cp -a "$work/n8n-template" "$home"
  port="$(bench_free_port)"
  mapfile -t env_lines < <(n8n_env "$home" "$port")
  target_log="$home/server.log"
  env "${env_lines[@]}" "$@" node "$n8n_dir/node_modules/n8n/bin/n8n" start >"$target_log" 2>&1 &
  target_pid=$!
  target_url="http://127.0.0.1:$port/webhook/order"
  target_version="n8n $n8n_version"
  target_ready_s="${PEERS_START_TIMEOUT:-240}"
}

# Default execution saving: every execution, successful or not, is written to the database.
start_n8n() { start_n8n_with n8n-saving; }

# Saving off: n8n's settings for not storing execution data at all.
start_n8n-nosave() {
  start_n8n_with n8n-nosave EXECUTIONS_DATA_SAVE_ON_SUCCESS=none EXECUTIONS_DATA_SAVE_ON_ERROR=none \
    EXECUTIONS_DATA_SAVE_ON_PROGRESS=false EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS=false
}
