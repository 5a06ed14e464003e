/** rtc2sip agora-adapter. */
package io.rtc2sip.agora;
