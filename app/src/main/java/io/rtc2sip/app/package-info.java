/** rtc2sip app. */
package io.rtc2sip.app;
