package io.rtc2sip.codec.g711;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.TestVectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** Bit-exact against sox in both directions (vectors and commands in vectors/g711). */
class G711Test {

    private static String ext(G711 law) {
        return law == G711.PCMA ? "alaw" : "ulaw";
    }

    @ParameterizedTest
    @CsvSource({"PCMA, sweep", "PCMA, noise", "PCMU, sweep", "PCMU, noise"})
    void encodesLikeSox(G711 law, String vector) {
        short[] pcm = TestVectors.s16("g711/" + vector + ".s16");
        byte[] expected = TestVectors.bytes("g711/" + vector + "." + ext(law));
        byte[] actual = new byte[pcm.length];
        // in 20 ms packets, as the send path does
        for (int off = 0; off < pcm.length; off += 160) {
            law.encode(pcm, off, actual, off, Math.min(160, pcm.length - off));
        }
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest
    @CsvSource({"PCMA, sweep", "PCMA, noise", "PCMU, sweep", "PCMU, noise"})
    void decodesLikeSox(G711 law, String vector) {
        byte[] codes = TestVectors.bytes("g711/" + vector + "." + ext(law));
        short[] expected = TestVectors.s16("g711/" + vector + "." + ext(law) + ".s16");
        short[] actual = new short[codes.length];
        law.decode(codes, 0, actual, 0, codes.length);
        assertArrayEquals(expected, actual);
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void encodesEverySixteenBitValueLikeSox(G711 law) {
        byte[] expected = TestVectors.bytes("g711/ramp." + ext(law));
        short[] ramp = new short[65536];
        for (int i = 0; i < ramp.length; i++) {
            ramp[i] = (short) (i - 32768);
        }
        byte[] bulk = new byte[ramp.length];
        law.encode(ramp, 0, bulk, 0, ramp.length);
        assertArrayEquals(expected, bulk);
        for (int i = 0; i < ramp.length; i++) {
            assertEquals(expected[i], law.encode(ramp[i]), "sample " + ramp[i]);
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void decodesEveryCodeLikeSox(G711 law) {
        short[] expected = TestVectors.s16("g711/codes." + ext(law) + ".s16");
        for (int code = 0; code < 256; code++) {
            assertEquals(expected[code], law.decode((byte) code), "code " + code);
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void everyCodeRoundTrips(G711 law) {
        for (int code = 0; code < 256; code++) {
            int back = law.encode(law.decode((byte) code)) & 0xFF;
            // µ-law has a negative zero (0x7F); it decodes to 0, which encodes as positive zero
            int expected = law == G711.PCMU && code == 0x7F ? 0xFF : code;
            assertEquals(expected, back, "code " + code);
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void encodingIsMonotonicAndDecodingInvertsItWithinOneStep(G711 law) {
        int previous = Integer.MIN_VALUE;
        for (int s = -32768; s <= 32767; s++) {
            int decoded = law.decode(law.encode((short) s));
            // the reconstruction never moves backwards as the input grows
            assertTrue(decoded >= previous, "at " + s);
            previous = decoded;
        }
        assertEquals(G711.PCMA, G711.valueOf("PCMA"));
        assertEquals(law == G711.PCMA ? 8 : 0, law.staticPayloadType());
        assertEquals(0, law.decode(law.silence()) / 16);
    }
}
