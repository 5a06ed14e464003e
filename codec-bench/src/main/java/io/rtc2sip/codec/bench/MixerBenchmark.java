package io.rtc2sip.codec.bench;

import io.rtc2sip.codec.mix.Mixer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A conference's mix: one operation is 20 ms of audio for every party (each hears the others),
 * at 8 kHz (what the gateway mixes at) and at 48 kHz (the RTC rate, for the choice of rate).
 * Divide by {@code parties} for the cost per party.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MixerBenchmark {

    @Param({"3", "4", "8"})
    public int parties;

    @Param({"8000", "48000"})
    public int rate;

    private Mixer mixer;
    private short[][] in;
    private short[][] out;
    private int samples;

    @Setup
    public void setUp() {
        samples = rate / 50;
        mixer = new Mixer(parties, samples);
        in = new short[parties][];
        out = new short[parties][samples];
        short[] speech = Frames.speech(rate, samples * parties);
        for (int p = 0; p < parties; p++) {
            in[p] = Arrays.copyOfRange(speech, p * samples, (p + 1) * samples);
        }
    }

    @Benchmark
    public short[][] mix20ms() {
        mixer.mix(in, out, parties, samples);
        return out;
    }
}
