package io.rtc2sip.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtc2sip.actors.call.CallCommand;
import io.rtc2sip.actors.call.CallIds;
import io.rtc2sip.actors.call.CallReply;
import io.rtc2sip.actors.call.CallView;
import io.rtc2sip.actors.journal.JournalAvailability;
import io.rtc2sip.actors.model.Replaces;
import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.actors.port.ClientNotification;
import io.rtc2sip.actors.user.Presence;
import io.rtc2sip.actors.user.UserCommand;
import io.rtc2sip.actors.user.UserReply;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One client connection (TCP or WebSocket): login, then the call signals, each turned into a
 * command for the call or the user session; replies and notifications go out through the
 * connection's outbox. Every bad line gets an error reply; the connection survives it.
 */
final class ClientSession {
  private static final Logger log = LoggerFactory.getLogger(ClientSession.class);

  /** Where this connection's messages go out. */
  interface Outbox {
    void send(String json);

    void close();
  }

  /** Requests whose call must write an event before anything happens. */
  private static final java.util.Set<String> JOURNALED =
      java.util.Set.of("call", "answer", "cancel", "hold", "unhold", "transfer",
          "conference", "remove-party");

  private final String connectionId;
  private final Outbox out;
  private final SignalingServer.Shared shared;
  private final RateLimiter limiter;
  private volatile String uid;
  /** Refused messages over the connection's life: good messages do not reset it. */
  private final AtomicInteger refused = new AtomicInteger();
  /** Set once the connection is gone: a login that completes later must not register. */
  private boolean closed;
  /** Set when this side closes the connection: what still arrives is not handled. */
  private volatile boolean closing;
  private final List<Runnable> closeTasks = new java.util.concurrent.CopyOnWriteArrayList<>();

  ClientSession(String connectionId, Outbox out, SignalingServer.Shared shared) {
    this.connectionId = connectionId;
    this.out = out;
    this.shared = shared;
    this.limiter = new RateLimiter(shared.settings().rateLimit(), System::nanoTime);
  }

  String connectionId() {
    return connectionId;
  }

  String uid() {
    return uid;
  }

  /** A line (or text message) from the client. */
  void onLine(String line) {
    if (closing) {
      return;
    }
    MDC.put("uid", uid == null ? "" : uid);
    try {
      if (!limiter.tryAcquire()) {
        refuse(null, "rate-limited", "more than " + shared.settings().rateLimit()
            + " messages per second");
        return;
      }
      Object parsed = Protocol.parse(line);
      if (parsed instanceof Protocol.Invalid bad) {
        refuse(bad.id(), bad.code(), bad.reason());
        return;
      }
      Protocol.Request r = (Protocol.Request) parsed;
      if (uid == null && !r.type().equals("login") && !r.type().equals("ping")) {
        refuse(r.id(), "not-logged-in", "log in first");
        return;
      }
      handle(r);
    } finally {
      MDC.remove("uid");
    }
  }

  /** Too long for the framing: reported, the connection goes on. */
  void onOversized() {
    if (closing) {
      return;
    }
    refuse(null, "too-long", "a message may have at most " + shared.settings().maxLine()
        + " bytes");
  }

  /**
   * The login deadline ({@code login-timeout}) passed: a connection that has not logged in by
   * now is closed (a login still in flight is undone when it completes, see {@link #login}).
   */
  void onLoginDeadline() {
    if (uid == null && !isClosed()) {
      shared.counters().refusedAndLogged("login-timeout", "connection " + connectionId
          + " closed: no login within " + shared.settings().loginTimeout());
      closing = true;
      error(null, "login-timeout", "log in within " + shared.settings().loginTimeout()
          .toSeconds() + " s of connecting");
      out.close();
    }
  }

  /**
   * This node stops taking clients (it is leaving the cluster): the connection is closed now, so
   * that the client connects to another node while this one still runs its calls, and is told
   * there when they move.
   */
  void onServerStopping() {
    if (!isClosed()) {
      closing = true;
      out.close();
    }
  }

