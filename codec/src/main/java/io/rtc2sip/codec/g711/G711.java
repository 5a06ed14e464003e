package io.rtc2sip.codec.g711;

/**
 * The two G.711 laws under their SDP encoding names, with their static RTP payload types.
 * One byte per sample at 8 kHz.
 */
public enum G711 {
    PCMU(0) {
        @Override
        public byte encode(short sample) {
            return MuLaw.encode(sample);
        }

        @Override
        public short decode(byte code) {
            return MuLaw.decode(code);
        }

        @Override
        public void encode(short[] src, int srcOff, byte[] dst, int dstOff, int len) {
            MuLaw.encode(src, srcOff, dst, dstOff, len);
        }

        @Override
        public void decode(byte[] src, int srcOff, short[] dst, int dstOff, int len) {
            MuLaw.decode(src, srcOff, dst, dstOff, len);
        }
    },
    PCMA(8) {
        @Override
        public byte encode(short sample) {
            return ALaw.encode(sample);
        }

        @Override
        public short decode(byte code) {
            return ALaw.decode(code);
        }

        @Override
        public void encode(short[] src, int srcOff, byte[] dst, int dstOff, int len) {
            ALaw.encode(src, srcOff, dst, dstOff, len);
        }

        @Override
        public void decode(byte[] src, int srcOff, short[] dst, int dstOff, int len) {
            ALaw.decode(src, srcOff, dst, dstOff, len);
        }
    };

    /** G.711 runs at 8 kHz, one byte per sample. */
    public static final int SAMPLE_RATE = 8000;

    private final int staticPayloadType;

    G711(int staticPayloadType) {
        this.staticPayloadType = staticPayloadType;
    }

    /** The payload type of RFC 3551 (0 for PCMU, 8 for PCMA). */
    public int staticPayloadType() {
        return staticPayloadType;
    }

    /** The code of a silent sample. */
    public byte silence() {
        return encode((short) 0);
    }

    public abstract byte encode(short sample);

    public abstract short decode(byte code);

    public abstract void encode(short[] src, int srcOff, byte[] dst, int dstOff, int len);

    public abstract void decode(byte[] src, int srcOff, short[] dst, int dstOff, int len);
}
