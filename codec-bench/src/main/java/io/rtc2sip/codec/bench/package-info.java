/**
 * JMH benchmarks of the codec stages and of one call's duplex chain, per 20 ms of audio,
 * and a one-hour side-by-side with sox. Run by hand: see docs/codec.md.
 */
package io.rtc2sip.codec.bench;
