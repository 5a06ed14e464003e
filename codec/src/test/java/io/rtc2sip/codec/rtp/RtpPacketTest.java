package io.rtc2sip.codec.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RtpPacketTest {

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void parsesAPlainG711Packet() {
        // V=2, PT=8, seq=0x1234, ts=0xFFFFFFF0, ssrc=0xCAFEBABE, 4 payload bytes
        byte[] wire = hex("80 08 1234 FFFFFFF0 CAFEBABE D5D5D5D5");
        RtpPacket p = new RtpPacket();
        assertEquals(RtpParseResult.OK, p.parse(wire, 0, wire.length));
        assertTrue(p.valid());
        assertEquals(8, p.payloadType());
        assertEquals(0x1234, p.sequenceNumber());
        assertEquals(0xFFFFFFF0L, RtpNumbers.tsUnsigned(p.timestamp()));
        assertEquals(0xCAFEBABE, p.ssrc());
        assertFalse(p.marker());
        assertEquals(12, p.payloadOffset());
        assertEquals(4, p.payloadLength());
        assertEquals(0, p.csrcCount());
    }

    @Test
    void buildsAndParsesCsrcExtensionPaddingAndMarker() {
        byte[] ext = {1, 2, 3, 4, 5, 6, 7, 8};
        byte[] payload = {10, 20, 30};
        RtpHeaderWriter w = new RtpHeaderWriter()
                .marker(true).payloadType(101).sequenceNumber(65535).timestamp((int) 0x80000001L).ssrc(42)
                .csrcs(new int[] {7, 0xFFFFFFFF}, 2).extension(0xBEDE, ext, 0, 8).padding(5);
        byte[] buf = new byte[100];
        int len = w.write(buf, 3, payload, 0, 3);
        assertEquals(12 + 8 + 4 + 8 + 3 + 5, len);
        assertEquals(12 + 8 + 4 + 8, w.headerLength());
        RtpPacket p = new RtpPacket();
        assertEquals(RtpParseResult.OK, p.parse(buf, 3, len));
        assertTrue(p.marker());
        assertTrue(p.padding());
        assertTrue(p.extension());
        assertEquals(101, p.payloadType());
        assertEquals(65535, p.sequenceNumber());
        assertEquals(0x80000001L, RtpNumbers.tsUnsigned(p.timestamp()));
        assertEquals(42, p.ssrc());
        assertEquals(2, p.csrcCount());
        assertEquals(7, p.csrc(0));
        assertEquals(0xFFFFFFFF, p.csrc(1));
        assertThrows(IndexOutOfBoundsException.class, () -> p.csrc(2));
        assertEquals(0xBEDE, p.extensionProfile());
        assertEquals(8, p.extensionLength());
        assertArrayEquals(ext, Arrays.copyOfRange(buf, p.extensionOffset(), p.extensionOffset() + 8));
        assertEquals(3, p.payloadLength());
        assertEquals(5, p.paddingLength());
        assertArrayEquals(payload, Arrays.copyOfRange(buf, p.payloadOffset(), p.payloadOffset() + 3));
        assertEquals(3, p.offset());
        assertEquals(len, p.length());
        assertNotNull(p.toString());
    }

    @Test
    void headerOnlyWriteLeavesRoomForThePayload() {
        RtpHeaderWriter w = new RtpHeaderWriter().payloadType(0).sequenceNumber(1).timestamp(160).ssrc(9);
        byte[] buf = new byte[12 + 160];
        assertEquals(12, w.writeHeader(buf, 0));
        Arrays.fill(buf, 12, buf.length, (byte) 0xFF);
        RtpPacket p = new RtpPacket();
        assertEquals(RtpParseResult.OK, p.parse(buf, 0, buf.length));
        assertEquals(160, p.payloadLength());
        assertEquals(160, p.timestamp());
    }

    @Test
    void rejectsMalformedPacketsWithAReason() {
        RtpPacket p = new RtpPacket();
        byte[] ok = hex("80 00 0001 00000000 00000001");
        assertEquals(RtpParseResult.BAD_BOUNDS, p.parse(null, 0, 0));
        assertEquals(RtpParseResult.BAD_BOUNDS, p.parse(ok, 5, 12));
        assertEquals(RtpParseResult.BAD_BOUNDS, p.parse(ok, -1, 4));
        assertEquals(RtpParseResult.BAD_BOUNDS, p.parse(ok, 0, -4));
        assertEquals(RtpParseResult.TOO_SHORT, p.parse(ok, 0, 11));
        assertEquals(RtpParseResult.BAD_VERSION, p.parse(hex("40 00 0001 00000000 00000001"), 0, 12));
        assertEquals(RtpParseResult.BAD_VERSION, p.parse(hex("C0 00 0001 00000000 00000001"), 0, 12));
        assertEquals(RtpParseResult.LOOKS_LIKE_RTCP, p.parse(hex("80 C8 0006 00000000 00000001"), 0, 12));
        assertEquals(RtpParseResult.CSRC_OVERRUN, p.parse(hex("82 00 0001 00000000 00000001 00000002"), 0, 16));
        assertEquals(RtpParseResult.EXTENSION_OVERRUN, p.parse(hex("90 00 0001 00000000 00000001 BEDE"), 0, 14));
        assertEquals(RtpParseResult.EXTENSION_OVERRUN,
                p.parse(hex("90 00 0001 00000000 00000001 BEDE0002 00000000"), 0, 20));
        assertEquals(RtpParseResult.BAD_PADDING, p.parse(hex("A0 00 0001 00000000 00000001 AABB00"), 0, 15));
        assertEquals(RtpParseResult.BAD_PADDING, p.parse(hex("A0 00 0001 00000000 00000001 AABB05"), 0, 15));
        assertFalse(p.valid());
        assertEquals("RtpPacket(invalid)", p.toString());
        assertEquals(RtpParseResult.OK, p.parse(hex("A0 00 0001 00000000 00000001 AABB03"), 0, 15));
        assertEquals(0, p.payloadLength());
        assertFalse(RtpParseResult.BAD_PADDING.reason().isEmpty());
    }

    @Test
    void randomBytesNeverThrow() {
        Random random = new Random(1);
        RtpPacket p = new RtpPacket();
        byte[] buf = new byte[64];
        int ok = 0;
        for (int i = 0; i < 200_000; i++) {
            random.nextBytes(buf);
            buf[0] = (byte) ((buf[0] & 0x3F) | 0x80); // mostly version 2, to reach the deeper checks
            int off = random.nextInt(20) - 2;
            int len = random.nextInt(70) - 2;
            RtpParseResult r = p.parse(buf, off, len);
            if (r.ok()) {
                ok++;
                assertTrue(p.payloadOffset() + p.payloadLength() + p.paddingLength() == off + len);
                assertTrue(p.payloadLength() >= 0);
            }
        }
        assertTrue(ok > 1000, "some random packets are well formed: " + ok);
    }

    @Test
    void parsesHeapAndDirectByteBuffersWithoutMovingThem() {
        byte[] wire = hex("FF FF 80 00 0007 000000A0 00000001 0102");
        ByteBuffer heap = ByteBuffer.wrap(wire);
        heap.position(2);
        RtpPacket p = new RtpPacket();
        assertEquals(RtpParseResult.OK, p.parse(heap.slice()));
        assertEquals(7, p.sequenceNumber());
        assertEquals(2, p.payloadLength());
        assertEquals(2, heap.position());

        ByteBuffer direct = ByteBuffer.allocateDirect(wire.length);
        direct.put(wire).flip().position(2);
        assertEquals(RtpParseResult.OK, p.parse(direct));
        assertEquals(7, p.sequenceNumber());
        assertEquals(0x0102, ((p.buffer()[p.payloadOffset()] & 0xFF) << 8) | p.buffer()[p.payloadOffset() + 1]);
        assertEquals(2, direct.position());
        assertEquals(RtpParseResult.BAD_BOUNDS, p.parse((ByteBuffer) null));
    }

    @Test
    void writerRejectsOutOfRangeFields() {
        RtpHeaderWriter w = new RtpHeaderWriter();
        assertThrows(IllegalArgumentException.class, () -> w.payloadType(128));
        assertThrows(IllegalArgumentException.class, () -> w.sequenceNumber(65536));
        assertThrows(IllegalArgumentException.class, () -> w.csrcs(new int[16], 16));
        assertThrows(IllegalArgumentException.class, () -> w.extension(0xBEDE, new byte[3], 0, 3));
        assertThrows(IllegalArgumentException.class, () -> w.padding(256));
    }
}
