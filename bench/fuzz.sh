#!/usr/bin/env bash
# Fuzz run against one node (issue 13, "Tests and measurement"; not run in CI at full size):
# a gateway node in its own JVM on its embedded defaults (INFO logging), then, from other
# loopback addresses,
#   - mutated SIP datagrams (100,000 x SCALE; INVITE with SDP, re-INVITE, BYE, REFER, OPTIONS,
#     CANCEL, ACK, INFO, REGISTER, in and outside dialogs; bytes, headers, lengths,
#     Content-Length and SDP lines mutated, deterministically from SEED), 2,000/s;
#   - signaling messages (20,000 x SCALE) over 10 TCP connections and 4 WebSockets: bad JSON,
#     huge lines, deep nesting, wrong types, random fields, bad logins, valid logins followed by
#     calls with bad targets, channels and SDP;
#   - media datagrams (10,000 x SCALE) at every port of the RTP and WebRTC ranges: valid RTP,
#     RTCP, STUN, DTLS-looking records, random bytes.
# Afterwards it checks that the node is alive, that pending INVITEs, RTP ports in use, browser
# legs and active calls are back to where they were (/metrics gauges, polled for up to 120 s),
# that the heap after a full GC (jcmd) grew by less than 64 MiB, and that a normal call works
# (sipp uas_answer + a signaling client); it reports log volume and RSS. The same run, short
# (SCALE 0.03), is the CI test io.rtc2sip.tests.bench.fuzz.FuzzTest.
#
# usage: bench/fuzz.sh [SCALE=1]
# prints the summary table (also in tests/target/fuzz-<pid>/summary.txt, next to node.log);
# exit code 0 when every check held.
# Needs sipp; runs as root (jcmd attaches to the node's JVM). Builds with the reactor offline.
# Where /metrics asks for credentials, set RTC2SIP_FUZZ_AUTH=user:password (HTTP Basic).
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE=${1:-1}
command -v sipp >/dev/null || { echo "sipp is missing: apt-get install sip-tester" >&2; exit 2; }
rm -rf tests/target/fuzz-*
status=0
FUZZ_SCALE="$SCALE" ./mvnw -o -q -B -pl tests -am test -Dtest=FuzzTest \
  -Dsurefire.failIfNoSpecifiedTests=false > /dev/null 2>&1 || status=$?
SUMMARY=$(ls -t tests/target/fuzz-*/summary.txt 2>/dev/null | head -1 || true)
if [ -z "$SUMMARY" ]; then
  echo "no summary written: see tests/target/surefire-reports/io.rtc2sip.tests.bench.fuzz.FuzzTest.txt" >&2
  exit 1
fi
cat "$SUMMARY"
exit "$status"
