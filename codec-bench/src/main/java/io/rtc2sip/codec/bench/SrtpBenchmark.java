package io.rtc2sip.codec.bench;

import io.rtc2sip.media.srtp.SrtpKeys;
import io.rtc2sip.media.srtp.SrtpSession;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import org.jitsi.srtp.SrtpErrorStatus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What SRTP costs the SIP leg per packet: one 20 ms G.711 packet (172 bytes: 12 of header, 160
 * of audio) protected by the gateway ({@link #protect}), and protected by the peer then
 * authenticated and decrypted by the gateway ({@link #protectAndUnprotect}: the gateway's work
 * for one packet each way), against the copy the plain path makes ({@link #plain}). A call
 * sends and receives 50 packets a second, so its SRTP costs 50 times the round trip per second.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SrtpBenchmark {
  private static final int PACKET = 172;

  /** The SRTP tag: 10 bytes (AES_CM_128_HMAC_SHA1_80) or 4 (_32). */
  @Param({"10", "4"})
  public int tag;

  private SrtpSession gateway;
  private SrtpSession peer;
  private final byte[] g711 = new byte[PACKET];
  private final SrtpSession.Packet packet = new SrtpSession.Packet(PACKET + 64);
  private final byte[] copy = new byte[PACKET + 64];
  private int seq;

  @Setup
  public void setUp() throws GeneralSecurityException {
    SecureRandom random = new SecureRandom();
    byte[] ours = new byte[SrtpKeys.KEY_LENGTH + SrtpKeys.SALT_LENGTH];
    byte[] theirs = new byte[ours.length];
    random.nextBytes(ours);
    random.nextBytes(theirs);
    gateway = new SrtpSession(SrtpKeys.fromSdes(ours, theirs, tag), 0x1111);
    peer = new SrtpSession(SrtpKeys.fromSdes(theirs, ours, tag), 0x2222);
    g711[0] = (byte) 0x80;
    for (int i = 12; i < PACKET; i++) {
      g711[i] = (byte) (0xD5 ^ i);
    }
  }

  @TearDown
  public void tearDown() {
    gateway.close();
    peer.close();
  }

  /** A fresh packet of the next sequence number from {@code ssrc} in {@link #packet}. */
  private SrtpSession.Packet next(int ssrc) {
    byte[] b = packet.getBuffer();
    System.arraycopy(g711, 0, b, 0, PACKET);
    seq++;
    b[2] = (byte) (seq >> 8);
    b[3] = (byte) seq;
    int ts = seq * 160;
    b[4] = (byte) (ts >> 24);
    b[5] = (byte) (ts >> 16);
    b[6] = (byte) (ts >> 8);
    b[7] = (byte) ts;
    b[8] = (byte) (ssrc >> 24);
    b[9] = (byte) (ssrc >> 16);
    b[10] = (byte) (ssrc >> 8);
    b[11] = (byte) ssrc;
    return packet.reset(PACKET);
  }

  /** The plain path: the packet copied once, as the media bridge does into its send buffer. */
  @Benchmark
  public byte[] plain() {
    SrtpSession.Packet p = next(0x1111);
    System.arraycopy(p.getBuffer(), 0, copy, 0, p.getLength());
    return copy;
  }

  /** The gateway protects one packet it sends. */
  @Benchmark
  public int protect() {
    SrtpSession.Packet p = next(0x1111);
    if (!gateway.protectRtp(p)) {
      throw new IllegalStateException("not protected");
    }
    return p.getLength();
  }

  /** The peer protects a packet, the gateway authenticates and decrypts it. */
  @Benchmark
  public int protectAndUnprotect() throws GeneralSecurityException {
    SrtpSession.Packet p = next(0x2222);
    if (!peer.protectRtp(p)) {
      throw new IllegalStateException("not protected");
    }
    if (gateway.unprotectRtp(p, 0x2222) != SrtpErrorStatus.OK) {
      throw new IllegalStateException("not authenticated");
    }
    return p.getLength();
  }
}