  /** Runs {@code task} when the connection closes (timers of the connection). */
  void onClose(Runnable task) {
    closeTasks.add(task);
  }

  /** The connection is gone (closed by either side, idle, or failed). */
  void onClosed() {
    String u;
    synchronized (this) {
      closed = true;
      u = uid;
    }
    closeTasks.forEach(Runnable::run);
    if (u != null) {
      shared.router().unregister(this);
      shared.entities().tellUser(u, new UserCommand.ConnectionLost(connectionId));
      log.info("connection {} of {} closed", connectionId, u);
    }
  }

  /** A notification for this connection's user. */
  void deliver(ClientNotification n) {
    out.send(Protocol.render(n, shared.rtcTokens()));
    if (n instanceof ClientNotification.SessionReplaced) {
      uid = null; // the new connection owns the session now: do not log it out
      out.close();
    }
  }

  private void handle(Protocol.Request r) {
    if (!r.type().equals("call") && r.body().has("callId")
        && !CallIds.isWellFormed(r.text("callId"))) {
      // a call id names an entity and its journal: only ids the gateway could have made
      refuse(r.id(), "no-such-call", "not a call id");
      return;
    }
    if (JOURNALED.contains(r.type()) && !shared.journal().available()) {
      journalUnavailable(r);
      return;
    }
    switch (r.type()) {
      case "ping" -> out.send(Protocol.JSON.createObjectNode().put("type", "pong")
          .put("id", r.id()).toString());
      case "login" -> login(r);
      case "logout" -> logout(r);
      case "register" -> user(r, ref -> new UserCommand.Register(r.body().path("sip")
          .asBoolean(true), ref));
      case "calls" -> calls(r);
      case "rtc-token" -> rtcToken(r);
      case "call" -> place(r);
      case "answer" -> answer(r);
      case "reoffer" -> reoffer(r);
      case "hangup" -> call(r, ref -> new CallCommand.Hangup(uid, ref));
      case "reject" -> call(r, ref -> new CallCommand.Reject(uid, r.flag("busy"), ref));
      case "cancel" -> call(r, ref -> new CallCommand.Cancel(uid, ref));
      case "hold" -> call(r, ref -> new CallCommand.Hold(uid, ref));
      case "unhold" -> call(r, ref -> new CallCommand.Unhold(uid, ref));
      case "dtmf" -> call(r, ref -> new CallCommand.SendDtmf(uid, r.text("digits"), ref));
      case "transfer" -> transfer(r);
      case "conference" -> {
        if (targetAcceptable(r)) {
          call(r, ref -> new CallCommand.Conference(uid, r.text("to"), ref));
        }
      }
      case "remove-party" -> {
        int party = r.count("party");
        if (party < 0) {
          refuse(r.id(), "bad-message", "remove-party needs a whole number 'party'");
        } else {
          call(r, ref -> new CallCommand.RemoveParty(uid, party, ref));
        }
      }
      default -> refuse(r.id(), "unknown-type", r.type());
    }
  }

  /**
   * A request that starts or changes a call while the journal database does not answer: its
   * event could not be written, so it is refused now rather than with a timeout later. Not the
   * client's fault: it does not count towards closing the connection. (A hangup goes through:
   * the call ends on the wire and writes its end later.)
   */
  private void journalUnavailable(Protocol.Request r) {
    shared.counters().refused(JournalAvailability.REFUSAL);
    boolean newCall = r.type().equals("call");
    if (newCall) {
      shared.journal().refused("signaling");
    }
    log.info("{} refused: the journal database is unavailable", r.type());
    error(r.id(), JournalAvailability.REFUSAL, (newCall ? "the gateway cannot take new calls"
        : "the gateway cannot change calls") + " now: its journal database does not answer;"
        + " try again later");
  }

