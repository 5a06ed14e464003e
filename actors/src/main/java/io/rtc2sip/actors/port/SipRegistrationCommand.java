package io.rtc2sip.actors.port;

import io.rtc2sip.actors.CborSerializable;

/**
 * What a user session asks of the SIP adapter's registration client: keep a SIP binding for the
 * RTC user while it wants one and is online (REGISTER with refresh), drop it otherwise
 * (REGISTER with Expires: 0). The adapter knows the user's SIP credentials; a user without
 * credentials is logged and ignored.
 */
public sealed interface SipRegistrationCommand extends CborSerializable {

  String uid();

  /** Register (and keep refreshing) the SIP binding of {@code uid}. */
  record Bind(String uid) implements SipRegistrationCommand {}

  /** Remove the SIP binding of {@code uid}. */
  record Unbind(String uid) implements SipRegistrationCommand {}
}
