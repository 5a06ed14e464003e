package io.rtc2sip.actors.port;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.HoldSide;
import io.rtc2sip.actors.model.Party;
import java.time.Instant;

/**
 * What the entities tell RTC users, through the client-signaling adapter. Messages are addressed
 * by uid; the adapter finds the user's signaling connection (possibly on another node) or, for
 * {@link OfflineCallNotice}, sends a push notification. Named subtypes: a notification can be a
 * field of another message (forwarded between nodes), where Jackson needs its kind.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = ClientNotification.IncomingCall.class, name = "incoming-call"),
  @JsonSubTypes.Type(value = ClientNotification.Ringing.class, name = "ringing"),
  @JsonSubTypes.Type(value = ClientNotification.Answered.class, name = "answered"),
  @JsonSubTypes.Type(value = ClientNotification.Held.class, name = "held"),
  @JsonSubTypes.Type(value = ClientNotification.Resumed.class, name = "resumed"),
  @JsonSubTypes.Type(value = ClientNotification.DtmfReceived.class, name = "dtmf"),
  @JsonSubTypes.Type(value = ClientNotification.Transferred.class, name = "transferred"),
  @JsonSubTypes.Type(value = ClientNotification.TransferFailed.class, name = "transfer-failed"),
  @JsonSubTypes.Type(value = ClientNotification.PartyInvited.class, name = "party-invited"),
  @JsonSubTypes.Type(value = ClientNotification.PartyJoined.class, name = "party-joined"),
  @JsonSubTypes.Type(value = ClientNotification.PartyLeft.class, name = "party-left"),
  @JsonSubTypes.Type(value = ClientNotification.Ended.class, name = "ended"),
  @JsonSubTypes.Type(value = ClientNotification.RtcMoved.class, name = "rtc-moved"),
  @JsonSubTypes.Type(value = ClientNotification.OfflineCallNotice.class, name = "offline-call"),
  @JsonSubTypes.Type(value = ClientNotification.SessionReplaced.class, name = "session-replaced")
})
public sealed interface ClientNotification extends CborSerializable {

  /** The RTC user this is for. */
  String uid();

  /**
   * Someone calls you; join {@code rtcChannel} if you answer, on the loopback RTC network at
   * {@code rtcAddress} (null: the RTC network is not node-local).
   */
  record IncomingCall(String uid, String callId, Party caller, String rtcChannel,
      String rtcAddress) implements ClientNotification {
    public IncomingCall(String uid, String callId, Party caller, String rtcChannel) {
      this(uid, callId, caller, rtcChannel, null);
    }
  }

  /**
   * The call now runs on another node (recovered there after a node failure, or handed over):
   * a loopback RTC client joins its channel again at {@code rtcAddress} (null: the RTC network
   * is not node-local and nothing moved for the client); a browser sends a new offer
   * ({@code reoffer}, with an ICE restart) when {@code browser}.
   */
  record RtcMoved(String uid, String callId, String rtcAddress, boolean browser)
      implements ClientNotification {}

  /** Your outbound call is ringing at the far end ({@code earlyMedia}: audio is already flowing). */
  record Ringing(String uid, String callId, boolean earlyMedia) implements ClientNotification {}

  /** The call is answered. */
  record Answered(String uid, String callId) implements ClientNotification {}

  /** The call was put on hold by {@code by}. */
  record Held(String uid, String callId, HoldSide by) implements ClientNotification {}

  /** The call was taken off hold by {@code by}. */
  record Resumed(String uid, String callId, HoldSide by) implements ClientNotification {}

  /** The SIP side pressed a key. */
  record DtmfReceived(String uid, String callId, String digit) implements ClientNotification {}

  /** The SIP side transferred you; you now talk to {@code target}. */
  record Transferred(String uid, String callId, String target) implements ClientNotification {}

  /** A transfer did not succeed (SIP status of the failure); the call goes on. */
  record TransferFailed(String uid, String callId, int status) implements ClientNotification {}

  /** A conference: {@code peer} is being invited as party number {@code party}. */
  record PartyInvited(String uid, String callId, int party, String peer)
      implements ClientNotification {}

  /** A conference: party {@code party} ({@code peer}) answered and hears the others. */
  record PartyJoined(String uid, String callId, int party, String peer)
      implements ClientNotification {}

  /**
   * A conference: party {@code party} ({@code peer}) left (hung up: 200; removed; or its
   * INVITE failed with {@code sipStatus}).
   */
  record PartyLeft(String uid, String callId, int party, String peer, int sipStatus)
      implements ClientNotification {}

  /** The call ended. */
  record Ended(String uid, String callId, EndCause cause, int sipStatus)
      implements ClientNotification {}

  /**
   * Push notification: a call waits for you while you are offline; log in before
   * {@code parkDeadline} to take it.
   */
  record OfflineCallNotice(String uid, String callId, Party caller, Instant parkDeadline)
      implements ClientNotification {}

  /**
   * Tell an old signaling connection that it was replaced (the user logged in again elsewhere);
   * the adapter closes it after delivering this.
   */
  record SessionReplaced(String uid, String node, String connectionId, String reason)
      implements ClientNotification {}
}
