package io.rtc2sip.codec.rtcp;

/** The outcome of parsing an RTCP compound packet: {@link #OK} or why it was rejected. */
public enum RtcpParseResult {
    OK("ok"),
    BAD_BOUNDS("offset or length outside the buffer"),
    TOO_SHORT("shorter than a 4-byte RTCP header"),
    BAD_VERSION("version is not 2"),
    BAD_LENGTH("length field runs past the end of the packet"),
    BAD_PADDING("padding count is zero or larger than the packet"),
    REPORT_TOO_SHORT("report count needs more bytes than the SR/RR holds"),
    NO_REPORT("no sender or receiver report in the compound packet");

    private final String reason;

    RtcpParseResult(String reason) {
        this.reason = reason;
    }

    public boolean ok() {
        return this == OK;
    }

    public String reason() {
        return reason;
    }
}