  /**
   * A fresh token for the channel of one of this user's calls (the previous one is about to
   * expire); other users' calls are refused.
   */
  private void rtcToken(Protocol.Request r) {
    String callId = r.text("callId");
    String me = uid;
    shared.entities().<CallView>call(callId, CallCommand.GetCall::new)
        .whenComplete((view, failure) -> {
          if (failure != null) {
            refuse(r.id(), "unavailable", "call " + callId + " did not answer: "
                + failure.getMessage());
          } else if (view.rtc() == null || !view.rtc().uid().equals(me)
              || view.state().equals("Ended")) {
            refuse(r.id(), "no-such-call", "no call " + callId + " of yours is going on");
          } else {
            String token = shared.rtcTokens().issue(view.rtc().channel(), me);
            if (token == null) {
              refuse(r.id(), "no-rtc-tokens", "this gateway's RTC network needs no tokens");
            } else {
              out.send(Protocol.result(r.id()).put("callId", callId)
                  .put("channel", view.rtc().channel()).put("rtcToken", token).toString());
            }
          }
        });
  }

  private void login(Protocol.Request r) {
    String who = r.text("uid");
    var rejection = shared.tokens().reject(who, r.text("token"));
    if (rejection.isPresent()) {
      shared.counters().logInSummary("bad-token", "login of " + who + ": " + rejection.get());
      refuse(r.id(), "bad-token", rejection.get());
      return;
    }
    if (uid != null && !uid.equals(who)) {
      refuse(r.id(), "bad-message", "this connection is logged in as " + uid);
      return;
    }
    CompletionStage<UserReply> reply = shared.entities().userIdempotent(who,
        ref -> new UserCommand.Login(shared.node(), connectionId, ref));
    reply.whenComplete((res, failure) -> {
      if (failure != null) {
        error(r.id(), "timeout", "the user session did not answer: " + failure.getMessage());
      } else if (res instanceof UserReply.Rejected rej) {
        error(r.id(), "rejected", rej.reason());
      } else if (!loggedIn(who)) {
        // the connection closed while the user session answered: undo, or it looks online
        log.info("{} logged in on connection {} after it closed: logged out again", who,
            connectionId);
        shared.entities().tellUser(who, new UserCommand.ConnectionLost(connectionId));
      } else {
        log.info("{} logged in on connection {}", who, connectionId);
        out.send(Protocol.result(r.id()).put("uid", who).put("v", Protocol.VERSION).toString());
      }
    });
  }

