/**
 * Client signaling: newline-delimited JSON over TCP and the same messages over WebSocket,
 * logins with signed tokens, the twelve call signals, and delivery of call notifications to
 * users connected to any node.
 */
package io.rtc2sip.signaling;
