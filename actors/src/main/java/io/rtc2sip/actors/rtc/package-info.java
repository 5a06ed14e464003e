/**
 * The RTC port: the RTC leg of a call as the media bridge sees it (10 ms frames of mono PCM
 * each way, 48 kHz, or 8 kHz for a browser leg that codes narrowband itself), implemented by the
 * node's RTC network (Agora's server SDK, or the loopback network for local runs and tests) and
 * by browser legs ({@link io.rtc2sip.actors.rtc.WebRtcLegs}). Plain Java: no SDK, socket or
 * actor types.
 */
package io.rtc2sip.actors.rtc;
