/**
 * JMH benchmarks of the codec stages and of one call's duplex chain, per 20 ms of audio, of the
 * SIP leg's SRTP per packet, and a one-hour side-by-side with sox. Run by hand: see
 * docs/codec.md and docs/security.md.
 */
package io.rtc2sip.codec.bench;
