#!/usr/bin/env bash
# Load benchmark of call setups (not run in CI): a gateway node on its embedded defaults, one
# signaling client that answers every call, and sipp's built-in UAC calling that user at each
# rate in turn. Every call is event-sourced to PostgreSQL (received, alerting, answered, ended,
# plus the user session's join/leave).
#
# usage: bench/sip-load.sh [SECONDS_PER_RATE=60] [RATES="50 100 200 300"] [HOLD_MS=1000] [USERS=100]
# Calls go round robin to USERS users (load-0 .. load-<USERS-1>), all answered by one client
# process: a user session, like any entity, handles its own calls one event at a time.
# prints per rate: calls attempted/successful/failed, achieved call rate, and the times from
# INVITE to 100 Trying and to 200 OK (p50/p99 in ms, from sipp's per-call RTT log).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RATE=${1:-60}
RATES=${2:-"50 100 200 300"}
HOLD_MS=${3:-1000}
USERS=${4:-100}
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
bin/rtc2sip client --port "$RTC2SIP_SIGNALING_PORT" --uid load --users "$USERS" \
  "auto-answer 3600" > /dev/null 2> "$OUT/client.err" &
CLIENT=$!
sleep 5
# sipp's built-in UAC, calling the user of each line of users.csv in turn
# response time 1: INVITE -> 100 Trying; response time 2: INVITE -> 200 OK
{ sipp -sd uac || true; } | sed -e 's/\[service\]/[field0]/g' \
  -e '0,/<send retrans="500">/s//<send retrans="500" start_rtd="2">/' \
  -e 's/<recv response="100"/<recv response="100" rtd="1"/' \
  -e 's/<recv response="200" rtd="true">/<recv response="200" rtd="2">/' > "$OUT/uac_users.xml"
{ echo SEQUENTIAL; for i in $(seq 0 $((USERS - 1))); do echo "load-$i;"; done; } > "$OUT/users.csv"
echo "rtc2sip SIP load: ${SECONDS_PER_RATE}s per rate, hold ${HOLD_MS} ms, $USERS users, $(nproc) cores; logs in $OUT"
printf "%6s %9s %9s %7s %10s %12s %12s\n" rate attempted ok failed "calls/s" \
  "100ms p50/99" "200ms p50/99"
for RATE in $RATES; do
  DIR="$OUT/rate-$RATE"; mkdir -p "$DIR"
  TOTAL=$((RATE * SECONDS_PER_RATE))
  START=$(date +%s.%N)
  (cd "$DIR" && sipp -sf "$OUT/uac_users.xml" -inf "$OUT/users.csv" \
      "127.0.0.1:$RTC2SIP_SIP_PORT" -i 127.0.0.1 -p 15070 \
      -r "$RATE" -m "$TOTAL" -d "$HOLD_MS" -l $((RATE * 10)) -timeout $((SECONDS_PER_RATE * 3)) \
      -recv_timeout 20000 -nostdin -trace_screen -screen_file screen.log -trace_rtt \
      -rtt_freq 1 > sipp.out 2>&1) || true
  END=$(date +%s.%N)
  OKS=$(grep -m1 "Successful call" "$DIR/screen.log" | awk '{print $NF}')
  FAILED=$(grep -m1 "Failed call" "$DIR/screen.log" | awk '{print $NF}')
  RTT=$(ls "$DIR"/*_rtt.csv 2>/dev/null | head -1)
  quantiles() { # rtd number -> "p50/p99" in ms
    awk -F';' -v r="$1" 'NR>1 && $3==r {print $2}' "$RTT" | sort -n |
      awk '{v[NR]=$1} END {if (NR==0) {print "-"} else {
        a=int(NR*0.5); if (a<1) a=1; b=int(NR*0.99); if (b<1) b=1; print v[a] "/" v[b]}}'
  }
  if [ -n "$RTT" ]; then T100=$(quantiles 1); T200=$(quantiles 2); else T100=-; T200=-; fi
  RATE_ACHIEVED=$(awk -v n="${OKS:-0}" -v s="$START" -v e="$END" 'BEGIN {printf "%.1f", n/(e-s)}')
  printf "%6s %9s %9s %7s %10s %12s %12s\n" "$RATE" "$TOTAL" "${OKS:-?}" "${FAILED:-?}" \
    "$RATE_ACHIEVED" "$T100" "$T200"
done
