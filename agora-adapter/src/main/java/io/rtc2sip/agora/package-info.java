/**
 * The RTC port on Agora's server SDK (docs/rtc.md). Everything here is plain Java against a thin
 * facade of one SDK connection ({@link io.rtc2sip.agora.AgoraConnection}, its events {@link
 * io.rtc2sip.agora.AgoraEvents}); the class that implements it with the SDK lives in
 * {@code src/agora/java} and is built only with the Maven profile {@code agora}.
 */
package io.rtc2sip.agora;
