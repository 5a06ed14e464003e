/** Call-progress tones played into calls (ringback). */
package io.rtc2sip.codec.tone;
