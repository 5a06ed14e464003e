/** rtc2sip tests. */
package io.rtc2sip.tests;
