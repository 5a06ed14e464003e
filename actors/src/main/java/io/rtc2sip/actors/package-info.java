/** rtc2sip actors. */
package io.rtc2sip.actors;
