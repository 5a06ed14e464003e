/**
 * SIP over TLS on the JAIN-SIP stack: the node's certificate on the TLS listener, the checks of
 * the servers our TLS connections go to (chain and host), the protocols and suites offered.
 */
package io.rtc2sip.sip.tls;
