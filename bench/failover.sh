#!/usr/bin/env bash
# Failover bench (not run in CI): RUNS times, three gateway nodes on one journal behind the
# project's Kamailio front, CALLS calls from client CLI users to sipp far ends through the front
# (a tone both ways); the node with the most calls is killed (SIGKILL), then the busiest survivor
# is stopped (SIGTERM). The audio gap of every moved call, both ways, is read off a capture of
# the loopback interface (tests' io.rtc2sip.tests.failover.FailoverBench).
#
# usage: bench/failover.sh [CALLS=12] [RUNS=3]
# prints each run's gaps, then per failure and direction: min, median, p99, max (ms).
# Needs sipp, Kamailio and tcpdump (.ci/run installs them); runs as root (tcpdump on lo).
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${1:-12}
RUNS=${2:-3}
./mvnw -q -B -DskipTests install >&2
# The nodes are JVMs of their own started from the bench's class path, so the bench runs in a
# JVM of its own too (not inside Maven, whose class path they would get).
CP_FILE="$PWD/tests/target/failover-bench.classpath"
./mvnw -q -B -o -pl tests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" >&2
CP=$(cat "$CP_FILE")
cd tests
exec java -cp "target/test-classes:target/classes:$CP" \
  io.rtc2sip.tests.failover.FailoverBench "$CALLS" "$RUNS"
