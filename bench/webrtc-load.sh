#!/usr/bin/env bash
# Load benchmark of browser calls (not run in CI): a gateway node on its embedded defaults,
# sipp answering as the SIP side, and one headless Chromium page placing N
# WebRTC calls through the node's WebSocket signaling (tests' io.rtc2sip.tests.bench.WebRtcLoad).
#
# usage: bench/webrtc-load.sh [CALLS="10 10 20 30"] [SECONDS=30] [STAGGER_MS=100]
# The steps run one after the other on the same node: the first warms it up (JIT); read the
# later ones.
# prints per step: calls connected; offer -> connected and offer -> first audio (p50/p95/max,
# measured in the page: the offer is sent, the answer comes back over signaling, ICE and DTLS
# complete, the first audio decodes); the node's CPU per call (its /proc ticks over SECONDS
# with the calls up, less the same with none) and live heap per call (after a full GC, with
# the calls up, less the same with none); packets the browsers lost; the node's own loss,
# refusal and late-tick counters.
# Needs Chromium with chromedriver and sipp (.ci/run installs them); runs as root.
set -euo pipefail
cd "$(dirname "$0")/.."
STEPS=${1:-"10 10 20 30"}
SECONDS_PER_STEP=${2:-30}
STAGGER=${3:-100}
OUT=$(mktemp -d /tmp/rtc2sip-webrtc-load.XXXXXX)
export RTC2SIP_DATA_DIR="$OUT/data" RTC2SIP_SIP_PORT=15062 RTC2SIP_SIGNALING_PORT=17070 \
  RTC2SIP_HTTP_PORT=18080 RTC2SIP_MANAGEMENT_PORT=18558 RTC2SIP_NODE_PORT=25590 \
  RTC2SIP_RTC_LOOPBACK_PORT=17072 RTC2SIP_LOG_LEVEL=WARN \
  RTC2SIP_WEBRTC_PORT_MIN=40000 RTC2SIP_WEBRTC_PORT_MAX=40999

command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester" >&2; exit 2; }
command -v chromium >/dev/null || { echo "chromium is missing: apt-get install chromium chromium-driver" >&2; exit 2; }
./mvnw -q -B -DskipTests install >&2
. bench/node.sh
start_node "$OUT/node.log"
# bin/rtc2sip execs java: $NODE is the node's JVM
# The SIP side is sipp's uas_answer (as in the system tests): it answers PCMA with
# telephone-event and plays 400 Hz, paced like a phone. The browser runs at a lower priority
# than the node: on a machine of two cores it shares the node's cores, which a gateway in
# production does not.
ln -sfn "$PWD/sip-adapter/src/test/resources/sipp/media" "$OUT/media"
(cd "$OUT" && exec sipp -sf "$OLDPWD/sip-adapter/src/test/resources/sipp/uas_answer.xml" \
  -aa -i 127.0.0.1 -mi 127.0.0.1 -p 15090 -mp 16000 -nostdin > "$OUT/sipp.out" 2>&1) &
UAS=$!
BENCH_PIDS="$BENCH_PIDS $UAS"
echo "rtc2sip WebRTC load: ${SECONDS_PER_STEP}s per step, $(nproc) cores, $(chromium --version); logs in $OUT"
for CALLS in $STEPS; do
  echo "== $CALLS calls"
  nice -n 10 ./mvnw -q -B -pl tests exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=io.rtc2sip.tests.bench.WebRtcLoad \
    -Dexec.args="$RTC2SIP_HTTP_PORT $NODE sip:echo@127.0.0.1:15090 $CALLS $SECONDS_PER_STEP $STAGGER" \
    2> "$OUT/load-$CALLS.err" | grep -v "^WARNING"
done
