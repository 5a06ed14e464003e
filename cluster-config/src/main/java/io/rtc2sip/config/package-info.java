/** rtc2sip cluster-config. */
package io.rtc2sip.config;
