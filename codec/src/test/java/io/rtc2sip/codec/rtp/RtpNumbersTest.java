package io.rtc2sip.codec.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtpNumbersTest {

    @ParameterizedTest
    @CsvSource({
        "1, 0, 1", "0, 1, -1", "0, 65535, 1", "65535, 0, -1", "10, 65530, 16", "65530, 10, -16",
        "32767, 0, 32767", "32768, 0, -32768", "0, 32768, -32768", "32769, 1, -32768", "100, 100, 0"})
    void sequenceDifferenceWrapsAtSixteenBits(int a, int b, int expected) {
        assertEquals(expected, RtpNumbers.seqDiff(a, b));
        assertEquals(expected > 0, RtpNumbers.seqAfter(a, b));
    }

    @Test
    void sequenceAddition() {
        assertEquals(0, RtpNumbers.seqNext(65535));
        assertEquals(65535, RtpNumbers.seqAdd(0, -1));
        assertEquals(4, RtpNumbers.seqAdd(65530, 10));
        assertEquals(1, RtpNumbers.seqNext(0));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 4294967295, 1", "4294967295, 0, -1", "160, 4294967200, 256",
        "2147483647, 0, 2147483647", "2147483648, 0, -2147483648", "3000, 1000, 2000"})
    void timestampDifferenceWrapsAtThirtyTwoBits(long a, long b, int expected) {
        assertEquals(expected, RtpNumbers.tsDiff((int) a, (int) b));
        assertEquals(expected > 0, RtpNumbers.tsAfter((int) a, (int) b));
    }

    @Test
    void timestampAdditionAndUnsignedView() {
        int ts = (int) 4294967200L;
        assertEquals(64, RtpNumbers.tsUnsigned(RtpNumbers.tsAdd(ts, 160)));
        assertEquals(4294967200L, RtpNumbers.tsUnsigned(ts));
        assertFalse(RtpNumbers.tsAfter(ts, RtpNumbers.tsAdd(ts, 160)));
        assertTrue(RtpNumbers.tsAfter(RtpNumbers.tsAdd(ts, 160), ts));
    }

    @ParameterizedTest
    @CsvSource({
        "0, 65535, 65536", "65535, 65536, 65535", "5, 65530, 65541", "65530, 65541, 65530",
        "100, 100, 100", "0, 0, 0", "65535, 0, -1", "1, 131070, 131073"})
    void extendsSequenceNumbersAcrossTheWrap(int seq, long reference, long expected) {
        assertEquals(expected, RtpNumbers.extendSeq(seq, reference));
    }

    @Test
    void extendsTimestampsAcrossTheWrap() {
        assertEquals(1L << 32, RtpNumbers.extendTs(0, 0xFFFFFF60L));
        assertEquals(0xFFFFFF60L, RtpNumbers.extendTs((int) 0xFFFFFF60L, 1L << 32));
        assertEquals((1L << 32) + 160, RtpNumbers.extendTs(160, (1L << 32) + 10));
    }
}
