#!/usr/bin/env bash
# Load benchmark of call setups (not run in CI): a gateway node on its embedded defaults, one
# signaling client that answers every call, and sipp's built-in UAC calling that user at each
# rate in turn. Every call is event-sourced to PostgreSQL (received, alerting, answered, ended,
# plus the user session's join/leave).
#
# usage: bench/sip-load.sh [SECONDS_PER_RATE=60] [RATES="50 100 200 300"] [HOLD_MS=1000]
# prints per rate: calls attempted/successful/failed, achieved call rate, and the INVITE->200 OK
# response time (p50/p99, from sipp's per-call RTT log).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RATE=${1:-60}
RATES=${2:-"50 100 200 300"}
HOLD_MS=${3:-1000}
OUT=$(mktemp -d /tmp/rtc2sip-load.XXXXXX)
export RTC2SIP_DATA_DIR="$OUT/data" RTC2SIP_SIP_PORT=15062 RTC2SIP_SIGNALING_PORT=17070 \
  RTC2SIP_HTTP_PORT=18080 RTC2SIP_MANAGEMENT_PORT=18558 RTC2SIP_NODE_PORT=25590 \
  RTC2SIP_RTC_LOOPBACK_PORT=17072 RTC2SIP_MEDIA_TIMEOUT=0s RTC2SIP_LOG_LEVEL=WARN

command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester" >&2; exit 2; }
bin/rtc2sip run > "$OUT/node.log" 2>&1 &
NODE=$!
CLIENT=""
cleanup() {
  [ -n "$CLIENT" ] && kill "$CLIENT" 2>/dev/null || true
  kill "$NODE" 2>/dev/null || true
  wait "$NODE" 2>/dev/null || true
}
trap cleanup EXIT
for _ in $(seq 1 180); do
  curl -sf "localhost:$RTC2SIP_MANAGEMENT_PORT/ready" >/dev/null 2>&1 && break
  kill -0 "$NODE" 2>/dev/null || { echo "node did not start: $OUT/node.log" >&2; exit 1; }
  sleep 1
done
bin/rtc2sip client --port "$RTC2SIP_SIGNALING_PORT" --uid load "auto-answer 3600" \
  > /dev/null 2> "$OUT/client.err" &
CLIENT=$!
sleep 3
echo "rtc2sip SIP load: ${SECONDS_PER_RATE}s per rate, hold ${HOLD_MS} ms, $(nproc) cores; logs in $OUT"
printf "%6s %9s %9s %7s %10s %9s %9s\n" rate attempted ok failed "calls/s" "p50 ms" "p99 ms"
for RATE in $RATES; do
  DIR="$OUT/rate-$RATE"; mkdir -p "$DIR"
  TOTAL=$((RATE * SECONDS_PER_RATE))
  START=$(date +%s.%N)
  (cd "$DIR" && sipp -sn uac "127.0.0.1:$RTC2SIP_SIP_PORT" -s load -i 127.0.0.1 -p 15070 \
      -r "$RATE" -m "$TOTAL" -d "$HOLD_MS" -l $((RATE * 10)) -timeout $((SECONDS_PER_RATE * 3)) \
      -recv_timeout 20000 -nostdin -trace_screen -screen_file screen.log -trace_rtt \
      -rtt_freq 1 > sipp.out 2>&1) || true
  END=$(date +%s.%N)
  OKS=$(grep -m1 "Successful call" "$DIR/screen.log" | awk '{print $NF}')
  FAILED=$(grep -m1 "Failed call" "$DIR/screen.log" | awk '{print $NF}')
  RTT=$(ls "$DIR"/*_rtt.csv 2>/dev/null | head -1)
  if [ -n "$RTT" ]; then
    read -r P50 P99 < <(awk -F';' 'NR>1 && $2!="" {print $2}' "$RTT" | sort -n |
      awk '{v[NR]=$1} END {if (NR==0) {print "- -"} else {print v[int(NR*0.5)+ (NR*0.5>int(NR*0.5))], v[int(NR*0.99)+(NR*0.99>int(NR*0.99))]}}')
  else
    P50=-; P99=-
  fi
  RATE_ACHIEVED=$(awk -v n="${OKS:-0}" -v s="$START" -v e="$END" 'BEGIN {printf "%.1f", n/(e-s)}')
  printf "%6s %9s %9s %7s %10s %9s %9s\n" "$RATE" "$TOTAL" "${OKS:-?}" "${FAILED:-?}" \
    "$RATE_ACHIEVED" "$P50" "$P99"
done
