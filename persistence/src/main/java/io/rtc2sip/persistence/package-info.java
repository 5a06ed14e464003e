/** rtc2sip persistence. */
package io.rtc2sip.persistence;
