package io.rtc2sip.actors.model;

/**
 * The outcome of the SDP offer/answer on the SIP side, as far as a new node needs it to rebuild
 * media: codec, payload types and whether SRTP is on. Transport addresses are not here: they
 * belong to the node that runs the media and change when the call moves.
 *
 * @param codec encoding name as in SDP ({@code PCMU}, {@code PCMA}, {@code opus})
 * @param payloadType RTP payload type of the codec
 * @param clockRate RTP clock rate in Hz
 * @param telephoneEventPayloadType payload type of RFC 4733 events, or -1 if not negotiated
 * @param srtp whether the SIP media is SRTP
 */
public record NegotiatedMedia(
    String codec, int payloadType, int clockRate, int telephoneEventPayloadType, boolean srtp) {

  public NegotiatedMedia {
    if (codec == null || codec.isBlank()) {
      throw new IllegalArgumentException("codec is required");
    }
    if (payloadType < 0 || payloadType > 127) {
      throw new IllegalArgumentException("payload type out of range: " + payloadType);
    }
  }

  /** The same media, with SRTP on or off. */
  public NegotiatedMedia withSrtp(boolean on) {
    return new NegotiatedMedia(codec, payloadType, clockRate, telephoneEventPayloadType, on);
  }

  /** G.711 µ-law with telephone-event 101, the usual offer of a PBX. */
  public static NegotiatedMedia pcmu() {
    return new NegotiatedMedia("PCMU", 0, 8000, 101, false);
  }

  /** G.711 A-law with telephone-event 101. */
  public static NegotiatedMedia pcma() {
    return new NegotiatedMedia("PCMA", 8, 8000, 101, false);
  }
}
