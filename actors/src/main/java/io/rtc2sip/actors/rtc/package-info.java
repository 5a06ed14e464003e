/**
 * The RTC port: the RTC leg of a call as the media bridge sees it (10 ms frames of 48 kHz mono
 * PCM each way), implemented by the node's RTC network (Agora's server SDK, or the loopback
 * network for local runs and tests). Plain Java: no SDK, socket or actor types.
 */
package io.rtc2sip.actors.rtc;
