#!/usr/bin/env bash
# Load benchmark of call setups (not run in CI): a gateway node on its embedded defaults, one
# signaling client that answers every call, and sipp's built-in UAC calling that user at each
# rate in turn. Every call is event-sourced to PostgreSQL (received, alerting, answered, ended,
# plus the user session's join/leave).
#
# usage: bench/sip-load.sh [SECONDS_PER_RATE=60] [RATES="50 100 200 300"] [HOLD_MS=1000] [USERS=100]
# Calls go round robin to USERS users (load-0 .. load-<USERS-1>), all answered by one client
# process: a user session, like any entity, handles its own calls one event at a time.
# prints per rate: calls attempted/successful/failed; the setup rate sustained (200 OKs per
# second between the first and the last, and the lowest count in any whole second of it); the
# times from INVITE to 100 Trying and to 200 OK (p50/p99 in ms, from sipp's per-call RTT log);
# and what the node counted (/metrics: setups, answered, ended by a cause other than the
# caller's hang-up). At the end, once the call-history projection has caught up, the calls
# and events found in the journal's read side.
# Start with lower rates: a node's first minute of traffic runs while the JIT still compiles
# (measured: a cold node at 300/s completed 157/s), so the rates go up step by step.
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
. bench/node.sh
start_node "$OUT/node.log"
bin/rtc2sip client --port "$RTC2SIP_SIGNALING_PORT" --uid load --users "$USERS" \
  "auto-answer 3600" > /dev/null 2> "$OUT/client.err" &
CLIENT=$!
BENCH_PIDS="$BENCH_PIDS $CLIENT"
sleep 5
# sipp's built-in UAC, calling the user of each line of users.csv in turn
# response time 1: INVITE -> 100 Trying; response time 2: INVITE -> 200 OK
{ sipp -sd uac || true; } | sed -e 's/\[service\]/[field0]/g' \
  -e '0,/<send retrans="500">/s//<send retrans="500" start_rtd="2">/' \
  -e 's/<recv response="100"/<recv response="100" rtd="1"/' \
  -e 's/<recv response="200" rtd="true">/<recv response="200" rtd="2">/' > "$OUT/uac_users.xml"
{ echo SEQUENTIAL; for i in $(seq 0 $((USERS - 1))); do echo "load-$i;"; done; } > "$OUT/users.csv"
echo "rtc2sip SIP load: ${SECONDS_PER_RATE}s per rate, hold ${HOLD_MS} ms, $USERS users, $(nproc) cores; logs in $OUT"
metric() { # name and label filter -> sum of the matching samples on /metrics
  curl -sf "localhost:$RTC2SIP_HTTP_PORT/metrics" |
    awk -v n="$1" -v f="${2:-}" 'index($1, n) == 1 && (f == "" || index($1, f) > 0) \
      {s += $2} END {printf "%d", s}'
}
BENCH_START=$(date -u +%Y-%m-%dT%H:%M:%SZ)
printf "%6s %9s %9s %7s %14s %12s %12s %20s\n" rate attempted ok failed "setups/s(min)" \
  "100ms p50/99" "200ms p50/99" "node set/ans/other"
