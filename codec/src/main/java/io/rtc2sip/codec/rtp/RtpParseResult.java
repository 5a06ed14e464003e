package io.rtc2sip.codec.rtp;

/** The outcome of parsing one RTP packet: {@link #OK} or why it was rejected. */
public enum RtpParseResult {
    OK("ok"),
    BAD_BOUNDS("offset or length outside the buffer"),
    TOO_SHORT("shorter than the 12-byte fixed header"),
    BAD_VERSION("version is not 2"),
    LOOKS_LIKE_RTCP("payload type 72-76 is RTCP multiplexed on the RTP port (RFC 5761)"),
    CSRC_OVERRUN("CSRC list runs past the end of the packet"),
    EXTENSION_OVERRUN("header extension runs past the end of the packet"),
    BAD_PADDING("padding count is zero or larger than the payload");

    private final String reason;

    RtpParseResult(String reason) {
        this.reason = reason;
    }

    public boolean ok() {
        return this == OK;
    }

    public String reason() {
        return reason;
    }
}
