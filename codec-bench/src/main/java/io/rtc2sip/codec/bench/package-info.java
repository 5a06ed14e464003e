/** rtc2sip codec-bench. */
package io.rtc2sip.codec.bench;