  /** Takes the login unless the connection has closed meanwhile; false if it has. */
  private synchronized boolean loggedIn(String who) {
    if (closed) {
      return false;
    }
    uid = who;
    shared.router().register(this);
    return true;
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void logout(Protocol.Request r) {
    String u = uid;
    shared.entities().<UserReply>user(u, ref -> new UserCommand.Logout(connectionId, ref))
        .whenComplete((res, failure) -> {
          shared.router().unregister(this);
          uid = null;
          reply(r.id(), res, failure);
        });
  }

  private void user(Protocol.Request r, Function<ActorRef<UserReply>, UserCommand> command) {
    shared.entities().user(uid, command).whenComplete((res, failure) ->
        reply(r.id(), res, failure));
  }

  private void place(Protocol.Request r) {
    if (r.body().has("channel")) {
      // a chosen channel could be another call's: its audio, and a token for it
      refuse(r.id(), "bad-message", "call: the RTC channel of a call is chosen by the gateway"
          + " (call-<callId>, in the result): leave 'channel' out");
      return;
    }
    if (!targetAcceptable(r) || !offerAcceptable(r)) {
      return;
    }
    String offer = offerOf(r);
    String callId = CallIds.newOutbound();
    String channel = CallIds.rtcChannelFor(callId);
    shared.entities().<CallReply>call(callId,
        ref -> new CallCommand.PlaceCall(uid, channel, r.text("to"), offer, ref))
        .whenComplete((res, failure) -> {
          if (failure == null && res instanceof CallReply.Accepted accepted) {
            ObjectNode result = Protocol.result(r.id()).put("callId", callId)
                .put("channel", channel);
            if (accepted.sdp() != null) {
              result.put("sdp", accepted.sdp());
            }
            Protocol.withRtc(result, accepted.rtcAddress());
            out.send(Protocol.withToken(result, shared.rtcTokens(), channel, uid).toString());
          } else {
            reply(r.id(), res, failure);
          }
        });
  }

  private void answer(Protocol.Request r) {
    if (!offerAcceptable(r)) {
      return;
    }
    String offer = offerOf(r);
    call(r, ref -> new CallCommand.Answer(uid, offer, ref));
  }

  /**
   * A browser's new offer (an ICE restart) for its call, after the call moved to another node:
   * the result carries the SDP answer of the new WebRTC leg.
   */
  private void reoffer(Protocol.Request r) {
    if (!offerAcceptable(r)) {
      return;
    }
    call(r, ref -> new CallCommand.Reoffer(uid, offerOf(r), ref));
  }

  /**
   * A blind transfer to {@code to}, or an attended one with {@code replaces}: the callId of
   * another answered call of this user, whose SIP party becomes the target and whose dialog the
   * REFER's Replaces names (RFC 5589 7). That call is asked for its dialog first; a call of
   * another user, an ended one, one not answered or the same call are refused here.
   */
  private void transfer(Protocol.Request r) {
    if (!r.body().has("replaces")) {
      if (!r.body().path("to").isTextual() || r.text("to").isBlank()) {
        refuse(r.id(), "bad-message", "transfer needs a non-empty string 'to' (or 'replaces')");
      } else if (targetAcceptable(r)) {
        call(r, ref -> new CallCommand.Transfer(uid, r.text("to"), ref));
      }
      return;
    }
    String callId = r.text("callId");
    String other = r.text("replaces");
    if (!r.body().get("replaces").isTextual() || !CallIds.isWellFormed(other)) {
      refuse(r.id(), "no-such-call", "replaces: not a call id");
      return;
    }
    if (other.equals(callId)) {
      refuse(r.id(), "rejected", "replaces names the call itself: name another answered call"
          + " of yours");
      return;
    }
    String me = uid;
    shared.entities().<CallView>call(other, CallCommand.GetCall::new)
        .whenComplete((view, failure) -> {
          if (failure != null) {
            error(r.id(), "unavailable", "call " + other + " did not answer: "
                + failure.getMessage());
          } else if (view.rtc() == null || !view.rtc().uid().equals(me)
              || view.state().equals("Ended")) {
            refuse(r.id(), "no-such-call", "replaces: no call " + other + " of yours is going on");
          } else if (!(view.state().equals("Active") || view.state().equals("Held"))
              || view.dialog() == null || view.dialog().remoteTag() == null) {
            refuse(r.id(), "rejected", "replaces: call " + other + " is " + view.state()
                + "; only an answered call can be replaced");
          } else {
            SipDialog dialog = view.dialog();
            String target = dialog.remoteTarget() != null ? dialog.remoteTarget()
                : dialog.remoteUri();
            call(r, ref -> new CallCommand.Transfer(me, target, other,
                Replaces.forPeerOf(dialog).orElseThrow(), ref));
          }
        });
  }

  /** The {@code to} of a call, transfer or conference must be one the SIP side can parse. */
  private boolean targetAcceptable(Protocol.Request r) {
    var problem = CallTargets.problem(r.text("to"));
    problem.ifPresent(p -> refuse(r.id(), "bad-target", p));
    return problem.isEmpty();
  }

  /**
   * A request's {@code sdp} (a browser's WebRTC offer), when it has one, must be an offer this
   * gateway can answer: otherwise the request is refused here, before any call is made or
   * answered.
   */
  private boolean offerAcceptable(Protocol.Request r) {
    if (!r.body().hasNonNull("sdp")) {
      return true;
    }
    if (!r.body().get("sdp").isTextual()) {
      refuse(r.id(), "bad-message", r.type() + ": 'sdp' must be a string (an SDP offer)");
      return false;
    }
    try {
      shared.webRtc().check(offerOf(r));
      return true;
    } catch (IllegalArgumentException e) {
      log.info("{} with an SDP offer refused: {}", r.type(), e.getMessage());
      refuse(r.id(), "bad-sdp", e.getMessage());
    } catch (IllegalStateException e) {
      refuse(r.id(), "no-webrtc", e.getMessage());
    }
    return false;
  }

  /** The request's WebRTC offer, null without one. */
  private static String offerOf(Protocol.Request r) {
    return r.body().hasNonNull("sdp") ? r.text("sdp") : null;
  }

  private void call(Protocol.Request r, Function<ActorRef<CallReply>, CallCommand> command) {
    shared.entities().call(r.text("callId"), command).whenComplete((res, failure) ->
        reply(r.id(), res, failure));
  }

  private void calls(Protocol.Request r) {
    shared.entities().<Presence>user(uid, UserCommand.GetPresence::new)
        .thenCompose(p -> {
          List<CompletableFuture<CallView>> views = new ArrayList<>();
          for (String id : p.calls()) {
            views.add(shared.entities().<CallView>call(id, CallCommand.GetCall::new)
                .toCompletableFuture());
          }
          return CompletableFuture.allOf(views.toArray(CompletableFuture[]::new))
              .thenApply(v -> views.stream().map(CompletableFuture::join).toList());
        })
        .whenComplete((views, failure) -> {
          if (failure != null) {
            error(r.id(), "timeout", failure.getMessage());
            return;
          }
          ObjectNode result = Protocol.result(r.id());
          ArrayNode list = result.putArray("calls");
          for (CallView v : views) {
            list.addObject().put("callId", v.callId()).put("state", v.state())
                .put("direction", v.direction() == null ? "" : v.direction().name().toLowerCase())
                .put("peer", v.direction() == null ? ""
                    : (v.direction().name().equals("OUTBOUND") ? v.callee() : v.caller())
                        .address())
                .put("localHold", v.localHold()).put("remoteHold", v.remoteHold())
                .put("browser", v.rtc() != null && v.rtc().browser());
            Protocol.withRtc((ObjectNode) list.get(list.size() - 1), v.rtcAddress());
          }
          out.send(result.toString());
        });
  }

  private void reply(String id, Object res, Throwable failure) {
    if (failure != null) {
      error(id, "timeout", "no answer in time: " + failure.getMessage());
    } else if (res instanceof CallReply.Rejected rej) {
      // "rejected", or the dial plan's refusal: forbidden-destination, too-many-calls, ...
      error(id, rej.code(), rej.reason());
    } else if (res instanceof UserReply.Rejected rej) {
      error(id, "rejected", rej.reason());
    } else {
      ObjectNode ok = Protocol.result(id);
      if (res instanceof CallReply c) {
        ok.put("callId", c.callId());
      }
      if (res instanceof CallReply.Accepted a && a.sdp() != null) {
        ok.put("sdp", a.sdp());
      }
      if (res instanceof CallReply.Accepted a) {
        Protocol.withRtc(ok, a.rtcAddress());
      }
      out.send(ok.toString());
    }
  }

  private void error(String id, String code, String reason) {
    out.send(Protocol.error(id, code, reason));
  }

  private void refuse(String id, String code, String reason) {
    shared.counters().refused(code);
    error(id, code, reason);
    int count = refused.incrementAndGet();
    if (count == shared.settings().maxRefused()) {
      shared.counters().refusedAndLogged("too-many-refused", "connection " + connectionId
          + " closed after " + count + " refused messages");
      closing = true;
      out.close();
    }
  }
}
