package io.rtc2sip.codec.bench;

import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.jitter.JitterBuffer;
import io.rtc2sip.codec.jitter.JitterConfig;
import io.rtc2sip.codec.plc.LossConcealer;
import io.rtc2sip.codec.resample.Resampler;
import io.rtc2sip.codec.rtp.RtpHeaderWriter;
import io.rtc2sip.codec.rtp.RtpPacket;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Each stage on its own; every operation is one 20 ms frame of one direction. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class StageBenchmark {

    private static final long TWENTY_MS = 20_000_000L;

    private final short[] narrow = Frames.speech(8000, 160);
    private final short[] wide = Frames.speech(48000, 960);
    private final byte[] codes = new byte[160];
    private final short[] narrowOut = new short[160];
    private final short[] wideOut = new short[961];
    private final Resampler up = Resampler.create(8000, 48000);
    private final Resampler down = Resampler.create(48000, 8000);
    private final Resampler downSilent = Resampler.create(48000, 8000);
    private final short[] silence = new short[960];
    private final LossConcealer plc = new LossConcealer();
    private final JitterBuffer jitter = new JitterBuffer(JitterConfig.g711());
    private final RtpHeaderWriter header = new RtpHeaderWriter().payloadType(0).ssrc(7);
    private final RtpPacket parsed = new RtpPacket();
    private final byte[] packet = new byte[172];
    private final byte[] popped = new byte[160];
    private int seq;
    private long now;

    @Setup
    public void setUp() {
        G711.PCMU.encode(narrow, 0, codes, 0, 160);
        plc.received(narrow, 0, 160);
    }

    @Benchmark
    public byte[] encodeMuLaw() {
        G711.PCMU.encode(narrow, 0, codes, 0, 160);
        return codes;
    }

    @Benchmark
    public short[] decodeMuLaw() {
        G711.PCMU.decode(codes, 0, narrowOut, 0, 160);
        return narrowOut;
    }

    @Benchmark
    public short[] resample8to48() {
        up.process(narrow, 0, 160, wideOut, 0);
        return wideOut;
    }

    @Benchmark
    public short[] resample48to8() {
        down.process(wide, 0, 960, narrowOut, 0);
        return narrowOut;
    }

    /** 20 ms of digital silence (the RTC user has not published yet), as most calls start. */
    @Benchmark
    public short[] resample48to8Silence() {
        downSilent.process(silence, 0, 960, narrowOut, 0);
        return narrowOut;
    }

    @Benchmark
    public RtpPacket packetizeAndParse() {
        header.sequenceNumber(seq).timestamp(seq * 160).write(packet, 0, codes, 0, 160);
        seq = (seq + 1) & 0xFFFF;
        parsed.parse(packet, 0, 172);
        return parsed;
    }

    /** One packet in, 20 ms out (two 10 ms pops), on a perfectly regular stream. */
    @Benchmark
    public byte[] jitterBuffer() {
        jitter.push(7, seq, seq * 160, codes, 0, 160, now);
        seq = (seq + 1) & 0xFFFF;
        now += TWENTY_MS;
        int filled = 0;
        while (filled < 160) {
            jitter.pop(now, popped, filled, 160 - filled);
            filled += jitter.lastCount();
        }
        return popped;
    }

    /** 20 ms of concealment, then the recovery cross-fade, as in a loss of one packet. */
    @Benchmark
    public short[] concealOnePacket() {
        plc.conceal(narrowOut, 0, 160);
        System.arraycopy(narrow, 0, wideOut, 0, 160);
        plc.received(wideOut, 0, 160);
        return narrowOut;
    }
}
