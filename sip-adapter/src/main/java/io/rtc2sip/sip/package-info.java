/** rtc2sip sip-adapter. */
package io.rtc2sip.sip;
