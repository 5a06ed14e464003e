# Sourced by the benchmarks: start_node LOG runs one node with bin/rtc2sip on the environment the
# benchmark exported, waits until it is ready, and ends it, with every pid the benchmark added to
# BENCH_PIDS, when the benchmark exits. NODE is the node's JVM (bin/rtc2sip execs java).
BENCH_PIDS=""
NODE=""

bench_cleanup() {
  for p in $BENCH_PIDS; do
    kill "$p" 2>/dev/null || true
  done
  if [ -n "$NODE" ]; then
    kill "$NODE" 2>/dev/null || true
    wait "$NODE" 2>/dev/null || true
  fi
}

start_node() {
  bin/rtc2sip run > "$1" 2>&1 &
  NODE=$!
  trap bench_cleanup EXIT
  for _ in $(seq 1 180); do
    curl -sf "localhost:$RTC2SIP_MANAGEMENT_PORT/ready" >/dev/null 2>&1 && return 0
    kill -0 "$NODE" 2>/dev/null || { echo "node did not start: $1" >&2; exit 1; }
    sleep 1
  done
  echo "node not ready within 180 s: $1" >&2
  exit 1
}
