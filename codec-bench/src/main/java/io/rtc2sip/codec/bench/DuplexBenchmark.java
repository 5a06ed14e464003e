package io.rtc2sip.codec.bench;

import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.pipeline.PacketSink;
import io.rtc2sip.codec.pipeline.ReceivePipeline;
import io.rtc2sip.codec.pipeline.SendPipeline;
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
 * One call's codec work per 20 ms of audio: receive (an RTP packet in, two 10 ms frames of
 * 48 kHz out), send (two 10 ms frames in, an RTP packet out) and both (duplex). Calls per
 * core = 20 ms / duplex time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DuplexBenchmark {

    private static final long TEN_MS = 10_000_000L;

    @Param({"PCMU", "PCMA"})
    public G711 codec;

    private final short[][] frames48k = {Frames.speech(48000, 960), new short[480]};
    private final short[] out = new short[480];
    private final byte[] received = new byte[172];
    private int receivedLength;
    private ReceivePipeline receive;
    private SendPipeline send;
    /** A G.711 packet as the far end sends it; each call advances its sequence number and timestamp. */
    private final byte[] farPacket = new byte[172];
    private int farLength;
    private long now;

    @Setup
    public void setUp() {
        System.arraycopy(frames48k[0], 480, frames48k[1], 0, 480);
        receive = ReceivePipeline.of(codec, digit -> { }, () -> now);
        PacketSink keep = (b, off, len) -> {
            System.arraycopy(b, off, received, 0, len);
            receivedLength = len;
        };
        send = SendPipeline.of(codec, 0x1111, 0, 0, keep);
        SendPipeline farEnd = SendPipeline.of(codec, 0x2222, 0xFFFF, -160, (b, off, len) -> {
            System.arraycopy(b, off, farPacket, 0, len);
            farLength = len;
        });
        farEnd.push10ms(frames48k[0], 0);
        farEnd.push10ms(frames48k[1], 0);
    }

    @Benchmark
    public short[] receive20ms() {
        advanceFarPacket();
        receive.push(farPacket, farLength, now);
        receive.pull10ms(out, now);
        now += TEN_MS;
        receive.pull10ms(out, now);
        now += TEN_MS;
        return out;
    }

    @Benchmark
    public int send20ms() {
        send.push10ms(frames48k[0], 0);
        send.push10ms(frames48k[1], 0);
        return receivedLength;
    }

    @Benchmark
    public short[] duplex20ms() {
        send20ms();
        return receive20ms();
    }

    /** Advances sequence number and timestamp of the kept packet by one packet. */
    private void advanceFarPacket() {
        int seq = ((farPacket[2] & 0xFF) << 8 | (farPacket[3] & 0xFF)) + 1;
        farPacket[2] = (byte) (seq >>> 8);
        farPacket[3] = (byte) seq;
        int ts = (farPacket[4] & 0xFF) << 24 | (farPacket[5] & 0xFF) << 16 | (farPacket[6] & 0xFF) << 8
                | (farPacket[7] & 0xFF);
        ts += 160;
        farPacket[4] = (byte) (ts >>> 24);
        farPacket[5] = (byte) (ts >>> 16);
        farPacket[6] = (byte) (ts >>> 8);
        farPacket[7] = (byte) ts;
    }
}
