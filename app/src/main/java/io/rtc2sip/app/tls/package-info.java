/** The node's certificate and key, and the TLS context its listeners speak with. */
package io.rtc2sip.app.tls;
