/** rtc2sip codec. */
package io.rtc2sip.codec;
