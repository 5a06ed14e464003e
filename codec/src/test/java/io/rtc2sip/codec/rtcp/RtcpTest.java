package io.rtc2sip.codec.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtcpTest {

    private static final long MS = 1_000_000L;

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    /** A stream of 20 ms G.711 packets from seq {@code first}, arriving exactly on time. */
    private static ReceiverStats onTime(int first, int count) {
        ReceiverStats s = new ReceiverStats(0x1234, 8000);
        for (int i = 0; i < count; i++) {
            s.onPacket((first + i) & 0xFFFF, 160 * i, 20 * MS * i);
        }
        return s;
    }

    @Test
    void parsesAHandWrittenReceiverReport() {
        // RR from 0x01020304 about 0xCAFEBABE: 25% lost, 3 lost in total, highest 0x00010005,
        // jitter 40, LSR 0xAABBCCDD, DLSR 0x00018000 (1.5 s); then an SDES to be skipped
        byte[] wire = hex("81C90007 01020304 CAFEBABE 40000003 00010005 00000028 AABBCCDD 00018000"
                + "81CA0002 01020304 01000000");
        RtcpReport r = new RtcpReport();
        assertEquals(RtcpParseResult.OK, r.parse(wire, 0, wire.length));
        assertFalse(r.sender());
        assertEquals(0x01020304, r.ssrc());
        assertEquals(1, r.reportCount());
        assertEquals(0xCAFEBABE, r.blockSsrc(0));
        assertEquals(64, r.blockFractionLost(0));
        assertEquals(3, r.blockCumulativeLost(0));
        assertEquals(0x10005, r.blockExtendedHighestSeq(0));
        assertEquals(40, r.blockJitter(0));
        assertEquals(0xAABBCCDD, r.blockLastSr(0));
        assertEquals(0x18000, r.blockDelaySinceLastSr(0));
        assertThrows(IndexOutOfBoundsException.class, () -> r.blockSsrc(1));
        assertThrows(IllegalStateException.class, r::ntpTimestamp);
    }

    @Test
    void negativeCumulativeLossIsSignExtended() {
        byte[] wire = hex("81C90007 01020304 CAFEBABE 00FFFFFE 00000005 00000000 00000000 00000000");
        RtcpReport r = new RtcpReport();
        assertEquals(RtcpParseResult.OK, r.parse(wire, 0, wire.length));
        assertEquals(-2, r.blockCumulativeLost(0));
    }

    @Test
    void senderReportRoundTripsWithStatsOfAStreamWithLoss() {
        ReceiverStats stats = new ReceiverStats(0xCAFEBABE, 8000);
        // 100 packets, 10 of them lost
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 5) {
                stats.onPacket(65500 + i & 0xFFFF, 160 * i, 20 * MS * i);
            }
        }
        stats.onSenderReport(0x11112222, 1000 * MS);
        long ntp = RtcpWriter.ntp(1_700_000_000_500_000_000L);
        byte[] buf = new byte[200];
        int len = RtcpWriter.senderReport(buf, 0, 0x55, ntp, 12345, 1000, 160_000,
                new ReceiverStats[] {stats}, 1, 2500 * MS);
        len += RtcpWriter.sdesCname(buf, len, 0x55, "gw@rtc2sip");
        RtcpReport r = new RtcpReport();
        assertEquals(RtcpParseResult.OK, r.parse(buf, 0, len));
        assertTrue(r.sender());
        assertEquals(0x55, r.ssrc());
        assertEquals(ntp, r.ntpTimestamp());
        assertEquals(1_700_000_000L + 2_208_988_800L, ntp >>> 32);
        assertEquals(0x80000000L, ntp & 0xFFFFFFFFL); // half a second
        assertEquals(12345, r.rtpTimestamp());
        assertEquals(1000, r.packetCount());
        assertEquals(160_000, r.octetCount());
        assertEquals(0xCAFEBABE, r.blockSsrc(0));
        assertEquals(10, r.blockCumulativeLost(0));
        assertEquals(10 * 256 / 100, r.blockFractionLost(0));
        assertEquals(65500 + 99, r.blockExtendedHighestSeq(0)); // 63 in the second cycle
        assertEquals(0, r.blockJitter(0));
        assertEquals(0x11112222, r.blockLastSr(0));
        assertEquals(3 * 65536 / 2, r.blockDelaySinceLastSr(0));
        // the next interval starts afresh: no new loss, fraction 0, cumulative stays
        RtcpWriter.receiverReport(buf, 0, 0x55, new ReceiverStats[] {stats}, 1, 2600 * MS);
        assertEquals(RtcpParseResult.OK, r.parse(buf, 0, 32));
        assertEquals(0, r.blockFractionLost(0));
        assertEquals(10, r.blockCumulativeLost(0));
    }

    @Test
    void extendedHighestSequenceCountsCycles() {
        ReceiverStats s = onTime(65530, 20);
        assertEquals(65536 + 13, s.extendedHighestSeq());
        assertEquals(20, s.expected());
        assertEquals(0, s.cumulativeLost());
        // a reordered old packet does not move the highest, a duplicate makes loss negative
        s.onPacket(65535, 0, 0);
        assertEquals(65536 + 13, s.extendedHighestSeq());
        assertEquals(-1, s.cumulativeLost());
    }

    @Test
    void aJumpIsIgnoredOnceAndMeansARestartWhenItContinues() {
        ReceiverStats s = onTime(100, 10);
        assertFalse(s.onPacket(40000, 0, 0));
        assertEquals(109, s.extendedHighestSeq());
        assertTrue(s.onPacket(40001, 160, 20 * MS));
        assertEquals(40001, s.extendedHighestSeq());
        assertEquals(1, s.expected());
        assertEquals(1, s.received());
    }

    @Test
    void jitterFollowsAppendixA8() {
        ReceiverStats steady = onTime(0, 50);
        assertEquals(0, steady.jitter());
        // every other packet 10 ms late: |D| is 80 units each time; J += (|D| - J) / 16
        ReceiverStats s = new ReceiverStats(1, 8000);
        double expected = 0;
        for (int i = 0; i < 400; i++) {
            s.onPacket(i, 160 * i, 20 * MS * i + (i % 2) * 10 * MS);
            if (i > 0) {
                expected += (80 - expected) / 16;
            }
            // the integer form truncates: within 2 units of the real-valued recursion
            assertEquals(expected, s.jitter(), 2.0, "packet " + i);
        }
        assertEquals(79, s.jitter());
        assertEquals(9.9, s.jitterMillis(), 0.1);
    }

    @Test
    void rejectsMalformedCompoundsWithAReason() {
        RtcpReport r = new RtcpReport();
        byte[] rr = hex("80C90001 01020304");
        assertEquals(RtcpParseResult.OK, r.parse(rr, 0, 8));
        assertEquals(0, r.reportCount());
        assertEquals(RtcpParseResult.BAD_BOUNDS, r.parse(null, 0, 0));
        assertEquals(RtcpParseResult.BAD_BOUNDS, r.parse(rr, 4, 8));
        assertEquals(RtcpParseResult.TOO_SHORT, r.parse(rr, 0, 3));
        assertEquals(RtcpParseResult.BAD_VERSION, r.parse(hex("40C90001 01020304"), 0, 8));
        assertEquals(RtcpParseResult.BAD_LENGTH, r.parse(hex("80C90002 01020304"), 0, 8));
        assertEquals(RtcpParseResult.REPORT_TOO_SHORT, r.parse(hex("81C90001 01020304"), 0, 8));
        assertEquals(RtcpParseResult.REPORT_TOO_SHORT, r.parse(hex("80C80001 01020304"), 0, 8));
        assertEquals(RtcpParseResult.BAD_PADDING, r.parse(hex("A0C90001 01020300"), 0, 8));
        assertEquals(RtcpParseResult.NO_REPORT, r.parse(hex("81CA0002 01020304 01000000"), 0, 12));
        assertEquals(RtcpParseResult.TOO_SHORT, r.parse(hex("80C90001 01020304 80"), 0, 9));
        assertFalse(r.valid());
        assertEquals("RtcpReport(invalid)", r.toString());
        assertFalse(RtcpParseResult.NO_REPORT.reason().isEmpty());
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(3);
        RtcpReport r = new RtcpReport();
        byte[] buf = new byte[80];
        int ok = 0;
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(buf);
            buf[0] = (byte) (0x80 | (buf[0] & 0x3F));
            buf[1] = (byte) (200 + random.nextInt(3));
            int words = random.nextInt(18);
            buf[2] = 0;
            buf[3] = (byte) words;
            int len = random.nextInt(4) == 0 ? random.nextInt(90) - 2 : 4 * (words + 1);
            if (r.parse(buf, 0, len).ok()) {
                ok++;
                for (int b = 0; b < r.reportCount(); b++) {
                    r.blockCumulativeLost(b);
                }
            }
        }
        assertTrue(ok > 1000, "some random reports are well formed: " + ok);
    }
}
