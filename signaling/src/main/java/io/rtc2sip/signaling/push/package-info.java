/**
 * Push notifications of parked calls: a signed HTTP POST to the operator's push receiver,
 * one attempt per request of a call, made on the node that runs the call.
 */
package io.rtc2sip.signaling.push;
