package io.rtc2sip.actors.call;

import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.model.SipDialog;

/**
 * A SIP party the RTC user added to its call with {@code conference}: a dialog of its own in the
 * same call, opened by our INVITE.
 *
 * @param id the party's number in the call: the SIP leg that names its Call-ID ({@link
 *     CallIds#sipCallIdFor(String, int)}); the clients remove a party by it
 * @param target the SIP URI or number invited
 * @param dialog the party's dialog (early until it answered)
 * @param media the media negotiated with it; null while it is being invited
 */
public record ConferenceParty(int id, String target, SipDialog dialog, NegotiatedMedia media) {

  /** Whether the party answered and is in the conference (false: being invited). */
  public boolean joined() {
    return media != null;
  }

  ConferenceParty joined(SipDialog d, NegotiatedMedia m) {
    return new ConferenceParty(id, target, d, m);
  }

  ConferenceParty withDialog(SipDialog d) {
    return new ConferenceParty(id, target, d, media);
  }
}
