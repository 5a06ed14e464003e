package io.rtc2sip.codec.dtmf;

/**
 * Detects in-band DTMF in 8 kHz audio with the Goertzel algorithm: windows of 205 samples
 * (25.6 ms, about 39 Hz resolution), one every 102 samples, each measured at the eight
 * keypad frequencies. A window holds a digit when its strongest row and column tone are
 * both above the threshold, within 8 dB of each other (twist), at least 6 dB above the
 * other tones of their group, carry most of the window's energy, and are present across
 * the whole window (both halves). Two such windows in a row report the digit, once, until a
 * window without it.
 *
 * <p>Accepts tones from about 50 ms; rejects tones shorter than about 30 ms, speech and
 * noise. No allocation per call.
 */
public final class GoertzelDetector {

    static final int RATE = 8000;
    static final int WINDOW = 205;
    static final int HOP = 102;
    static final double MIN_TONE_DBFS = -36;
    static final double MAX_TWIST_DB = 8;
    static final double GROUP_MARGIN_DB = 6;
    static final double MIN_TONE_SHARE = 0.7;

    private final DigitListener listener;
    private final float[] window = new float[WINDOW];
    private final double[] coefficients = new double[8];
    private final double[] amplitudes = new double[8];
    private final double minAmplitude = 32767 * Math.pow(10, MIN_TONE_DBFS / 20);
    private final double twist = Math.pow(10, MAX_TWIST_DB / 20);
    private final double groupMargin = Math.pow(10, -GROUP_MARGIN_DB / 20);
    private int fill;
    private char candidate;
    private int candidateWindows;
    private boolean reported;
    private long digits;

    public GoertzelDetector(DigitListener listener) {
        this.listener = listener;
        for (int i = 0; i < 4; i++) {
            coefficients[i] = Goertzel.coefficient(Dtmf.ROW_HZ[i], RATE);
            coefficients[4 + i] = Goertzel.coefficient(Dtmf.COLUMN_HZ[i], RATE);
        }
    }

    public void process(short[] pcm, int off, int len) {
        for (int i = 0; i < len; i++) {
            window[fill++] = pcm[off + i];
            if (fill == WINDOW) {
                decide(analyse());
                System.arraycopy(window, HOP, window, 0, WINDOW - HOP);
                fill = WINDOW - HOP;
            }
        }
    }

    private void decide(char digit) {
        if (digit == 0) {
            candidate = 0;
            candidateWindows = 0;
            reported = false;
            return;
        }
        if (digit != candidate) {
            candidate = digit;
            candidateWindows = 0;
            reported = false;
        }
        if (++candidateWindows >= 2 && !reported) {
            reported = true;
            digits++;
            listener.onDigit(digit);
        }
    }

    /** The digit this window holds, or 0. */
    char analyse() {
        double firstHalf = 0;
        double total = 0;
        for (int i = 0; i < WINDOW; i++) {
            double e = window[i] * window[i];
            total += e;
            if (i < WINDOW / 2) {
                firstHalf += e;
            }
        }
        double secondHalf = total - firstHalf;
        if (total == 0 || Math.min(firstHalf, secondHalf) < 0.5 * Math.max(firstHalf, secondHalf)) {
            return 0;
        }
        for (int k = 0; k < 8; k++) {
            amplitudes[k] = Goertzel.amplitude(window, 0, WINDOW, coefficients[k]);
        }
        int row = strongest(0);
        int column = strongest(4);
        double r = amplitudes[row];
        double c = amplitudes[column];
        if (r < minAmplitude || c < minAmplitude || r > c * twist || c > r * twist) {
            return 0;
        }
        for (int k = 0; k < 4; k++) {
            if ((k != row && amplitudes[k] > r * groupMargin) || (4 + k != column && amplitudes[4 + k] > c * groupMargin)) {
                return 0;
            }
        }
        double toneEnergy = (r * r + c * c) / 2 * WINDOW;
        if (toneEnergy < MIN_TONE_SHARE * total) {
            return 0;
        }
        return Dtmf.keypad(row, column - 4);
    }

    private int strongest(int from) {
        int best = from;
        for (int k = from + 1; k < from + 4; k++) {
            if (amplitudes[k] > amplitudes[best]) {
                best = k;
            }
        }
        return best;
    }

    public long digits() {
        return digits;
    }

    @Override
    public String toString() {
        return "dtmf-detect(goertzel " + WINDOW + "/" + HOP + ")";
    }
}
