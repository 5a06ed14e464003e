package io.rtc2sip.metrics;

import java.time.Instant;

/**
 * A server of a SIP destination set as one node sees it (each node probes on its own), for the
 * dashboard.
 *
 * @param up whether its OPTIONS probes count it up on this node
 * @param lastProbe when this node last had a probe's outcome, null before one
 * @param latencyMillis round trip of the last answered probe, -1 before one
 * @param lastOutcome the last probe's outcome ("200 in 3 ms", "timeout")
 * @param invites INVITEs this node sent to it
 */
public record SipDestination(String set, String server, boolean up, int weight, int priority,
    Instant lastProbe, double latencyMillis, String lastOutcome, long invites) {}
