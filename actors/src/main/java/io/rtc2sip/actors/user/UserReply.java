package io.rtc2sip.actors.user;

import io.rtc2sip.actors.CborSerializable;

/** The answer to a user session command that has a caller waiting. */
public sealed interface UserReply extends CborSerializable {

  String uid();

  record Accepted(String uid) implements UserReply {}

  record Rejected(String uid, String reason) implements UserReply {}
}
