# Shell functions shared by the benchmark scripts (bench/http/run, bench/peers/run, ...). Sourced,
# not run: set `bench_name` to the calling script's name first; errors are printed under that name.
#
# What lives here is what both scripts must do the same way for their numbers to be comparable:
# the request and its expected answer, the wrk script, the nginx reference, reading wrk's
# output, and measuring a target's whole process tree (nginx and n8n run several processes).

# The benchmark flow's request and answer (issue 4): POST an order, answer four derived fields.
BENCH_ORDER_BODY='{"orderId":42,"customer":"contoso ltd","items":[{"sku":"A-1","qty":2,"price":9.5},{"sku":"B-7","qty":1,"price":20},{"sku":"C-3","qty":5,"price":1.25}]}'
BENCH_ORDER_ANSWER='{"id":42,"customer":"CONTOSO LTD","count":3,"firstSku":"A-1"}'

bench_die() {  # message...
  echo "${bench_name:-bench}: $*" >&2
  exit 1
}

bench_require_tools() {  # tool... -> exit 2 naming the first one missing
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null ||
      { echo "${bench_name:-bench}: '$tool' is missing; run scripts/setup --bench" >&2; exit 2; }
  done
}

bench_free_port() {  # -> a loopback TCP port nothing listens on right now
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

bench_write_wrk_script() {  # file -> a wrk Lua script POSTing the order body as JSON
  cat >"$1" <<EOF
wrk.method = "POST"
wrk.body = '$BENCH_ORDER_BODY'
wrk.headers["Content-Type"] = "application/json"
EOF
}

bench_write_nginx_conf() {  # dir port -> dir/nginx.conf: return 200 with the expected answer
  local dir="$1" port="$2"
  mkdir -p "$dir"
  cat >"$dir/nginx.conf" <<EOF
worker_processes auto;
pid $dir/nginx.pid;
error_log $dir/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path $dir;
  proxy_temp_path $dir;
  fastcgi_temp_path $dir;
  uwsgi_temp_path $dir;
  scgi_temp_path $dir;
  server {
    listen 127.0.0.1:$port;
    location / { default_type application/json; return 200 '$BENCH_ORDER_ANSWER'; }
  }
}
EOF
}

bench_same_json() {  # a b -> status 0 when both parse as JSON and are equal (key order ignored)
  local a b
  a="$(jq -cS . <<<"$1" 2>/dev/null)" || return 1
  b="$(jq -cS . <<<"$2" 2>/dev/null)" || return 1
  [[ -n "$a" && "$a" == "$b" ]]
}

bench_http_status() {  # method url [body] -> the HTTP status, or 000 when nothing answered
  local args=(-s -o /dev/null -w '%{http_code}' --max-time 10 -X "$1")
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' --data-binary "$3")
  curl "${args[@]}" "$2" || true
}

# Waits until `method url [body]` gets an answer whose status is not in `not_ready` (a
# space-separated list; 000 = no connection is always "not ready"). Fails when the deadline
# passes or the process `pid` exits. Polls every 0.1 s: a condition with a deadline, not a sleep.
bench_wait_ready() {  # deadline_s pid "not_ready" method url [body]
  local seconds="$1" pid="$2" not_ready=" 000 $3 " status
  local deadline=$((SECONDS + seconds))
  shift 3
  while ((SECONDS < deadline)); do
    bench_alive "$pid" || { echo "the process exited before answering $2" >&2; return 1; }
    status="$(bench_http_status "$@")"
    [[ "$not_ready" == *" $status "* ]] || return 0
    sleep 0.1
  done
  echo "$1 $2 got no answer other than${not_ready%% } within ${seconds}s" >&2
  return 1
}

