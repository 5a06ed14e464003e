package io.rtc2sip.webrtc;

import io.rtc2sip.actors.rtc.WebRtcLegs;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.media.MediaIo;
import io.rtc2sip.media.RtpPorts;
import io.rtc2sip.media.srtp.SrtpSession;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.webrtc.WebRtcSettings.Codec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's browser legs ({@link WebRtcLegs}): its DTLS identity, ICE-lite agent, UDP port
 * range, one socket thread for all legs, the DTLS handshake pool and a timer that ends legs whose
 * browser never connected or went away. A leg belongs to the call's media on this node, which
 * closes it.
 */
public final class BrowserMedia implements WebRtcLegs, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BrowserMedia.class);
  private static final long LIVENESS_MILLIS = 250;

  private final WebRtcSettings settings;
  private final SecureRandom random = new SecureRandom();
  private final DtlsIdentity identity;
  private final JcaTlsCrypto crypto;
  private final IceLite ice;
  private final RtpPorts ports;
  private final MediaIo io;
  private final ExecutorService dtlsThreads;
  private final ScheduledExecutorService timer;
  private final Set<BrowserLeg> legs = ConcurrentHashMap.newKeySet();
  private final List<String> addresses;
  private final NodeMetrics.WebRtc metrics;
  private final AutoCloseable counted;

  private BrowserMedia(WebRtcSettings settings, NodeMetrics.WebRtc metrics) throws IOException {
    this.settings = settings;
    this.metrics = metrics;
    if (settings.codecs().contains(Codec.OPUS)) {
      OpusCodec.load(); // fail at start, not at the first call
    }
    SrtpSession.warmUp();
    this.identity = DtlsIdentity.generate("rtc2sip", random);
    this.crypto = new JcaTlsCryptoProvider().create(random);
    this.ice = new IceLite(random);
    this.ports = new RtpPorts(settings.host(), settings.portMin(), settings.portMax());
    this.io = new MediaIo(System::nanoTime, "rtc2sip-webrtc-io");
    this.dtlsThreads = Executors.newFixedThreadPool(settings.dtlsThreads(), named("rtc2sip-dtls-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(named("rtc2sip-webrtc-timer-"));
    List<String> a = new ArrayList<>();
    a.add(settings.host());
    if (!settings.announcedAddress().isEmpty()
        && !settings.announcedAddress().equals(settings.host())) {
      a.add(settings.announcedAddress());
    }
    this.addresses = List.copyOf(a);
    timer.scheduleAtFixedRate(this::checkLiveness, LIVENESS_MILLIS, LIVENESS_MILLIS,
        TimeUnit.MILLISECONDS);
    this.counted = metrics.legs(legs::size);
  }

  /** Starts browser legs outside a node (their counters go nowhere). */
  public static BrowserMedia start(WebRtcSettings settings) throws IOException {
    return start(settings, NodeMetrics.WebRtc.detached());
  }

  /** Starts the node's browser legs, counted in {@code metrics}. */
  public static BrowserMedia start(WebRtcSettings settings, NodeMetrics.WebRtc metrics)
      throws IOException {
    BrowserMedia media = new BrowserMedia(settings, metrics);
    log.info("WebRTC: ICE-lite on {} ports {}-{}, codecs {}, DTLS certificate sha-256 {}",
        media.addresses, settings.portMin(), settings.portMax(), settings.codecs(),
        media.identity.fingerprint);
    return media;
  }

  @Override
  public Answered answer(String callId, String offerSdp, Listener listener) {
    BrowserOffer offer = BrowserOffer.parse(offerSdp, settings.codecs());
    DatagramChannel channel = ports.allocateOne().orElseThrow(() -> new IllegalStateException(
        "no free WebRTC port in " + settings.portMin() + "-" + settings.portMax()));
    IceLite.Credentials credentials = ice.register();
    BrowserLeg leg;
    InetSocketAddress local;
    try {
      local = (InetSocketAddress) channel.getLocalAddress();
      int ssrc = random.nextInt();
      leg = new BrowserLeg(callId, channel, local, ice, credentials, this::dtls, offer,
          sink -> audio(offer, ssrc, sink), ssrc, counting(listener), settings,
          System::nanoTime, this::closed, metrics::connected);
    } catch (IOException | RuntimeException e) {
      ice.unregister(credentials);
      RtpPorts.closeQuietly(channel);
      throw new IllegalStateException("the WebRTC leg could not be made: " + e.getMessage(), e);
    }
    legs.add(leg);
    metrics.answered.inc();
    io.register(channel, leg::received);
    String sdp = BrowserAnswer.of(offer, Math.abs(random.nextLong() >> 1), addresses,
        local.getPort(), credentials.ufrag(), credentials.pwd(), identity.fingerprint,
        leg.ssrc(), leg.cname());
    return new Answered(sdp, leg);
  }

  /** The call's listener, with the leg's end counted first. */
  private Listener counting(Listener listener) {
    return new Listener() {
      @Override
      public void left(String reason) {
        metrics.left.inc();
        listener.left(reason);
      }

      @Override
      public void failed(String reason) {
        metrics.failed.inc();
        listener.failed(reason);
      }
    };
  }

  private void closed(BrowserLeg leg) {
    legs.remove(leg);
    metrics.refused.inc(leg.refused());
    metrics.lost.inc(leg.lost());
  }

  @Override
  public void check(String offer) {
    BrowserOffer.parse(offer, settings.codecs());
  }

  private DtlsConnection dtls(BrowserOffer offer, DtlsConnection.Sender sender,
      DtlsConnection.Events events) {
    return new DtlsConnection(crypto, identity, offer.fingerprintHash(), offer.fingerprint(),
        sender, events, dtlsThreads, (int) settings.connectTimeout().toMillis());
  }

  private LegAudio audio(BrowserOffer offer, int ssrc, io.rtc2sip.codec.pipeline.PacketSink sink) {
    int sequence = random.nextInt(0x10000);
    int timestamp = random.nextInt();
    return switch (offer.codec()) {
      case OPUS -> new OpusAudio(new OpusCodec(settings.opusComplexity(), settings.opusBitrate()),
          offer.payloadType(), ssrc, sequence, timestamp, sink);
      case PCMU -> new G711Audio(G711.PCMU, offer.payloadType(), ssrc, sequence, timestamp, sink,
          System::nanoTime);
      case PCMA -> new G711Audio(G711.PCMA, offer.payloadType(), ssrc, sequence, timestamp, sink,
          System::nanoTime);
    };
  }

  private void checkLiveness() {
    long now = System.nanoTime();
    for (BrowserLeg leg : legs) {
      try {
        leg.checkLiveness(now);
      } catch (RuntimeException e) {
        log.warn("WebRTC liveness check of call {} failed: {}", leg.callId, e.toString());
      }
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      counted.close();
    } catch (Exception e) {
      log.debug("WebRTC legs gauge not removed: {}", e.toString());
    }
    for (BrowserLeg leg : legs) {
      leg.close();
    }
    legs.clear();
    dtlsThreads.shutdown();
    try {
      dtlsThreads.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dtlsThreads.shutdownNow();
    io.close();
    ice.close();
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
