package io.rtc2sip.actors.call;

import io.rtc2sip.actors.CborSerializable;
import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.OnHold;
import io.rtc2sip.actors.model.SipDialog;
import java.time.Instant;
import java.util.List;

/**
 * The states of a call. {@link Idle} is the empty state of a call id that never started. Every
 * other state carries the {@link CallInfo}; states with a timer carry its deadline (an instant
 * from the injected clock), so the timer can be re-armed after recovery on another node.
 */
public sealed interface CallState extends CborSerializable {

  /** The state's name, as in the transition table and in {@link CallView#state()}. */
  default String stateName() {
    return getClass().getSimpleName();
  }

  /** Nothing happened under this call id yet. */
  enum Idle implements CallState {
    INSTANCE
  }

  /** Every state of a call that started. */
  sealed interface Started extends CallState {
    CallInfo info();

    /** Who holds the call; nobody but in {@link Held}, {@link Transferring}, {@link Referred}. */
    default OnHold hold() {
      return OnHold.NONE;
    }
  }

  /** A state with a timer: the deadline and the message the timer delivers. */
  sealed interface Timed extends Started {
    Instant deadline();

    CallCommand timeoutMessage();
  }

  /** Outbound: INVITE sent, no provisional response yet. */
  record Dialing(CallInfo info, Instant deadline) implements Timed {
    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.NoAnswerTimeout.INSTANCE;
    }
  }

  /** Outbound: the far end is ringing (180) or playing early media (183). */
  record Ringing(CallInfo info, boolean earlyMedia, Instant deadline) implements Timed {
    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.NoAnswerTimeout.INSTANCE;
    }
  }

  /** Outbound: CANCEL sent, waiting for the INVITE's final response; ends with {@code cause}. */
  record Cancelling(CallInfo info, EndCause cause, Instant deadline) implements Timed {
    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.CancelTimeout.INSTANCE;
    }
  }

  /** Inbound: INVITE received, asking the callee's user session where the callee is. */
  record Routing(CallInfo info, Instant deadline) implements Timed {
    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.NoAnswerTimeout.INSTANCE;
    }
  }

  /**
   * Inbound: the callee is offline; the caller hears ringing, the callee's app is pushed
   * ({@code push}: how far that is).
   */
  record Parked(CallInfo info, Instant deadline, PushProgress push) implements Timed {
    public Parked {
      push = push == null ? PushProgress.NONE : push;
    }

    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.ParkTimeout.INSTANCE;
    }
  }

  /** Inbound: the callee's app rings ({@code released}: after the call was parked for it). */
  record Alerting(CallInfo info, String node, String connectionId, Instant deadline,
      boolean released) implements Timed {
    @Override
    public CallCommand timeoutMessage() {
      return CallCommand.NoAnswerTimeout.INSTANCE;
    }
  }

  /** Answered, media flowing both ways. */
  record Active(CallInfo info) implements Started {}

  /** Answered, on hold by the RTC user, the SIP peer, or both ({@code hold}, never nobody). */
  record Held(CallInfo info, OnHold hold) implements Started {
    public Held {
      if (hold == OnHold.NONE) {
        throw new IllegalArgumentException("a held call is held by someone");
      }
    }
  }

  /**
   * Our RTC user transfers the SIP peer to {@code target}: REFER sent, waiting for the result;
   * {@code hold} is who held the call before and holds it again if the transfer fails.
   */
  record Transferring(CallInfo info, String target, OnHold hold) implements Started {}

  /**
   * The SIP peer asked us to transfer our RTC user to {@code target}: we INVITE the target in
   * {@code newLeg} while the old dialog stays up until the target answers ({@code
   * transferorLeft}: the peer already hung up the old dialog).
   */
  record Referred(
      CallInfo info,
      String target,
      SipDialog newLeg,
      boolean transferorLeft,
      OnHold hold)
      implements Started {}

  /**
   * A conference: the RTC user hears, and is heard by, its call's own SIP party (the call's
   * dialog, party number {@code ownParty}) and the {@code parties} it added, each in a dialog of
   * its own; at most the last of them is still being invited. Back to {@link Active} when the
   * added parties are gone.
   */
  record Conferencing(CallInfo info, int ownParty, List<ConferenceParty> parties)
      implements Started {
    public Conferencing {
      parties = List.copyOf(parties);
    }

    /** The party being invited, or null. */
    public ConferenceParty inviting() {
      return parties.stream().filter(p -> !p.joined()).findFirst().orElse(null);
    }

    /** The added party with this number, or null. */
    public ConferenceParty party(int id) {
      return parties.stream().filter(p -> p.id() == id).findFirst().orElse(null);
    }

    /** The added party whose dialog has this SIP Call-ID, or null. */
    public ConferenceParty partyOfDialog(String sipCallId) {
      return parties.stream().filter(p -> p.dialog().callId().equals(sipCallId)).findFirst()
          .orElse(null);
    }
  }

  /** Over. The entity passivates; late SIP messages are answered (a late 200 OK gets a BYE). */
  record Ended(CallInfo info, EndCause cause, int sipStatus, String reason) implements Started {}
}
