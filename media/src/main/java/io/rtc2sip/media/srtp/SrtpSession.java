package io.rtc2sip.media.srtp;

import java.security.GeneralSecurityException;
import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.srtp.SrtpPolicy;
import org.jitsi.utils.ByteArrayBuffer;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP (AES_CM_128 with HMAC-SHA1, RFC 3711) of one media session on jitsi-srtp, for a
 * browser leg (keys from DTLS) and for the SIP leg (keys from SDES): one context for what the
 * gateway sends (its own SSRC) and one per SSRC the peer sends with (at most {@link
 * #MAX_SOURCES}; packets of further sources are refused). Replay protection and rollover counting
 * are the library's. Each direction is single-threaded: sending on the media clock, receiving on
 * one thread at a time (a caller that unprotects on two threads synchronizes on the session).
 */
public final class SrtpSession implements AutoCloseable {
  public static final int MAX_SOURCES = 4;
  private static final Logger LOGGER = new LoggerImpl(SrtpSession.class.getName());

  private final SrtpContextFactory sendFactory;
  private final SrtpPolicy rtpPolicy;
  private final SrtpPolicy rtcpPolicy;
  private SrtpContextFactory receiveFactory;
  private final SrtpCryptoContext send;
  private final SrtcpCryptoContext sendControl;
  private final int[] sources = new int[MAX_SOURCES];
  private final SrtpCryptoContext[] receive = new SrtpCryptoContext[MAX_SOURCES];
  private final SrtcpCryptoContext[] receiveControl = new SrtcpCryptoContext[MAX_SOURCES];
  private int sourceCount;

  /**
   * A session sending with {@code ssrc}. The library copies the keys; the caller may {@link
   * SrtpKeys#destroy()} them afterwards.
   */
  public SrtpSession(SrtpKeys keys, int ssrc) throws GeneralSecurityException {
    rtpPolicy = policy(keys.authTagBytes());
    // SRTCP always carries the 80-bit tag (RFC 5764 4.1.2, RFC 4568 6.2.2 for _32 too)
    rtcpPolicy = policy(10);
    sendFactory = new SrtpContextFactory(true, keys.sendKey(), keys.sendSalt(), rtpPolicy,
        rtcpPolicy, LOGGER);
    receiveFactory = new SrtpContextFactory(false, keys.receiveKey(), keys.receiveSalt(),
        rtpPolicy, rtcpPolicy, LOGGER);
    send = sendFactory.deriveContext(ssrc, 0);
    sendControl = sendFactory.deriveControlContext(ssrc);
  }

  /**
   * Receives with a new key of the peer (a re-INVITE's SDES): the peer's sources start over,
   * what the gateway sends keeps its context (its rollover counter and index go on, so no
   * keystream is used twice).
   */
  public void receiveWith(byte[] key, byte[] salt) {
    SrtpContextFactory old = receiveFactory;
    receiveFactory = new SrtpContextFactory(false, key, salt, rtpPolicy, rtcpPolicy, LOGGER);
    old.close();
    java.util.Arrays.fill(sources, 0);
    java.util.Arrays.fill(receive, null);
    java.util.Arrays.fill(receiveControl, null);
    sourceCount = 0;
  }

  /** The authentication tag length of SRTP packets (SRTCP's is always 10). */
  public int authTagBytes() {
    return rtpPolicy.getAuthTagLength();
  }

  /**
   * Sets the library up before the first call needs it: jitsi-srtp picks its AES implementation
   * by timing the candidates on first use (about a second), which would otherwise delay the first
   * leg's media.
   */
  public static void warmUp() {
    byte[] material = new byte[2 * (SrtpKeys.KEY_LENGTH + SrtpKeys.SALT_LENGTH)];
    new java.security.SecureRandom().nextBytes(material);
    try (SrtpSession session = new SrtpSession(SrtpKeys.fromServerSide(material, 10), 1)) {
      Packet p = new Packet(64).reset(12 + 20);
      p.getBuffer()[0] = (byte) 0x80;
      session.protectRtp(p);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SRTP cannot be set up: " + e, e);
    }
  }

  private static SrtpPolicy policy(int tagBytes) {
    return new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, SrtpKeys.KEY_LENGTH,
        SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, tagBytes, SrtpKeys.SALT_LENGTH);
  }

  /** Protects the RTP packet in {@code packet} in place (it grows by the tag); false on error. */
  public boolean protectRtp(Packet packet) {
    try {
      return send.transformPacket(packet) == SrtpErrorStatus.OK;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Protects the RTCP packet in {@code packet} in place; false on error. */
  public boolean protectRtcp(Packet packet) {
    try {
      return sendControl.transformPacket(packet) == SrtpErrorStatus.OK;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Authenticates and decrypts an SRTP packet in place; the status says why it failed. A source
   * the session has not seen takes one of its {@link #MAX_SOURCES} places only once a packet of
   * it authenticates, so forged packets cannot use the places up.
   */
  public SrtpErrorStatus unprotectRtp(Packet packet, int ssrc) throws GeneralSecurityException {
    int i = find(ssrc);
    if (i >= 0) {
      return receive[i].reverseTransformPacket(packet, false);
    }
    if (sourceCount == MAX_SOURCES) {
      return SrtpErrorStatus.FAIL;
    }
    SrtpCryptoContext candidate = receiveFactory.deriveContext(ssrc, 0);
    SrtpErrorStatus status = candidate.reverseTransformPacket(packet, false);
    if (status == SrtpErrorStatus.OK) {
      add(ssrc, candidate, receiveFactory.deriveControlContext(ssrc));
    }
    return status;
  }

  /** {@link #unprotectRtp(Packet, int)} for the source the packet's header names. */
  public SrtpErrorStatus unprotectRtp(Packet packet) throws GeneralSecurityException {
    return packet.getLength() < 12 ? SrtpErrorStatus.FAIL
        : unprotectRtp(packet, ssrcAt(packet, 8));
  }

  /** {@link #unprotectRtcp(Packet, int)} for the sender the packet's header names. */
  public SrtpErrorStatus unprotectRtcp(Packet packet) throws GeneralSecurityException {
    return packet.getLength() < 8 ? SrtpErrorStatus.FAIL
        : unprotectRtcp(packet, ssrcAt(packet, 4));
  }

  private static int ssrcAt(Packet p, int at) {
    byte[] b = p.getBuffer();
    int i = p.getOffset() + at;
    return (b[i] & 0xFF) << 24 | (b[i + 1] & 0xFF) << 16 | (b[i + 2] & 0xFF) << 8
        | (b[i + 3] & 0xFF);
  }

  /** Authenticates and decrypts an SRTCP packet in place; a new source as for RTP. */
  public SrtpErrorStatus unprotectRtcp(Packet packet, int ssrc) throws GeneralSecurityException {
    int i = find(ssrc);
    if (i >= 0) {
      return receiveControl[i].reverseTransformPacket(packet);
    }
    if (sourceCount == MAX_SOURCES) {
      return SrtpErrorStatus.FAIL;
    }
    SrtcpCryptoContext candidate = receiveFactory.deriveControlContext(ssrc);
    SrtpErrorStatus status = candidate.reverseTransformPacket(packet);
    if (status == SrtpErrorStatus.OK) {
      add(ssrc, receiveFactory.deriveContext(ssrc, 0), candidate);
    }
    return status;
  }

  private int find(int ssrc) {
    for (int i = 0; i < sourceCount; i++) {
      if (sources[i] == ssrc) {
        return i;
      }
    }
    return -1;
  }

  private void add(int ssrc, SrtpCryptoContext rtp, SrtcpCryptoContext rtcp) {
    sources[sourceCount] = ssrc;
    receive[sourceCount] = rtp;
    receiveControl[sourceCount] = rtcp;
    sourceCount++;
  }

  @Override
  public void close() {
    sendFactory.close();
    receiveFactory.close();
  }

  /** A packet buffer with room for the SRTP tag and index, reused for every packet. */
  public static final class Packet implements ByteArrayBuffer {
    private final byte[] buffer;
    private int offset;
    private int length;

    public Packet(int capacity) {
      buffer = new byte[capacity];
    }

    /** Starts over with {@code length} bytes at the start of the buffer. */
    public Packet reset(int length) {
      this.offset = 0;
      this.length = length;
      return this;
    }

    @Override
    public byte[] getBuffer() {
      return buffer;
    }

    @Override
    public int getOffset() {
      return offset;
    }

    @Override
    public int getLength() {
      return length;
    }

    @Override
    public void setLength(int length) {
      if (length < 0 || offset + length > buffer.length) {
        throw new IllegalArgumentException("length " + length);
      }
      this.length = length;
    }

    @Override
    public void setOffset(int offset) {
      if (offset < 0 || offset + length > buffer.length) {
        throw new IllegalArgumentException("offset " + offset);
      }
      this.offset = offset;
    }

    @Override
    public boolean isInvalid() {
      return false;
    }

    @Override
    public void readRegionToBuff(int off, int len, byte[] out) {
      System.arraycopy(buffer, offset + off, out, 0, len);
    }

    @Override
    public void grow(int howMuch) {
      if (offset + length + howMuch > buffer.length) {
        throw new IllegalStateException("packet buffer too small by " + howMuch);
      }
    }

    @Override
    public void append(byte[] data, int len) {
      grow(len);
      System.arraycopy(data, 0, buffer, offset + length, len);
      length += len;
    }

    @Override
    public void shrink(int len) {
      length = Math.max(0, length - len);
    }
  }
}
