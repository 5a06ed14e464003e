/**
 * Values shared by the entities and the ports: parties, SIP dialog state, negotiated media, end
 * causes. Everything here is persisted inside events, so changes go through Jackson migrations.
 */
package io.rtc2sip.actors.model;
