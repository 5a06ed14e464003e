/** Conference mixing: each party hears the others. */
package io.rtc2sip.codec.mix;
