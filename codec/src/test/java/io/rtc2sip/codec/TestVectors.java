package io.rtc2sip.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Reads the committed reference vectors (raw little-endian files under src/test/resources/vectors). */
public final class TestVectors {

    private TestVectors() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no vector " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A raw signed 16-bit little-endian file. */
    public static short[] s16(String path) {
        byte[] raw = bytes(path);
        short[] samples = new short[raw.length / 2];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(samples);
        return samples;
    }
}
