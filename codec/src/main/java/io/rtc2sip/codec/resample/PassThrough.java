package io.rtc2sip.codec.resample;

/** Equal rates: a copy. */
final class PassThrough implements Resampler {

    private final int rate;

    PassThrough(int rate) {
        this.rate = rate;
    }

    @Override
    public int inputRate() {
        return rate;
    }

    @Override
    public int outputRate() {
        return rate;
    }

    @Override
    public int process(short[] in, int inOff, int inLen, short[] out, int outOff) {
        System.arraycopy(in, inOff, out, outOff, inLen);
        return inLen;
    }

    @Override
    public int maxOutput(int inLen) {
        return inLen;
    }

    @Override
    public double delaySamples() {
        return 0;
    }

    @Override
    public void reset() {
    }

    @Override
    public String toString() {
        return "resample(" + rate + " Hz, none)";
    }
}
