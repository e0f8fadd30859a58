#!/usr/bin/env bash
# The benchmark: this session server against a reference Node socket.io 4.x server, same load generator, same run.
#
#   compat-tests/bench/run.sh [--connections 10000] [--runs 3] [--workers 2] [--no-cluster] [--out DIR]
#                             [--quick] [--only ours|node] [--single-only] [--topics-only] [--scale-only]
#                             [--redis-cluster]
#                             [--scale-nodes "1 2 4"] [--client socket.io|raw|raw,socket.io]
#                             [-- extra loadgen.mjs options]
#
# --client: the generator's client: socket.io (socket.io-client, the default) or raw (Engine.IO/Socket.IO frames over
# `ws`); a list runs each of them in every run (results are labelled with it, and the report prints a table each).
# --redis-cluster: the routed-delivery scenario (scale) runs over a Redis Cluster of 3 masters instead of one Redis;
# --scale-nodes "1 2 4": its counts of active nodes.
#
# BENCH_JAVA_OPTS replaces the JVM flags (default -XX:+UseParallelGC -Xmn32m -XX:PerfDataSamplingInterval=1000, as shipped), e.g. to add a JFR recording.
# BENCH_GEN_NICE=N runs the generator at nice N (the servers' CPU first: shows whether a figure is the generator's).
# Expects `mvn -q -DskipTests package` done (it builds nothing); installs this folder's npm packages if missing.
# Everything runs on 127.0.0.1; it stops by itself and kills what it started. See README.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
CONNECTIONS=10000
RUNS=3
WORKERS=2
CLUSTER=1
SINGLE=1
TOPICS=1
SCALE=1
SCALE_CLUSTER=0
SCALE_NODES="1 2 4"
OUT=""
ONLY=""
EXTRA=()
CLIENTS="socket.io"
while [ $# -gt 0 ]; do
  case "$1" in
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --workers) WORKERS="$2"; shift 2 ;;
    --no-cluster) CLUSTER=0; shift ;;
    --single-only) SINGLE=1; CLUSTER=0; TOPICS=0; SCALE=0; shift ;;
    --topics-only) SINGLE=0; CLUSTER=0; TOPICS=1; SCALE=0; shift ;;
    --scale-only) SINGLE=0; CLUSTER=0; TOPICS=0; SCALE=1; shift ;;
    --redis-cluster) SCALE_CLUSTER=1; shift ;;
    --scale-nodes) SCALE_NODES="$2"; shift 2 ;;
    --client) CLIENTS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --only) ONLY="$2"; shift 2 ;;
    --quick) CONNECTIONS=500; RUNS=1; EXTRA+=(--warmup 200 --warmup-messages 1000 --warmup-ack-seconds 2 --ack-seconds 3 --idle-seconds 3 --broadcast-messages 5 --latency-messages 10 --overload-rate 400 --overload-seconds 2); shift ;;
    --) shift
        # `-- --client X` is taken as run.sh's own --client (the result files are named after it)
        while [ $# -gt 0 ]; do
          if [ "$1" = --client ] && [ $# -gt 1 ]; then CLIENTS="$2"; shift 2; else EXTRA+=("$1"); shift; fi
        done
        break ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

JAR_SRC="$ROOT/server/target/session-server.jar"
if [ ! -f "$JAR_SRC" ]; then
  echo "run.sh: $JAR_SRC is missing: build first with 'mvn -q -DskipTests package' at $ROOT" >&2
  exit 2
fi
for tool in java jcmd node redis-server redis-cli curl getconf timeout; do
  command -v "$tool" >/dev/null || { echo "run.sh: $tool is required" >&2; exit 2; }
done
if [ ! -d "$HERE/node_modules/socket.io" ] || [ ! -d "$HERE/node_modules/@socket.io/redis-adapter" ]; then
  echo "run.sh: installing the bench's npm packages (npm ci)" >&2
  (cd "$HERE" && npm ci --no-audit --no-fund >&2)
fi

# One process holds every connection of a server (and a generator worker its share): raise the fd limit.
HARD=$(ulimit -Hn)
if [ "$HARD" != "unlimited" ] && [ "$HARD" -lt $((CONNECTIONS + 2000)) ]; then
  echo "run.sh: the hard fd limit ($HARD) is below connections + 2000; lower --connections or raise it" >&2
  exit 2
fi
ulimit -n "$HARD"

JAVA_OPTS="${BENCH_JAVA_OPTS:--XX:+UseParallelGC -Xmn32m -XX:PerfDataSamplingInterval=1000}"
ENGINE_KEY="bench-engine-key-$$-0123456789"
CLK_TCK="$(getconf CLK_TCK)"
WORK="$(mktemp -d /tmp/session-bench.XXXXXX)"
[ -n "$OUT" ] || OUT="$WORK/results"
mkdir -p "$OUT"
# our own copy of the jar: other builds may replace server/target while we run
cp "$JAR_SRC" "$WORK/session-server.jar"

STARTED=()
cleanup() {
  local pid
  for pid in "${STARTED[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${STARTED[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$WORK/session-server.jar"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}
wait_ready() { # port pid
  for _ in $(seq 600); do
    if ! kill -0 "$2" 2>/dev/null; then echo "run.sh: the server on port $1 died; its log is in $WORK" >&2; exit 1; fi
    curl -fs -o /dev/null "http://127.0.0.1:$1/health" && return 0
    sleep 0.1
  done
  echo "run.sh: the server on port $1 did not come up in 60 s" >&2
  exit 1
}
stop() { # pid
  kill "$1" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
}

# start_server ours|node PORT LOG [VAR=value...]: sets SERVER_PID
start_server() {
  local which="$1" port="$2" logf="$3"; shift 3
  if [ "$which" = ours ]; then
    # no echo engine (the reference has none): ENGINE=discard alone, ENGINE=none over Redis; the group scenarios put every connection in one participant
    local engine=discard; case " $* " in *" REDIS_URL="*) engine=none;; esac
    env PORT="$port" ENGINE_KEY="$ENGINE_KEY" ENGINE=$engine MAX_CONNECTIONS_PER_PARTICIPANT=1000000 "$@" \
      java $JAVA_OPTS -jar "$WORK/session-server.jar" >"$logf" 2>&1 &
  else
    (cd "$HERE" && exec env PORT="$port" ENGINE_KEY="$ENGINE_KEY" "$@" node --expose-gc reference-server.mjs) >"$logf" 2>&1 &
  fi
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  wait_ready "$port" "$SERVER_PID"
}

loadgen() { # label kind mode nodes outfile [extra...]: with the client $CLIENT, into outfile-$CLIENT.json
  local label="$1" kind="$2" mode="$3" nodes="$4" outfile="$5"; shift 5
  timeout 900 ${BENCH_GEN_NICE:+nice -n "$BENCH_GEN_NICE"} node "$HERE/loadgen.mjs" --label "$label" --kind "$kind" --mode "$mode" --nodes "$nodes" \
    --engine-key "$ENGINE_KEY" --connections "$CONNECTIONS" --workers "$WORKERS" --clk-tck "$CLK_TCK" --client "$CLIENT" \
    "$@" ${EXTRA[@]+"${EXTRA[@]}"} >"${outfile%.json}-$CLIENT.json" 2>>"$WORK/loadgen.log"
}

kind_of() { [ "$1" = ours ] && echo java || echo node; }

REDIS_PID=""
REDIS_PORT=""
SCALE_CONNECTIONS=2000
if [ "$CLUSTER" = 1 ] || [ "$SCALE" = 1 ]; then
  REDIS_PORT="$(free_port)"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --maxclients 1000 \
    >"$WORK/redis.log" 2>&1 &
  REDIS_PID=$!
  STARTED+=("$REDIS_PID")
  for _ in $(seq 100); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

# The scale scenario's Redis: the one above, or with --redis-cluster a cluster of 3 masters (no replicas)
SCALE_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
SCALE_REDIS_ENV=()
SCALE_REDIS_PIDS="$REDIS_PID"
SCALE_REDIS_PORTS="$REDIS_PORT"
SCALE_DEPLOYMENT=standalone
if [ "$SCALE" = 1 ] && [ "$SCALE_CLUSTER" = 1 ]; then
  SCALE_REDIS_URL=""; SCALE_REDIS_PIDS=""; SCALE_REDIS_PORTS=""
  for i in 1 2 3; do
    p="$(free_port)"
    (cd "$WORK" && exec redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no --maxclients 1000 \
      --cluster-enabled yes --cluster-config-file "nodes-$p.conf") >"$WORK/redis-cluster-$p.log" 2>&1 &
    STARTED+=("$!")
    SCALE_REDIS_PIDS="$SCALE_REDIS_PIDS${SCALE_REDIS_PIDS:+,}$!"
    SCALE_REDIS_PORTS="$SCALE_REDIS_PORTS $p"
    SCALE_REDIS_URL="$SCALE_REDIS_URL${SCALE_REDIS_URL:+,}redis://127.0.0.1:$p"
    for _ in $(seq 100); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
  done
  # shellcheck disable=SC2086
  redis-cli --cluster create $(for p in $SCALE_REDIS_PORTS; do echo "127.0.0.1:$p"; done) --cluster-replicas 0 \
    --cluster-yes >"$WORK/redis-cluster-create.log" 2>&1
  for p in $SCALE_REDIS_PORTS; do
    for _ in $(seq 100); do redis-cli -p "$p" cluster info | grep -q 'cluster_state:ok' && break; sleep 0.1; done
  done
  SCALE_REDIS_ENV=(REDIS_CLUSTER=true)
  SCALE_DEPLOYMENT=cluster
fi

one_server() { # who mode title: a fresh server, the generator's mode against it, the server stopped
  local who="$1" mode="$2"
  echo "bench: run $run/$RUNS, $who, $3, client $CLIENT (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  local port
  port="$(free_port)"
  start_server "$who" "$port" "$WORK/$who-$mode-$run-$CLIENT.log"
  loadgen "$who" "$(kind_of "$who")" "$mode" "http://127.0.0.1:$port=$SERVER_PID" "$OUT/$who-$mode-$run.json" \
    || echo "bench: the generator failed ($who $mode, run $run): see $WORK/loadgen.log" >&2
  stop "$SERVER_PID"
}

echo "bench: $CONNECTIONS connections, $RUNS run(s), $WORKERS generator workers, client(s) $CLIENTS, $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); logs in $WORK" >&2
for run in $(seq "$RUNS"); do
  for CLIENT in ${CLIENTS//,/ }; do
    # alternate who goes first so that a drift of the machine's load does not favour one side
    if [ $((run % 2)) = 1 ]; then ORDER="ours node"; else ORDER="node ours"; fi
    [ -z "$ONLY" ] || ORDER="$ONLY"
    for who in $([ "$SINGLE" = 1 ] && echo "$ORDER"); do one_server "$who" single "one node"; done
    for who in $([ "$TOPICS" = 1 ] && echo "$ORDER"); do one_server "$who" topics topics; done
    # routed delivery: 1, 2 and 4 active nodes and one idle node over Redis; Node with both of its Redis adapters
    for who in $([ "$SCALE" = 1 ] && echo "$ORDER" | sed 's/node/node node-sharded/'); do
      for active in $SCALE_NODES; do
        echo "bench: run $run/$RUNS, $who, $active node(s) and an idle one, client $CLIENT (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        for p in $SCALE_REDIS_PORTS; do redis-cli -p "$p" flushall >/dev/null; done
        server="${who%-sharded}"
        adapter=classic; [ "$who" = node-sharded ] && adapter=sharded
        list=""
        pids=()
        for n in $(seq 0 "$active"); do
          p="$(free_port)"
          start_server "$server" "$p" "$WORK/$who-scale$active-$n-$run-$CLIENT.log" REDIS_URL="$SCALE_REDIS_URL" \
            ${SCALE_REDIS_ENV[@]+"${SCALE_REDIS_ENV[@]}"} NODE_ID="scale-$n" REDIS_ADAPTER="$adapter"
          list="$list${list:+,}http://127.0.0.1:$p=$SERVER_PID"
          pids+=("$SERVER_PID")
        done
        loadgen "$who" "$(kind_of "$server")" scale "$list" "$OUT/$who-scale$active-$SCALE_DEPLOYMENT-$run.json" \
          --redis-pid "$SCALE_REDIS_PIDS" --redis-url "$SCALE_REDIS_URL" --deployment "$SCALE_DEPLOYMENT" \
          --connections "$SCALE_CONNECTIONS" \
          || echo "bench: the generator failed ($who scale $active, run $run): see $WORK/loadgen.log" >&2
        for pid in "${pids[@]}"; do stop "$pid"; done
      done
    done
    if [ "$CLUSTER" = 1 ]; then
      for who in $ORDER; do
        echo "bench: run $run/$RUNS, $who, two nodes over Redis, client $CLIENT (load average $(cut -d' ' -f1-3 /proc/loadavg))" >&2
        if ! redis-cli -p "$REDIS_PORT" flushall >/dev/null 2>&1; then
          echo "bench: redis-server (pid $REDIS_PID) is gone: skipping the two-node scenario" >&2
          break
        fi
        pa="$(free_port)"
        start_server "$who" "$pa" "$WORK/$who-a-$run-$CLIENT.log" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" NODE_ID=bench-a
        pida="$SERVER_PID"
        pb="$(free_port)"
        start_server "$who" "$pb" "$WORK/$who-b-$run-$CLIENT.log" REDIS_URL="redis://127.0.0.1:$REDIS_PORT" NODE_ID=bench-b
        pidb="$SERVER_PID"
        loadgen "$who" "$(kind_of "$who")" cluster "http://127.0.0.1:$pa=$pida,http://127.0.0.1:$pb=$pidb" \
          "$OUT/$who-cluster-$run.json" --redis-pid "$REDIS_PID" \
          || echo "bench: the generator failed ($who cluster, run $run): see $WORK/loadgen.log" >&2
        stop "$pida"
        stop "$pidb"
      done
    fi
  done
done

node "$HERE/report.mjs" "$OUT"
echo "bench: raw results in $OUT, logs in $WORK" >&2
