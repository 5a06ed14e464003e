/**
 * The client CLI ({@code bin/rtc2sip client}): a test phone that logs in to a node's signaling
 * server (docs/signaling.md), places and answers calls, and plays and records their audio on the
 * loopback RTC network. Used by hand, by the benchmarks and by the system tests.
 */
package io.rtc2sip.client;
