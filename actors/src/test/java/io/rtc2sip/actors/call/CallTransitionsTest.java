package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.actors.call.CallCommand.*;
import io.rtc2sip.actors.call.CallTransitions.Row;
import io.rtc2sip.actors.model.NegotiatedMedia;
import io.rtc2sip.actors.support.TestKits;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit.CommandResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every command in every state, against the transition table: a command without a row changes
 * nothing (a client gets Rejected), a command with a row persists only events of its row and
 * lands in one of its row's states. The entity must not fail on any combination.
 */
class CallTransitionsTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(TestKits.eventSourcedConfig());

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  /** One sample of every command; client commands get the kit's reply ref. */
  private static List<Function<ActorRef<CallReply>, CallCommand>> samples(CallFixture f) {
    String uid = CallFixture.UID;
    String dialogCallId =
        f.state() instanceof CallState.Started s ? s.info().dialog().callId() : "none";
    return List.of(
        r -> new PlaceCall(uid, "room-1", CallFixture.TARGET, r),
        r -> new Answer(uid, r),
        r -> new Hangup(uid, r),
        r -> new Reject(uid, true, r),
        r -> new Cancel(uid, r),
        r -> new Hold(uid, r),
        r -> new Unhold(uid, r),
        r -> new SendDtmf(uid, "12#", r),
        r -> new Transfer(uid, "sip:bob@pbx.example", r),
        r -> new Conference(uid, "sip:carol@pbx.example", r),
        r -> new RemoveParty(uid, 2, r),
        r -> new CallCommand.Reoffer(uid, "v=0\r\n", r),
        r -> f.invite(),
        r -> new SipProvisional(183, CallFixture.PEER_TAG, NegotiatedMedia.pcmu()),
        r -> CallFixture.answered(),
        r -> new SipFailed(486, "Busy Here"),
        r -> new SipByeReceived(dialogCallId, 3, "bye"),
        r -> new SipCancelled("cancel"),
        r -> new SipRemoteHold(3),
        r -> new SipRemoteResume(4),
        r -> new SipReinviteFailed(481),
        r -> new SipReferReceived(3, "sip:carol@pbx.example", "sip:callee@pbx.example"),
        r -> new SipTransferProgress(200),
        r -> MediaStarted.INSTANCE,
        r -> MediaTimeout.INSTANCE,
        r -> SipAckTimeout.INSTANCE,
        r -> new MediaDtmfReceived("5", 100),
        r -> new RtcPeerLeft(uid),
        r -> new CallCommand.RtcMediaFailed("DTLS handshake failed"),
        r -> new CalleeOnline(uid, "pekko://rtc2sip@127.0.0.1:2551", "conn-2"),
        r -> new CalleeOffline(uid),
        r -> new CalleeUnknown(uid),
        r -> new CallCommand.PlacementAllowed(uid),
        r -> new CallCommand.PlacementRefused(uid, "too-many-calls", "2 calls going on"),
        r -> new CallCommand.PartyAllowed(2, 1),
        r -> new CallCommand.PartyRefused(2, 1, "call-rate-exceeded", "3 calls started"),
        r -> NoAnswerTimeout.INSTANCE,
        r -> ParkTimeout.INSTANCE,
        r -> new CallCommand.PushAttemptFinished(1, 200, null, 12,
            CallCommand.PushOutcome.DELIVERED, null),
        r -> CallCommand.PushRetryDue.INSTANCE,
        r -> CancelTimeout.INSTANCE,
        r -> ReinviteRetry.INSTANCE,
        r -> CallCommand.SessionRefreshDue.INSTANCE,
        r -> Reanchor.INSTANCE,
        r -> new CallCommand.WriteEnd(new CallEvent.CallEnded(
            io.rtc2sip.actors.model.EndCause.REMOTE_HANGUP, 200, "bye", CallFixture.START)),
        r -> AttendedTransferTest.replacingInvite(f));
  }

  @Test
  void everyCommandTypeHasASample() {
    CallFixture f = CallFixture.outbound(TEST_KIT);
    Set<Class<?>> sampled = new HashSet<>();
    for (var sample : samples(f)) {
      sampled.add(sample.apply(TEST_KIT.<CallReply>createTestProbe().ref()).getClass());
    }
    Set<Class<?>> all = new HashSet<>();
    collectLeaves(CallCommand.class, all);
    all.remove(GetCall.class);
    assertEquals(all, sampled);
  }

  @Test
  void everyRowNamesKnownStatesAndEveryStateHasARow() {
    Set<Class<?>> fromStates = new HashSet<>();
    for (Row row : CallTransitions.TABLE) {
      assertTrue(CallTransitions.STATES.containsAll(row.from()), row.toString());
      assertTrue(CallTransitions.STATES.containsAll(row.to()), row.toString());
      fromStates.addAll(row.from());
    }
    Set<Class<?>> all = new HashSet<>();
    collectLeaves(CallState.class, all);
    assertEquals(all, new HashSet<>(CallTransitions.STATES));
    // every state but Ended has a way forward
    for (Class<?> s : CallTransitions.STATES) {
      assertTrue(fromStates.contains(s), s.getSimpleName() + " has no row");
    }
  }

  @Test
  void aRowWithoutAHandlerIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new Row(List.of(CallState.Idle.class),
        PlaceCall.class, List.of(), false, List.of(), "nothing", null));
  }

  /**
   * The table is the only dispatch: every row has a handler, and every method of the handler
   * classes (all but their private helpers) is the handler of a row, as written in the table's
   * source.
   */
  @Test
  void everyRowHasAHandlerAndEveryHandlerIsARowsHandler() throws IOException {
    Set<String> commandsInStates = new HashSet<>();
    for (Row row : CallTransitions.TABLE) {
      assertNotNull(row.handler(), row.toString());
      for (Class<?> state : row.from()) {
        assertTrue(commandsInStates.add(state.getSimpleName() + "+" + row.command()),
            "a second row for " + row.command().getSimpleName() + " in " + state.getSimpleName());
      }
    }
    String table = Files.readString(
        Path.of("src/main/java/io/rtc2sip/actors/call/CallTransitions.java"),
        StandardCharsets.UTF_8);
    Map<String, Class<?>> handlerClasses = Map.of(
        "placement", Placement.class,
        "pending", PendingCallHandlers.class,
        "established", EstablishedCallHandlers.class,
        "transfers", TransferHandlers.class,
        "pushes", PushHandlers.class,
        "conferences", ConferenceHandlers.class);
    Set<String> bundled = new HashSet<>();
    for (RecordComponent c : CallHandlers.class.getRecordComponents()) {
      bundled.add(c.getName());
    }
    bundled.remove("actions"); // shared by the handlers; writeEnd is its one row
    assertEquals(handlerClasses.keySet(), bundled, "a handler class the test does not know");
    List<String> unused = new ArrayList<>();
    handlerClasses.forEach((accessor, type) -> {
      for (Method m : type.getDeclaredMethods()) {
        boolean query = m.getName().equals("waiting"); // Placement's, asked by GetCall
        if (Modifier.isPrivate(m.getModifiers()) || m.isSynthetic() || query) {
          continue;
        }
        if (!table.contains("h." + accessor + "()." + m.getName() + "(")) {
          unused.add(type.getSimpleName() + "." + m.getName());
        }
      }
    });
    assertTrue(table.contains("h.ignore()"));
    assertTrue(table.contains("h.actions().writeEnd("));
    assertTrue(unused.isEmpty(), "handlers without a row: " + unused);
  }

  @Test
  void everyCommandInEveryStateFollowsTheTable() {
    List<String> failures = new ArrayList<>();
    int rows = 0;
    for (Class<? extends CallState> stateClass : CallTransitions.STATES) {
      int count = samples(CallFixture.outbound(TEST_KIT)).size();
      for (int i = 0; i < count; i++) {
        boolean inbound = stateClass.getSimpleName().matches("Routing|Parked|Alerting");
        CallFixture f = inbound ? CallFixture.inbound(TEST_KIT) : CallFixture.outbound(TEST_KIT);
        f.drive(stateClass);
        CallState before = f.state();
        var sample = samples(f).get(i);
        CallCommand probeCommand = sample.apply(TEST_KIT.<CallReply>createTestProbe().ref());
        Row row = CallTransitions.rowFor(stateClass, probeCommand.getClass());
        String where = stateClass.getSimpleName() + " + " + probeCommand.getClass().getSimpleName();
        CallReply reply = null;
        List<CallEvent> events;
        if (probeCommand instanceof ClientCommand) {
          var result = f.kit.<CallReply>runCommand(sample::apply);
          reply = result.reply();
          events = result.events();
        } else {
          CommandResult<CallCommand, CallEvent, CallState> result = f.kit.runCommand(probeCommand);
          events = result.events();
        }
        CallState after = f.state();
        if (row == null) {
          rows++;
          if (!events.isEmpty() || !before.equals(after)) {
            failures.add(where + ": no row, but persisted " + events);
          }
          if (probeCommand instanceof ClientCommand && !(reply instanceof CallReply.Rejected)) {
            failures.add(where + ": no row, but replied " + reply);
          }
          continue;
        }
        for (CallEvent e : events) {
          if (!row.events().contains(e.getClass())) {
            failures.add(where + ": persisted " + e.getClass().getSimpleName()
                + ", row allows " + row.events());
          }
        }
        if (events.isEmpty()) {
          boolean refused = reply instanceof CallReply.Rejected;
          if (!row.events().isEmpty() && !row.mayStay() && !refused) {
            failures.add(where + ": row requires an event, none persisted");
          }
          if (!before.equals(after)) {
            failures.add(where + ": state changed without an event");
          }
        } else if (!row.to().contains(after.getClass())) {
          failures.add(where + ": ended in " + after.stateName() + ", row allows " + row.to());
        }
        if (probeCommand instanceof ClientCommand && reply == null) {
          failures.add(where + ": client command without a reply");
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
    assertFalse(rows == 0);
  }

  private static void collectLeaves(Class<?> type, Set<Class<?>> out) {
    Class<?>[] permitted = type.getPermittedSubclasses();
    if (permitted == null) {
      out.add(type);
      return;
    }
    for (Class<?> c : permitted) {
      collectLeaves(c, out);
    }
  }
}
