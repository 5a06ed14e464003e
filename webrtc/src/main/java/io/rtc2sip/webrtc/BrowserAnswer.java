package io.rtc2sip.webrtc;

import io.rtc2sip.webrtc.WebRtcSettings.Codec;
import java.util.List;

/**
 * The gateway's SDP answer to a {@link BrowserOffer}: an ICE-lite agent with host candidates on
 * one UDP port, DTLS server role ({@code a=setup:passive}) with the node certificate's
 * fingerprint, rtcp-mux, one codec, and every m-line but the first audio one refused (port 0).
 */
final class BrowserAnswer {

  private BrowserAnswer() {}

  /**
   * @param offer what is answered
   * @param sessionId the o= session id
   * @param addresses candidate addresses, the first also in c=
   * @param port the leg's UDP port
   * @param ufrag our ICE username fragment
   * @param pwd our ICE password
   * @param fingerprint our certificate's SHA-256 fingerprint
   * @param ssrc the SSRC we send with
   * @param cname our RTCP CNAME
   */
  static String of(BrowserOffer offer, long sessionId, List<String> addresses, int port,
      String ufrag, String pwd, String fingerprint, int ssrc, String cname) {
    String address = addresses.get(0);
    StringBuilder sdp = new StringBuilder(1024)
        .append("v=0\r\n")
        .append("o=rtc2sip ").append(sessionId).append(" 2 IN IP4 ").append(address).append("\r\n")
        .append("s=-\r\n")
        .append("t=0 0\r\n")
        .append("a=ice-lite\r\n");
    if (offer.mid() != null) {
      sdp.append("a=group:BUNDLE ").append(offer.mid()).append("\r\n");
    }
    sdp.append("a=msid-semantic: WMS rtc2sip\r\n");
    for (int i = 0; i < offer.sections().size(); i++) {
      if (i != offer.mediaIndex()) {
        refused(sdp, offer.sections().get(i));
        continue;
      }
      Codec codec = offer.codec();
      int pt = offer.payloadType();
      sdp.append("m=audio ").append(port).append(" UDP/TLS/RTP/SAVPF ").append(pt).append("\r\n")
          .append("c=IN IP4 ").append(address).append("\r\n")
          .append("a=rtcp:").append(port).append(" IN IP4 ").append(address).append("\r\n");
      if (offer.mid() != null) {
        sdp.append("a=mid:").append(offer.mid()).append("\r\n");
      }
      sdp.append("a=ice-ufrag:").append(ufrag).append("\r\n")
          .append("a=ice-pwd:").append(pwd).append("\r\n")
          .append("a=fingerprint:sha-256 ").append(fingerprint).append("\r\n")
          .append("a=setup:passive\r\n")
          .append("a=").append(answerDirection(offer.direction())).append("\r\n")
          .append("a=rtcp-mux\r\n")
          .append("a=rtpmap:").append(pt).append(' ').append(codec.sdpName).append('/')
          .append(codec.clockRate);
      if (codec.channels > 1) {
        sdp.append('/').append(codec.channels);
      }
      sdp.append("\r\n");
      if (codec == Codec.OPUS) {
        // narrowband is all the SIP side carries: ask the browser not to spend more
        sdp.append("a=fmtp:").append(pt).append(" minptime=10;useinbandfec=1;stereo=0;")
            .append("sprop-stereo=0;maxplaybackrate=8000;sprop-maxcapturerate=8000\r\n");
      }
      sdp.append("a=ptime:20\r\n")
          .append("a=msid:rtc2sip audio\r\n")
          .append("a=ssrc:").append(Integer.toUnsignedString(ssrc)).append(" cname:")
          .append(cname).append("\r\n");
      int priority = 2130706431;
      for (int c = 0; c < addresses.size(); c++) {
        sdp.append("a=candidate:").append(c + 1).append(" 1 udp ").append(priority - c)
            .append(' ').append(addresses.get(c)).append(' ').append(port)
            .append(" typ host\r\n");
      }
      sdp.append("a=end-of-candidates\r\n");
    }
    return sdp.toString();
  }

  private static void refused(StringBuilder sdp, BrowserOffer.Media m) {
    String format = m.kind().equals("application") ? "webrtc-datachannel" : "0";
    sdp.append("m=").append(m.kind()).append(" 0 ").append(m.proto()).append(' ').append(format)
        .append("\r\n")
        .append("c=IN IP4 0.0.0.0\r\n");
    if (m.mid() != null) {
      sdp.append("a=mid:").append(m.mid()).append("\r\n");
    }
    sdp.append("a=inactive\r\n");
  }

  /** The direction that answers {@code offered} (RFC 3264 6.1). */
  static String answerDirection(String offered) {
    return switch (offered) {
      case "sendonly" -> "recvonly";
      case "recvonly" -> "sendonly";
      case "inactive" -> "inactive";
      default -> "sendrecv";
    };
  }
}
