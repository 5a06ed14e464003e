/**
 * The ports of the call and user entities: actor protocols that the SIP adapter, the media
 * bridge and the client-signaling adapter implement as node-local actors. The entities never see
 * SIP stack, SDK or socket types.
 */
package io.rtc2sip.actors.port;
