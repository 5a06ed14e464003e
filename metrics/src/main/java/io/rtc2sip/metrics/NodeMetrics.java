package io.rtc2sip.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The node's metrics (Prometheus text format at {@code /metrics}), its supervision events and
 * the SIP trace of recent calls: one instance per actor system, so every module of the node
 * reaches the same registry through {@link #get(ActorSystem)} and tests get a fresh one per
 * system. Names follow Prometheus conventions: {@code rtc2sip_} prefix, base units
 * ({@code _seconds}), {@code _total} for counters, lower-case label values.
 */
public final class NodeMetrics implements Extension {
  /** The HTTP content type of {@link #scrape()}. */
  public static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final String node;
  private final SupervisionLog supervision;
  private final SipTrace sipTrace = new SipTrace(512, 40, 4000);
  private final Map<String, String> activeCalls = new ConcurrentHashMap<>();

  private final Counter callSetups;
  private final Counter callsAnswered;
  private final Counter callsEnded;
  private final Counter callsRefused;
  private final Counter sipRequests;
  private final Counter sipResponses;
  private final Counter sipDialogMismatches;
  private volatile LongSupplier sipDialogsOpen = () -> 0;
  private final Histogram journalWrites;
  private final Counter entityRestarts;
  private final Counter supervisionEvents;
  private final Gauge projectionLag;
  private final Media media;
  private final WebRtc webrtc;
  private final List<LongSupplier> pendingInvites = new CopyOnWriteArrayList<>();
  private final SipAccess sipAccess;
  private volatile Supplier<List<SipDestination>> sipDestinations = List::of;
  private final Push push;

  private NodeMetrics(String node, Clock clock) {
    this.node = node;
    callSetups = Counter.builder().name("rtc2sip_call_setups_total")
        .help("Calls started on this node (INVITE received or placed by a client)")
        .labelNames("direction").register(registry);
    callsAnswered = Counter.builder().name("rtc2sip_calls_answered_total")
        .help("Calls answered on this node").labelNames("direction").register(registry);
    callsEnded = Counter.builder().name("rtc2sip_calls_ended_total")
        .help("Calls ended on this node, by end cause").labelNames("direction", "cause")
        .register(registry);
    GaugeWithCallback.builder().name("rtc2sip_calls_active")
        .help("Calls set up or established whose entity runs on this node")
        .labelNames("direction")
        .callback(cb -> {
          long in = activeCalls.values().stream().filter("inbound"::equals).count();
          cb.call(in, "inbound");
          cb.call(activeCalls.size() - in, "outbound");
        })
        .register(registry);
    callsRefused = Counter.builder().name("rtc2sip_calls_refused_total")
        .help("Calls, transfers and REFERs refused by a user's dial plan, by reason")
        .labelNames("reason").register(registry);
    sipRequests = Counter.builder().name("rtc2sip_sip_requests_total")
        .help("SIP requests sent (out) and received (in) by method")
        .labelNames("direction", "method").register(registry);
    sipResponses = Counter.builder().name("rtc2sip_sip_responses_total")
        .help("SIP responses sent (out) and received (in) by status code and CSeq method")
        .labelNames("direction", "code", "method").register(registry);
    sipDialogMismatches = Counter.builder().name("rtc2sip_sip_dialog_mismatch_total")
        .help("SIP requests refused because they do not belong to a dialog of a call: unknown"
            + " (no such call, 481), tags (Call-ID or tags differ, 481), cseq (out of order, 500),"
            + " merged (a new INVITE for a call that exists, 482), cancel (a CANCEL matching no"
            + " pending INVITE, 481), rack (a PRACK naming no reliable 18x awaiting it, 481),"
            + " unclaimed (an INVITE its call never took up)")
        .labelNames("reason").register(registry);
    GaugeWithCallback.builder().name("rtc2sip_sip_dialogs_open")
        .help("Calls whose SIP dialog state the SIP adapter of this node holds")
        .callback(cb -> cb.call(sipDialogsOpen.getAsLong()))
        .register(registry);
    journalWrites = Histogram.builder().name("rtc2sip_journal_write_seconds")
        .help("Time from persisting a call event to its confirmation by the journal")
        .classicOnly()
        .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5)
        .register(registry);
    entityRestarts = Counter.builder().name("rtc2sip_entity_restarts_total")
        .help("Entities restarted by their supervisor after a failure")
        .labelNames("entity").register(registry);
    supervisionEvents = Counter.builder().name("rtc2sip_supervision_events_total")
        .help("Supervision events recorded on this node, by kind")
        .labelNames("kind").register(registry);
    projectionLag = Gauge.builder().name("rtc2sip_call_history_lag_events")
        .help("Call events in the journal not yet in the call history (on the projection's node)")
        .register(registry);
    GaugeWithCallback.builder().name("rtc2sip_sip_pending_invites")
        .help("Inbound INVITEs awaiting the node's final answer (each holds a slot of"
            + " overload.max-pending-invites)")
        .callback(cb -> cb.call(sum(pendingInvites))).register(registry);
    media = new Media(registry);
    webrtc = new WebRtc(registry);
    sipAccess = new SipAccess(registry);
    push = new Push(registry);
    supervision = new SupervisionLog(node, clock, 200, (kind, subject) ->
        supervisionEvents.labelValues(kind).inc());
  }

  /** The metrics of {@code system}'s node. */
  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(Id.INSTANCE);
  }

  /** The text exposition of every metric. */
  public String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    try {
      PrometheusTextFormatWriter.create().write(out, registry.scrape());
    } catch (IOException e) {
      throw new IllegalStateException("metrics not written: " + e.getMessage(), e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  /** The cluster address of this node, as supervision events name it. */
  public String node() {
    return node;
  }

  public SupervisionLog supervision() {
    return supervision;
  }

  public SipTrace sipTrace() {
    return sipTrace;
  }

  public Media media() {
    return media;
  }

  public WebRtc webrtc() {
    return webrtc;
  }

  public SipAccess sipAccess() {
    return sipAccess;
  }

  public Push push() {
    return push;
  }

  // ---------------------------------------------------------------- calls

  /** A call entity on this node started a call, or recovered one that is not over. */
  public void callLive(String callId, String direction, boolean newCall) {
    String d = lower(direction);
    activeCalls.put(callId, d);
    if (newCall) {
      callSetups.labelValues(d).inc();
    }
  }

  public void callAnswered(String direction) {
    callsAnswered.labelValues(lower(direction)).inc();
  }

  /** The call ended here with {@code cause}. */
  public void callEnded(String callId, String direction, String cause) {
    activeCalls.remove(callId);
    callsEnded.labelValues(lower(direction), lower(cause)).inc();
  }

  /** A user's dial plan refused a call, transfer or REFER ({@code reason}: its error code). */
  public void callRefused(String reason) {
    callsRefused.labelValues(reason).inc();
  }

  /** The call's entity stopped on this node (passivated, moved, or the node is leaving). */
  public void callStopped(String callId) {
    activeCalls.remove(callId);
  }

  /** The ids of the calls live on this node. */
  public java.util.Set<String> activeCallIds() {
    return java.util.Set.copyOf(activeCalls.keySet());
  }

  public void journalWrite(long nanos) {
    journalWrites.observe(nanos / 1e9);
  }

  /**
   * Counts a restart of entity {@code id} of type {@code entity} and records it as a supervision
   * event of {@code kind} (a {@code SupervisionLog.KIND_*}).
   */
  public void entityRestarted(String entity, String id, String kind, String detail) {
    entityRestarts.labelValues(entity).inc();
    supervision.record(kind, id, detail);
  }

  public void callHistoryLag(long events) {
    projectionLag.set(events);
  }

  // ---------------------------------------------------------------- SIP

  public void sipRequest(boolean sent, String method) {
    sipRequests.labelValues(sent ? "out" : "in", method).inc();
  }

  public void sipResponse(boolean sent, int code, String method) {
    sipResponses.labelValues(sent ? "out" : "in", Integer.toString(code), method).inc();
  }

  /** A SIP request refused because it does not belong to a call's dialog, by reason. */
  public void sipDialogMismatch(String reason) {
    sipDialogMismatches.labelValues(reason).inc();
  }

  /** Where {@code rtc2sip_sip_dialogs_open} reads its value (the SIP adapter's registry). */
  public void sipDialogsOpen(LongSupplier open) {
    sipDialogsOpen = open;
  }

  /**
   * Adds a SIP adapter's count of inbound INVITEs awaiting an answer to
   * {@code rtc2sip_sip_pending_invites}; closing the result takes it out.
   */
  public AutoCloseable pendingInvites(LongSupplier pending) {
    pendingInvites.add(pending);
    return () -> pendingInvites.remove(pending);
  }

  /**
   * Where {@link #sipDestinations()} reads the servers of this node's destination sets (the SIP
   * adapter's); closing the result takes the source out again.
   */
  public AutoCloseable sipDestinations(Supplier<List<SipDestination>> source) {
    sipDestinations = source;
    return () -> {
      if (sipDestinations == source) {
        sipDestinations = List::of;
      }
    };
  }

  /** The servers of this node's destination sets and their state, for the dashboard. */
  public List<SipDestination> sipDestinations() {
    return sipDestinations.get();
  }

  // ---------------------------------------------------------------- media

  /** Media counters, resolved once so the media clock's hot path only adds. */
  public static final class Media {
    public final CounterDataPoint rtpReceived;
    public final CounterDataPoint rtpSent;
    public final CounterDataPoint rtpLost;
    /** Refused RTP/RTCP: valid packets from a source the call does not take packets from. */
    public final CounterDataPoint rtpRefusedSource;
    /** Refused RTP/RTCP: not RTP (version, header) or not RTCP on the RTCP port. */
    public final CounterDataPoint rtpRefusedMalformed;
    /** Refused RTP: a payload type the call did not negotiate. */
    public final CounterDataPoint rtpRefusedPayloadType;
    /**
     * Refused SRTP/SRTCP: failed authentication or the replay check, too many sources, or plain
     * packets (or no keys yet) on a call whose media is SRTP.
     */
    public final CounterDataPoint rtpRefusedSrtp;
    private final Histogram jitter;
    private final List<LongSupplier> portSources = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> droppedSources = new CopyOnWriteArrayList<>();
    private final List<LongSupplier> lateSources = new CopyOnWriteArrayList<>();

    private Media(PrometheusRegistry registry) {
      Counter packets = Counter.builder().name("rtc2sip_rtp_packets_total")
          .help("RTP packets received (in) and sent (out) by the media bridge")
          .labelNames("direction").register(registry);
      rtpReceived = packets.labelValues("in");
      rtpSent = packets.labelValues("out");
      rtpLost = Counter.builder().name("rtc2sip_rtp_packets_lost_total")
          .help("RTP packets the SIP peers sent that never arrived (from sequence numbers)")
          .register(registry).labelValues();
      Counter refused = Counter.builder().name("rtc2sip_rtp_packets_refused_total")
          .help("Datagrams SIP calls' RTP/RTCP ports dropped, by reason: foreign-source (not"
              + " from the peer's SDP address nor latched, docs/security.md), malformed (not"
              + " RTP/RTCP), payload-type (not negotiated), srtp (failed authentication or"
              + " replay check)")
          .labelNames("reason").register(registry);
      rtpRefusedSource = refused.labelValues("foreign-source");
      rtpRefusedMalformed = refused.labelValues("malformed");
      rtpRefusedPayloadType = refused.labelValues("payload-type");
      rtpRefusedSrtp = refused.labelValues("srtp");
      GaugeWithCallback.builder().name("rtc2sip_rtp_ports_in_use")
          .help("UDP ports of the RTP range held by SIP calls on this node (RTP and RTCP each)")
          .callback(cb -> cb.call(sum(portSources))).register(registry);
      CounterWithCallback.builder().name("rtc2sip_media_packets_dropped_total")
          .help("Received RTP packets dropped inside the gateway (a call's queue was full)")
          .callback(cb -> cb.call(sum(droppedSources))).register(registry);
      CounterWithCallback.builder().name("rtc2sip_media_ticks_late_total")
          .help("10 ms media clock ticks that started late (the node is overloaded)")
          .callback(cb -> cb.call(sum(lateSources))).register(registry);
      jitter = Histogram.builder().name("rtc2sip_rtp_jitter_seconds")
          .help("Interarrival jitter of received RTP (RFC 3550), sampled at every RTCP report")
          .classicOnly()
          .classicUpperBounds(0.001, 0.002, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16)
          .register(registry);
    }

    public void jitter(double seconds) {
      jitter.observe(seconds);
    }

    /**
     * Adds a media bridge's own counters (packets dropped and clock ticks late inside it, port
     * ports held) to what {@code rtc2sip_media_packets_dropped_total},
     * {@code rtc2sip_media_ticks_late_total} and {@code rtc2sip_rtp_ports_in_use} report;
     * closing the result takes them out again.
     */
    public AutoCloseable bridge(LongSupplier dropped, LongSupplier late, LongSupplier ports) {
      droppedSources.add(dropped);
      lateSources.add(late);
      portSources.add(ports);
      return () -> {
        droppedSources.remove(dropped);
        lateSources.remove(late);
        portSources.remove(ports);
      };
    }

  }

  /** Push notifications of parked calls, and what became of the parked calls. */
  public static final class Push {
    private final Counter attempts;
    private final Histogram latency;
    private final Counter parkedCalls;

    private Push(PrometheusRegistry registry) {
      attempts = Counter.builder().name("rtc2sip_push_attempts_total")
          .help("Push notification attempts of parked calls by outcome: delivered (2xx), retry"
              + " (another attempt follows), failed (the push was given up)")
          .labelNames("outcome").register(registry);
      latency = Histogram.builder().name("rtc2sip_push_attempt_seconds")
          .help("Time from sending a push notification to the receiver's answer (or error)")
          .classicOnly()
          .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10)
          .register(registry);
      parkedCalls = Counter.builder().name("rtc2sip_parked_calls_total")
          .help("Inbound calls parked for an offline callee, by outcome: answered (the callee"
              + " logged in and answered), timed-out (480 at the park deadline), cancelled (the"
              + " caller gave up)")
          .labelNames("outcome").register(registry);
    }

    /** A push attempt ended with {@code outcome} after {@code millis}. */
    public void attempt(String outcome, long millis) {
      attempts.labelValues(outcome).inc();
      latency.observe(millis / 1000.0);
    }

    /** A parked call ended or was answered: {@code outcome}. */
    public void parkedCall(String outcome) {
      parkedCalls.labelValues(outcome).inc();
    }
  }

  /** Browser (WebRTC) legs: how many, how they end, how fast they connect, what they refuse. */
  public static final class WebRtc {
    public final CounterDataPoint answered;
    public final CounterDataPoint connected;
    public final CounterDataPoint failed;
    public final CounterDataPoint left;
    public final CounterDataPoint refused;
    public final CounterDataPoint lost;
    private final Histogram connectTime;
    private final List<LongSupplier> active = new CopyOnWriteArrayList<>();

    private WebRtc(PrometheusRegistry registry) {
      Counter legs = Counter.builder().name("rtc2sip_webrtc_legs_total")
          .help("Browser legs by what became of them: answered (an offer was answered),"
              + " connected (ICE and DTLS completed), failed (they never did, or broke),"
              + " left (the browser closed or went quiet)")
          .labelNames("event").register(registry);
      answered = legs.labelValues("answered");
      connected = legs.labelValues("connected");
      failed = legs.labelValues("failed");
      left = legs.labelValues("left");
      refused = Counter.builder().name("rtc2sip_webrtc_packets_refused_total")
          .help("Datagrams browser legs dropped: from addresses no ICE check verified, failed"
              + " SRTP authentication or replay, malformed")
          .register(registry).labelValues();
      lost = Counter.builder().name("rtc2sip_webrtc_packets_lost_total")
          .help("Media packets browsers sent that never arrived (from sequence numbers), counted"
              + " when their leg closes")
          .register(registry).labelValues();
      GaugeWithCallback.builder().name("rtc2sip_webrtc_legs_active")
          .help("Browser legs open on this node")
          .callback(cb -> cb.call(sum(active))).register(registry);
      connectTime = Histogram.builder().name("rtc2sip_webrtc_connect_seconds")
          .help("Time from the SDP answer to ICE and DTLS completed, per browser leg")
          .classicOnly()
          .classicUpperBounds(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10)
          .register(registry);
    }

    /** Counters of their own, in a registry nobody scrapes (legs outside a node: tests). */
    public static WebRtc detached() {
      return new WebRtc(new PrometheusRegistry());
    }

    public void connected(long millis) {
      connected.inc();
      connectTime.observe(millis / 1000.0);
    }

    /** Adds a node's count of open legs to the gauge; closing the result takes it out. */
    public AutoCloseable legs(LongSupplier open) {
      active.add(open);
      return () -> active.remove(open);
    }
  }

  /**
   * The SIP access policy: requests dropped before any work (banned sources, rate limits,
   * scanners), bans, INVITEs challenged or refused, malformed datagrams, challenges to our own
   * requests that were not answered because they did not come from the trunk.
   */
  public static final class SipAccess {
    public final CounterDataPoint droppedBanned;
    public final CounterDataPoint droppedRateLimited;
    public final CounterDataPoint droppedScanner;
    public final CounterDataPoint bannedRateLimited;
    public final CounterDataPoint bannedScanner;
    public final CounterDataPoint challenged;
    public final CounterDataPoint authenticated;
    public final CounterDataPoint refusedUntrusted;
    public final CounterDataPoint refusedBadCredentials;
    public final CounterDataPoint malformed;
    public final CounterDataPoint foreignChallenges;
    public final CounterDataPoint tlsServerRefused;
    private final List<LongSupplier> activeBans = new CopyOnWriteArrayList<>();

    private SipAccess(PrometheusRegistry registry) {
      Counter dropped = Counter.builder().name("rtc2sip_sip_requests_dropped_total")
          .help("SIP messages dropped before any work: from a banned source, the one that went"
              + " over its source's rate limit, from a scanner's User-Agent")
          .labelNames("reason").register(registry);
      droppedBanned = dropped.labelValues("banned");
      droppedRateLimited = dropped.labelValues("rate_limited");
      droppedScanner = dropped.labelValues("scanner");
      Counter bans = Counter.builder().name("rtc2sip_sip_bans_total")
          .help("Sources banned for a while, by why").labelNames("reason").register(registry);
      bannedRateLimited = bans.labelValues("rate_limited");
      bannedScanner = bans.labelValues("scanner");
      GaugeWithCallback.builder().name("rtc2sip_sip_bans_active")
          .help("Sources banned right now").callback(cb -> cb.call(sum(activeBans)))
          .register(registry);
      Counter invites = Counter.builder().name("rtc2sip_sip_invite_access_total")
          .help("Initial INVITEs from untrusted sources: challenged (407), authenticated,"
              + " refused as untrusted (403), refused for bad credentials (403)")
          .labelNames("outcome").register(registry);
      challenged = invites.labelValues("challenged");
      authenticated = invites.labelValues("authenticated");
      refusedUntrusted = invites.labelValues("refused_untrusted");
      refusedBadCredentials = invites.labelValues("refused_bad_credentials");
      malformed = Counter.builder().name("rtc2sip_sip_malformed_total")
          .help("SIP datagrams that could not be parsed or lack required headers (dropped)")
          .register(registry).labelValues();
      foreignChallenges = Counter.builder().name("rtc2sip_sip_foreign_challenges_total")
          .help("401/407 challenges to our requests left unanswered: not from the configured"
              + " trunk or registrar (host or realm)")
          .register(registry).labelValues();
      tlsServerRefused = Counter.builder().name("rtc2sip_sip_tls_servers_refused_total")
          .help("SIP over TLS connections of ours not made: the server's certificate was not"
              + " trusted or not made out to the host we connected to")
          .register(registry).labelValues();
    }

    /** Counters of their own, in a registry nobody scrapes (tests). */
    public static SipAccess detached() {
      return new SipAccess(new PrometheusRegistry());
    }

    /** Adds a count of active bans to the gauge; closing the result takes it out. */
    public AutoCloseable bans(LongSupplier active) {
      activeBans.add(active);
      return () -> activeBans.remove(active);
    }
  }

  private static long sum(List<LongSupplier> sources) {
    long total = 0;
    for (LongSupplier s : sources) {
      total += s.getAsLong();
    }
    return total;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  private static final class Id extends ExtensionId<NodeMetrics> {
    static final Id INSTANCE = new Id();

    @Override
    public NodeMetrics createExtension(ActorSystem<?> system) {
      return new NodeMetrics(system.address().toString(), Clock.systemUTC());
    }
  }
}
