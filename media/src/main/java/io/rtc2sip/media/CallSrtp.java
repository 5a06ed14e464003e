package io.rtc2sip.media;

import io.rtc2sip.actors.Mdc;
import io.rtc2sip.actors.port.SdesCrypto;
import io.rtc2sip.actors.port.SdesKey;
import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import org.jitsi.srtp.SrtpErrorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SRTP of one call's SIP media, keyed with SDES: our key (made on first use), the peer's
 * (from its SDP), and the session once both are known. What goes out is protected only with a
 * session, so an SRTP call sends nothing in clear while it waits for the peer's key; what comes in
 * is taken only if it authenticates and passes the replay window. Sending and RTP receiving run on
 * the media clock, RTCP receiving on the socket thread: receiving synchronizes on the session.
 * {@link #close()} zeroes every key this object holds.
 */
final class CallSrtp {
  private static final Logger log = LoggerFactory.getLogger(CallSrtp.class);

  private final String callId;
  private final SecureRandom random;
  private final int ssrc;
  private SdesKey localKey; // guarded by this
  private volatile SdesCrypto remote;
  private volatile SrtpSession session;
  private volatile boolean on;
  private SdesCrypto builtFrom; // media clock only
  private final SrtpSession.Packet rtpIn = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet rtpOut = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet rtcpIn = new SrtpSession.Packet(PacketRing.MAX_PACKET + 64);
  private final SrtpSession.Packet rtcpOut = new SrtpSession.Packet(512 + 64);

  CallSrtp(String callId, SecureRandom random, int ssrc) {
    this.callId = callId;
    this.random = random;
    this.ssrc = ssrc;
  }

  /** Our SDES key for this call, made on first use (it lives as long as the call's media). */
  synchronized SdesKey localKey() {
    if (localKey == null) {
      localKey = SdesKey.random(random);
    }
    return localKey;
  }

  /** The peer's SDP said this (any thread); this object keeps its own copy of the key. */
  void describe(Optional<SdesCrypto> crypto) {
    remote = crypto.map(c -> new SdesCrypto(c.suite(), c.remoteKey().copy())).orElse(null);
  }

  /** Whether the call's media is SRTP (as of the last {@link #follow}). */
  boolean on() {
    return on;
  }

  /**
   * Media clock: follows the call's media ({@code srtp}: whether it is SRTP) and the keys: a
   * session once both are known, the peer's new key on a re-INVITE (what we send keeps its
   * context, so its packet index never starts over under the same key), the same key again kept
   * as it is (the peer's rollover counters and replay windows go on), no session for plain media.
   */
  void follow(boolean srtp) {
    on = srtp;
    SdesCrypto next = srtp ? remote : null;
    if (next == builtFrom) {
      return;
    }
    SrtpSession current = session;
    if (current != null && next != null && builtFrom != null
        && next.suite() == builtFrom.suite() && next.remoteKey().equals(builtFrom.remoteKey())) {
      replaceBuiltFrom(next);
      return;
    }
    if (next == null) {
      session = null;
      close(current);
      log(srtp ? "SRTP: no key of the peer: media held until one comes" : "plain RTP");
    } else if (current != null && current.authTagBytes() == next.suite().authTagBytes()) {
      byte[] k = next.remoteKey().bytes();
      synchronized (current) {
        current.receiveWith(Arrays.copyOfRange(k, 0, SrtpKeys.KEY_LENGTH),
            Arrays.copyOfRange(k, SrtpKeys.KEY_LENGTH, k.length));
      }
      Arrays.fill(k, (byte) 0);
      log("SRTP " + next.suite() + ": the peer's new key");
    } else {
      byte[] local = localKey().bytes();
      byte[] peer = next.remoteKey().bytes();
      SrtpKeys keys = SrtpKeys.fromSdes(local, peer, next.suite().authTagBytes());
      Arrays.fill(local, (byte) 0);
      Arrays.fill(peer, (byte) 0);
      try {
        session = new SrtpSession(keys, ssrc);
        log("SRTP " + next.suite() + " on");
      } catch (GeneralSecurityException e) {
        session = null;
        Mdc.runWithCall(callId, () -> log.error("SRTP cannot be set up: {}; media held",
            e.toString()));
      } finally {
        keys.destroy();
      }
      close(current);
    }
    replaceBuiltFrom(next);
  }

  private void replaceBuiltFrom(SdesCrypto next) {
    destroy(builtFrom);
    builtFrom = next;
  }

  private void log(String line) {
    Mdc.runWithCall(callId, () -> log.info(line));
  }

  /**
   * Media clock: authenticates and decrypts an SRTP packet; the RTP packet is then in {@link
   * #rtp()}, or false to drop it (a forgery, a replay, plain RTP, no keys yet).
   */
  boolean unprotectRtp(byte[] packet, int length) {
    SrtpSession s = session;
    if (s == null || length < 12 || length > rtpIn.getBuffer().length
        || (packet[0] & 0xC0) != 0x80) {
      return false;
    }
    System.arraycopy(packet, 0, rtpIn.getBuffer(), 0, length);
    rtpIn.reset(length);
    try {
      synchronized (s) {
        return s.unprotectRtp(rtpIn) == SrtpErrorStatus.OK
            && rtpIn.getOffset() == 0;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** The packet {@link #unprotectRtp} decrypted, from offset 0. */
  SrtpSession.Packet rtp() {
    return rtpIn;
  }

  /** Socket thread: whether an SRTCP packet authenticates with the peer's key (no replay). */
  boolean authenticRtcp(ByteBuffer datagram) {
    SrtpSession s = session;
    int length = datagram.remaining();
    if (s == null || length < 8 || length > rtcpIn.getBuffer().length) {
      return false;
    }
    datagram.duplicate().get(rtcpIn.getBuffer(), 0, length);
    rtcpIn.reset(length);
    try {
      synchronized (s) {
        return s.unprotectRtcp(rtcpIn) == SrtpErrorStatus.OK;
      }
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  /** Media clock: {@code len} bytes of RTP protected, or null when nothing may go out. */
  SrtpSession.Packet protectRtp(byte[] packet, int off, int len) {
    SrtpSession s = session;
    if (s == null || len > rtpOut.getBuffer().length - 32) {
      return null;
    }
    System.arraycopy(packet, off, rtpOut.getBuffer(), 0, len);
    return s.protectRtp(rtpOut.reset(len)) ? rtpOut : null;
  }

  /** Media clock: {@code len} bytes of RTCP protected, or null when nothing may go out. */
  SrtpSession.Packet protectRtcp(byte[] packet, int len) {
    SrtpSession s = session;
    if (s == null || len > rtcpOut.getBuffer().length - 32) {
      return null;
    }
    System.arraycopy(packet, 0, rtcpOut.getBuffer(), 0, len);
    return s.protectRtcp(rtcpOut.reset(len)) ? rtcpOut : null;
  }

  /** Ends the session and zeroes our key and the peer's. */
  void close() {
    SrtpSession s = session;
    session = null;
    close(s);
    synchronized (this) {
      if (localKey != null) {
        localKey.destroy();
      }
    }
    destroy(remote);
    destroy(builtFrom);
  }

  private static void close(SrtpSession s) {
    if (s != null) {
      synchronized (s) {
        s.close();
      }
    }
  }

  private static void destroy(SdesCrypto crypto) {
    if (crypto != null) {
      crypto.remoteKey().destroy();
    }
  }
}
