#!/usr/bin/env bash
# Scanner flood benchmark (not run in CI): a gateway node trusting only 127.0.0.1, a signaling
# client that answers every call, and a legitimate caller (sipp's built-in UAC from 127.0.0.1)
# placing calls at CPS for SECONDS, twice: once alone, once while a scanner's sweep
# (bench/sip-flood.py: OPTIONS, REGISTER and INVITE to extensions 100..999 over raw UDP) comes
# from 127.0.0.66 at FLOOD_RATE requests/s for the whole minute.
#
# usage: bench/sip-flood.sh [SECONDS=60] [CPS=20] [FLOOD_RATE=2000] [HOLD_MS=1000] [ROUNDS=2]
# Each round runs the caller alone, then with the flood (a fresh source address per round, so
# each flood starts unbanned: 127.0.0.66, .67, ...). Prints for each run: calls ok/failed, the
# legitimate setup time (INVITE -> 200 OK) p50/p95/p99 in ms from sipp's per-call RTT log, the
# node's CPU over the run; for each flood what the flooder sent, how many answers it got and
# when the last one came (the source is banned from then on); at the end the node's ban and
# drop counters (/metrics) and the median p99 without and with the flood.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN=${1:-60}
CPS=${2:-20}
FLOOD_RATE=${3:-2000}
HOLD_MS=${4:-1000}
ROUNDS=${5:-2}
USERS=20
OUT=$(mktemp -d /tmp/rtc2sip-flood.XXXXXX)
export RTC2SIP_DATA_DIR="$OUT/data" RTC2SIP_SIP_PORT=15062 RTC2SIP_SIGNALING_PORT=17070 \
  RTC2SIP_HTTP_PORT=18080 RTC2SIP_MANAGEMENT_PORT=18558 RTC2SIP_NODE_PORT=25590 \
  RTC2SIP_RTC_LOOPBACK_PORT=17072 RTC2SIP_MEDIA_TIMEOUT=0s RTC2SIP_LOG_LEVEL=WARN \
  RTC2SIP_SIP_TRUSTED=127.0.0.1/32

command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester" >&2; exit 2; }
. bench/node.sh
start_node "$OUT/node.log"
for _ in $(seq 1 120); do # ready can come before the signaling port listens
  (exec 3<>"/dev/tcp/127.0.0.1/$RTC2SIP_SIGNALING_PORT") 2>/dev/null && break
  sleep 1
done
JAVA_PID=$(pgrep -P "$NODE" java || echo "$NODE")
bin/rtc2sip client --port "$RTC2SIP_SIGNALING_PORT" --uid load --users "$USERS" \
  "auto-answer 3600" > /dev/null 2> "$OUT/client.err" &