for RATE in $RATES; do
  DIR="$OUT/rate-$RATE"; mkdir -p "$DIR"
  TOTAL=$((RATE * SECONDS_PER_RATE))
  START=$(date +%s.%N)
  SET0=$(metric rtc2sip_call_setups_total); ANS0=$(metric rtc2sip_calls_answered_total)
  END0=$(metric rtc2sip_calls_ended_total); HUP0=$(metric rtc2sip_calls_ended_total cause=\"remote_hangup\")
  (cd "$DIR" && sipp -sf "$OUT/uac_users.xml" -inf "$OUT/users.csv" \
      "127.0.0.1:$RTC2SIP_SIP_PORT" -i 127.0.0.1 -p 15070 \
      -r "$RATE" -m "$TOTAL" -d "$HOLD_MS" -l $((RATE * 10)) -timeout $((SECONDS_PER_RATE * 3)) \
      -recv_timeout 20000 -nostdin -trace_screen -screen_file screen.log -trace_rtt \
      -rtt_freq 1 > sipp.out 2>&1) || true
  END=$(date +%s.%N)
  SET1=$(metric rtc2sip_call_setups_total); ANS1=$(metric rtc2sip_calls_answered_total)
  END1=$(metric rtc2sip_calls_ended_total); HUP1=$(metric rtc2sip_calls_ended_total cause=\"remote_hangup\")
  OKS=$(grep -m1 "Successful call" "$DIR/screen.log" | awk '{print $NF}')
  FAILED=$(grep -m1 "Failed call" "$DIR/screen.log" | awk '{print $NF}')
  RTT=$(ls "$DIR"/*_rtt.csv 2>/dev/null | head -1)
  quantiles() { # rtd number -> "p50/p99" in ms
    awk -F';' -v r="$1" 'NR>1 && $3==r {print $2}' "$RTT" | sort -n |
      awk '{v[NR]=$1} END {if (NR==0) {print "-"} else {
        a=int(NR*0.5); if (a<1) a=1; b=int(NR*0.99); if (b<1) b=1; printf "%.0f/%.0f\n", v[a], v[b]}}'
  }
  if [ -n "$RTT" ]; then
    T100=$(quantiles 1); T200=$(quantiles 2)
    # 200 OKs per second from the first to the last, and the fewest in a whole second between
    SUSTAINED=$(awk -F';' 'NR>1 && $3==2 {t=$1/1000; if (n==0) a=t; b=t; n++; c[int(t)]++}
      END {if (n<2) {print "-"; exit} lo=-1; for (s=int(a)+1; s<int(b); s++) {v=c[s]+0;
        if (lo<0 || v<lo) lo=v} printf "%.1f(%d)", (n-1)/(b-a), lo}' "$RTT")
  else T100=-; T200=-; SUSTAINED=-; fi
  printf "%6s %9s %9s %7s %14s %12s %12s %20s\n" "$RATE" "$TOTAL" "${OKS:-?}" "${FAILED:-?}" \
    "$SUSTAINED" "$T100" "$T200" \
    "$((SET1 - SET0))/$((ANS1 - ANS0))/$(( (END1 - END0) - (HUP1 - HUP0) ))"
done
# every call is in the journal: wait for the call history to catch up, then count its rows
for _ in $(seq 1 60); do
  [ "$(metric rtc2sip_call_history_lag_events)" = "0" ] && break
  sleep 1
done
python3 - "$RTC2SIP_HTTP_PORT" "$BENCH_START" <<'EOF' || echo "call history not readable: see $OUT/node.log"
import collections, datetime, json, sys, urllib.request
port, t = sys.argv[1], datetime.datetime.fromisoformat(sys.argv[2].replace("Z", "+00:00"))
now = datetime.datetime.now(datetime.timezone.utc)
calls = {}
while t < now:  # 10 s pages: a search returns at most 10000 calls
    u = t + datetime.timedelta(seconds=10)
    page = json.load(urllib.request.urlopen("http://localhost:%s/api/calls?since=%s&until=%s"
        "&limit=10000" % (port, t.strftime("%Y-%m-%dT%H:%M:%SZ"), u.strftime("%Y-%m-%dT%H:%M:%SZ"))))
    if len(page["calls"]) >= 10000:
        sys.exit("more than 10000 calls in 10 s: the count would be short")
    calls.update((c["callId"], c) for c in page["calls"])
    t = u
causes = collections.Counter(c["endCause"] for c in calls.values())
print("journal (call history): %d calls, %d answered, %d events; end causes %s" % (len(calls),
    sum(1 for c in calls.values() if c["answeredAt"]), sum(c["events"] for c in calls.values()),
    dict(causes)))
EOF

