/**
 * Who may talk SIP to the node: trusted networks, digest checks of untrusted callers, per-source
 * rate limits and bans, scanner User-Agents, and summaries of bad input per source. Pure logic
 * with injected time; the JAIN-SIP glue is in {@code io.rtc2sip.sip}.
 */
package io.rtc2sip.sip.access;