CLIENT=$!
BENCH_PIDS="$BENCH_PIDS $CLIENT"
sleep 5
{ sipp -sd uac || true; } | sed -e 's/\[service\]/[field0]/g' \
  -e '0,/<send retrans="500">/s//<send retrans="500" start_rtd="2">/' \
  -e 's/<recv response="200" rtd="true">/<recv response="200" rtd="2">/' > "$OUT/uac_users.xml"
{ echo SEQUENTIAL; for i in $(seq 0 $((USERS - 1))); do echo "load-$i;"; done; } > "$OUT/users.csv"
metric() { # name and label filter -> sum of the matching samples on /metrics
  curl -sf "localhost:$RTC2SIP_HTTP_PORT/metrics" |
    awk -v n="$1" -v f="${2:-}" 'index($1, n) == 1 && (f == "" || index($1, f) > 0) \
      {s += $2} END {printf "%d", s}'
}
cpu() { awk '{print $14 + $15}' "/proc/$JAVA_PID/stat"; } # user+system clock ticks
legit() { # run name -> one line of figures
  local dir="$OUT/$1"; mkdir -p "$dir"
  (cd "$dir" && sipp -sf "$OUT/uac_users.xml" -inf "$OUT/users.csv" \
      "127.0.0.1:$RTC2SIP_SIP_PORT" -i 127.0.0.1 -p 15070 \
      -r "$CPS" -m $((CPS * SECONDS_PER_RUN)) -d "$HOLD_MS" -l $((CPS * 10)) \
      -timeout $((SECONDS_PER_RUN * 3)) -recv_timeout 20000 -nostdin -trace_screen \
      -screen_file screen.log -trace_rtt -rtt_freq 1 > sipp.out 2>&1) || true
  local ok failed rtt
  ok=$(grep -m1 "Successful call" "$dir/screen.log" | awk '{print $NF}')
  failed=$(grep -m1 "Failed call" "$dir/screen.log" | awk '{print $NF}')
  rtt=$(ls "$dir"/*_rtt.csv 2>/dev/null | head -1)
  awk -F';' 'NR>1 && $3==2 {print $2}' "$rtt" | sort -n | awk -v ok="$ok" -v f="$failed" \
    '{v[NR]=$1} END {a=int(NR*0.5); b=int(NR*0.95); c=int(NR*0.99);
      if (a<1) a=1; if (b<1) b=1; if (c<1) c=1;
      printf "calls ok %s failed %s; setup ms p50 %.1f p95 %.1f p99 %.1f (n=%d)\n", ok, f,
        v[a], v[b], v[c], NR}'
}
echo "rtc2sip SIP flood: ${SECONDS_PER_RUN}s per run, legitimate $CPS calls/s (hold $HOLD_MS ms)," \
  "flood $FLOOD_RATE requests/s from 127.0.0.66 and up; $(nproc) cores; logs in $OUT"
legit warmup > /dev/null   # a node's first minute runs while the JIT compiles
TICKS=$(getconf CLK_TCK)
share() { awk -v a="$1" -v b="$2" -v t="$TICKS" -v s="$SECONDS_PER_RUN" \
  'BEGIN {printf "node CPU %.1f%% of a core", (b-a)/t/s*100}'; }
BANS0=$(metric rtc2sip_sip_bans_total); DROP0=$(metric rtc2sip_sip_requests_dropped_total)
for ROUND in $(seq 1 "$ROUNDS"); do
  C0=$(cpu); LINE=$(legit "quiet-$ROUND"); C1=$(cpu)
  echo "round $ROUND without flood: $LINE; $(share "$C0" "$C1")"
  SRC="127.0.0.$((65 + ROUND))"
  python3 bench/sip-flood.py "$SRC" 127.0.0.1 "$RTC2SIP_SIP_PORT" "$FLOOD_RATE" \
    "$SECONDS_PER_RUN" > "$OUT/flood-$ROUND.json" &
  FLOOD=$!
  LINE=$(legit "flood-$ROUND"); C2=$(cpu)
  wait "$FLOOD"
  echo "round $ROUND with flood:    $LINE; $(share "$C1" "$C2")"
  echo "  flooder $SRC: $(cat "$OUT/flood-$ROUND.json")"
done
echo "node: bans +$(( $(metric rtc2sip_sip_bans_total) - BANS0 )), dropped +$(( $(metric rtc2sip_sip_requests_dropped_total) - DROP0 )), malformed $(metric rtc2sip_sip_malformed_total)"
p99s() { for f in "$OUT"/$1-*/*_rtt.csv; do
    awk -F';' 'NR>1 && $3==2 {print $2}' "$f" | sort -n | awk '{v[NR]=$1} END {c=int(NR*0.99); if (c<1) c=1; print v[c]}'
  done | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
# what the dropped flood costs the node by itself: its CPU over 20 s idle, then over 20 s of a
# flood from a fresh source (banned within its first burst), with no calls
C0=$(cpu); sleep 20; C1=$(cpu)
python3 bench/sip-flood.py 127.0.0.99 127.0.0.1 "$RTC2SIP_SIP_PORT" "$FLOOD_RATE" 20 \
  > "$OUT/flood-alone.json"
C2=$(cpu)
echo "flood alone: $(awk -v a="$C0" -v b="$C1" -v c="$C2" -v t="$TICKS" -v r="$FLOOD_RATE" \
  'BEGIN {printf "node CPU %.1f%% of a core idle, %.1f%% under %d dropped datagrams/s: %.1f us per datagram", (b-a)/t/20*100, (c-b)/t/20*100, r, ((c-b)-(b-a))/t/20/r*1e6}')"
echo "median p99 setup: $(p99s quiet) ms without flood, $(p99s flood) ms with"
echo "node log lines: $(wc -l < "$OUT/node.log") ($(grep -c 'in the last' "$OUT/node.log" || true) summary lines)"
