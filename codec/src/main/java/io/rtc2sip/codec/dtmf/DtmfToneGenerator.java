package io.rtc2sip.codec.dtmf;

/**
 * In-band DTMF: the two sines of a digit at a given level each, continuing its phase from
 * one call to the next. For peers that take DTMF only as audio.
 */
public final class DtmfToneGenerator {

    private final int sampleRate;
    private final double amplitude;
    private double rowStep;
    private double columnStep;
    private long n;
    private boolean on;

    /** @param levelDbfs level of each of the two tones, relative to a full-scale sine */
    public DtmfToneGenerator(int sampleRate, double levelDbfs) {
        this.sampleRate = sampleRate;
        this.amplitude = 32767 * Math.pow(10, levelDbfs / 20);
        if (2 * amplitude > 32767) {
            throw new IllegalArgumentException("two tones at " + levelDbfs + " dBFS would clip");
        }
    }

    /** Starts a digit from phase zero. */
    public void start(char digit) {
        Dtmf.requireDigit(digit);
        rowStep = 2 * Math.PI * Dtmf.ROW_HZ[Dtmf.row(digit)] / sampleRate;
        columnStep = 2 * Math.PI * Dtmf.COLUMN_HZ[Dtmf.column(digit)] / sampleRate;
        n = 0;
        on = true;
    }

    public void stop() {
        on = false;
    }

    /** Writes the next {@code len} samples of the tone (silence when stopped). */
    public void fill(short[] out, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (on) {
                double v = amplitude * (Math.sin(rowStep * n) + Math.sin(columnStep * n));
                out[off + i] = (short) Math.round(v);
                n++;
            } else {
                out[off + i] = 0;
            }
        }
    }
}