# Posts `body` to `url` until the answer is `expected` (compared as JSON) and the status is 2xx.
# Servers that are still starting refuse the connection, answer 404 (n8n before it has
# activated the workflow) or even 200 with a "please wait" text (n8n while migrating), so the
# right answer is the only sign of readiness. On failure (a wrong JSON answer, deadline passed,
# process exited) prints what happened last and returns 1. Polls every 0.2 s: a condition with a
# deadline.
bench_wait_answer() {  # deadline_s pid url body expected
  local seconds="$1" pid="$2" url="$3" body="$4" expected="$5" got="" status
  local deadline=$((SECONDS + seconds))
  while ((SECONDS < deadline)); do
    bench_alive "$pid" || { echo "the process exited; last answer: ${got:-none}"; return 1; }
    got="$(curl -s --max-time 10 -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' \
      --data-binary "$body" "$url" || true)"
    status="${got##*$'\n'}"
    got="${got%$'\n'*}"
    [[ "$status" == 2* ]] && bench_same_json "$got" "$expected" && return 0
    # A 2xx JSON answer comes from the flow itself: a wrong one will not become right.
    if [[ "$status" == 2* ]] && jq -e . >/dev/null 2>&1 <<<"$got"; then
      echo "wrong answer: HTTP $status '${got:0:300}'"
      return 1
    fi
    got="HTTP $status '${got:0:300}'"
    sleep 0.2
  done
  echo "no right answer within ${seconds}s; last answer: $got"
  return 1
}

bench_alive() {  # pid... -> status 0 when one of them runs (an exited child not yet waited for,
  # a zombie, does not count: kill -0 would still succeed on it)
  local pids
  pids="$(echo "$@" | tr ' ' ,)"
  [[ -n "$pids" ]] && ps -o stat= -p "$pids" 2>/dev/null | grep -qv '^Z'
}

bench_tree_pids() {  # pid -> pid and all its descendants, one per line
  ps -e -o pid=,ppid= | awk -v root="$1" '
    { parent[$1] = $2; pids[NR] = $1 }
    END {
      keep[root] = 1; print root
      for (changed = 1; changed;) {
        changed = 0
        for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; print p; changed = 1 } }
      }
    }'
}

bench_tree_rss_kb() {  # pid -> resident memory of the process and its descendants, KiB
  local pids
  pids="$(bench_tree_pids "$1" | paste -sd, -)"
  ps -o rss= -p "$pids" 2>/dev/null | awk '{s += $1} END {print s + 0}'
}

# CPU time of the tree in clock ticks: user + system of each live process, plus what each has
# collected from children that already exited (cutime + cstime), so short-lived children count.
bench_tree_cpu_ticks() {  # pid -> ticks
  local pid total=0 t
  for pid in $(bench_tree_pids "$1"); do
    # Fields after the command name, which is in parentheses and may hold spaces: utime is the
    # 12th, stime, cutime and cstime follow.
    t="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | awk '{print $12 + $13 + $14 + $15}')" || continue
    total=$((total + ${t:-0}))
  done
  echo "$total"
}

# Samples the tree's RSS every 0.2 s and keeps the highest value seen in `file`, until killed.
bench_sample_peak_rss() {  # pid file
  local peak=0 rss
  while bench_alive "$1"; do
    rss="$(bench_tree_rss_kb "$1")"
    ((rss > peak)) && { peak=$rss; echo "$peak" >"$2"; }
    sleep 0.2
  done
}

# Ends a process started by the calling script and everything it started: SIGTERM to the tree,
# then SIGKILL to what is left after `grace_s`.
bench_stop_tree() {  # pid grace_s
  local pids deadline=$((SECONDS + $2))
  pids="$(bench_tree_pids "$1")"
  kill $pids 2>/dev/null || true
  while ((SECONDS < deadline)); do
    bench_alive $pids || break
    sleep 0.1
  done
  kill -9 $pids 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# Reads wrk's --latency output and prints "req/s <TAB> p50 ms <TAB> p99 ms <TAB> errors", where
# errors are non-2xx/3xx answers plus socket errors (connect, read, write, timeout).
bench_wrk_fields() {  # wrk_output
  python3 - "$1" <<'EOF'
import re, sys
out = sys.argv[1]
def fail():
    sys.exit("cannot read wrk output:\n" + out)
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", v)
    if not m: fail()
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[m.group(2)]
rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
if not (rps and p50 and p99): fail()
non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = (int(non2xx.group(1)) if non2xx else 0) + (sum(int(x) for x in sock.groups()) if sock else 0)
print(f"{float(rps.group(1))}\t{ms(p50.group(1))}\t{ms(p99.group(1))}\t{errors}")
EOF
}
