package io.rtc2sip.codec.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rtc2sip.codec.Signals;
import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.rtp.RtpPacket;
import io.rtc2sip.codec.rtp.RtpParseResult;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PipelineTest {

    private static final long MS = 1_000_000L;

    @Test
    void theChainsReadAsTheyAreWiredForEachCodec() {
        String up = "resample(8000->48000 Hz, polyphase 6x25, kaiser-sinc 145 taps, fc 3900 Hz, beta 6.5)";
        String down = "resample(48000->8000 Hz, polyphase 6x25, kaiser-sinc 145 taps, fc 3900 Hz, beta 6.5)";
        assertEquals("depacketize(PCMU pt 0, telephone-event pt 101) -> jitter(adaptive 20-200 ms, 64 packets)"
                + " -> decode(PCMU) -> plc(pitch repetition, fade to silence in 60 ms) + comfort-noise(-70 dBFS)"
                + " -> " + up + " -> frames(10 ms, 48000 Hz)",
                ReceivePipeline.of(G711.PCMU, d -> { }, () -> 0).toString());
        assertEquals("depacketize(PCMA pt 8, telephone-event pt 101) -> jitter(adaptive 20-200 ms, 64 packets)"
                + " -> decode(PCMA) -> plc(pitch repetition, fade to silence in 60 ms) + comfort-noise(-70 dBFS)"
                + " -> " + up + " -> frames(10 ms, 48000 Hz)",
                ReceivePipeline.of(G711.PCMA, d -> { }, () -> 0).toString());
        assertEquals("depacketize(PCMA pt 8) -> jitter(adaptive 20-200 ms, 64 packets)"
                + " -> decode(PCMA) + dtmf(in-band tones) -> plc(pitch repetition, fade to silence in 60 ms)"
                + " + comfort-noise(-70 dBFS) -> " + up + " -> frames(10 ms, 48000 Hz)",
                new ReceivePipeline(G711.PCMA, 8, -1, io.rtc2sip.codec.jitter.JitterConfig.g711(), d -> { },
                        () -> 0).toString());
        assertEquals("frames(10 ms, 48000 Hz) -> " + down + " -> encode(PCMU) -> packetize(pt 0, 20 ms)"
                + " + dtmf(RFC 4733, end x3) pt 101", SendPipeline.of(G711.PCMU, 1, 0, 0, (b, o, l) -> { }).toString());
        assertEquals("frames(10 ms, 48000 Hz) -> " + down + " -> encode(PCMA) -> packetize(pt 8, 20 ms)"
                + " + dtmf(in-band tones)", new SendPipeline(G711.PCMA, 8, -1, 1, 0, 0, (b, o, l) -> { }).toString());
    }

    /** Packets captured from a send pipeline. */
    static final class Capture implements PacketSink {
        final List<byte[]> packets = new ArrayList<>();

        @Override
        public void send(byte[] packet, int off, int len) {
            packets.add(Arrays.copyOfRange(packet, off, off + len));
        }
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void packetsHaveContinuousSequenceAndTimestamps(G711 codec) {
        Capture capture = new Capture();
        SendPipeline send = SendPipeline.of(codec, 0xABCD, 65534, (int) 0xFFFFFF00L, capture);
        short[] frame = Signals.tone(440, 8000, 48000, 480);
        for (int i = 0; i < 10; i++) {
            send.push10ms(frame);
        }
        assertEquals(5, capture.packets.size());
        RtpPacket p = new RtpPacket();
        for (int i = 0; i < 5; i++) {
            byte[] b = capture.packets.get(i);
            assertEquals(RtpParseResult.OK, p.parse(b, 0, b.length));
            assertEquals((65534 + i) & 0xFFFF, p.sequenceNumber());
            assertEquals((int) 0xFFFFFF00L + 160 * i, p.timestamp());
            assertEquals(codec.staticPayloadType(), p.payloadType());
            assertEquals(i == 0, p.marker());
            assertEquals(0xABCD, p.ssrc());
            assertEquals(160, p.payloadLength());
        }
        assertEquals(5, send.packetsSent());
        assertEquals(800, send.octetsSent());
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void speechGoesThroughSendAndReceiveIntact(G711 codec) {
        Capture capture = new Capture();
        SendPipeline send = SendPipeline.of(codec, 1, 100, 0, capture);
        ReceivePipeline receive = ReceivePipeline.of(codec, d -> { }, () -> 0);
        short[] in = io.rtc2sip.codec.TestVectors.s16("resample/speech.48k.s16"); // 1 s, made by sox
        short[] out = new short[48000 + 4800];
        short[] frame = new short[480];
        int sent = 0;
        for (int tick = 0; tick < 110; tick++) {
            long now = tick * 10 * MS;
            if (tick < 100) {
                send.push10ms(Arrays.copyOfRange(in, tick * 480, tick * 480 + 480));
            }
            while (sent < capture.packets.size()) {
                byte[] b = capture.packets.get(sent++);
                receive.push(b, b.length, now);
            }
            receive.pull10ms(frame, now);
            System.arraycopy(frame, 0, out, tick * 480, 480);
        }
        // find the delay: jitter buffer + packetisation + two filters, then compare
        int best = 0;
        double bestSnr = -1e9;
        for (int shift = 0; shift < 4000; shift++) {
            double snr = Signals.snrDb(in, out, shift, 9600, 38400);
            if (snr > bestSnr) {
                bestSnr = snr;
                best = shift;
            }
        }
        System.out.printf("%s speech-like noise through send+receive: %.1f dB SNR, delay %.2f ms%n", codec, bestSnr,
                best / 48.0);
        assertTrue(bestSnr >= 30, "SNR " + bestSnr);
        // a packet leaves with the second frame of its 20 ms (10 ms after the first is pushed), waits
        // the 20 ms minimum in the jitter buffer, and each filter adds 1.5 ms
        assertEquals(10 + 20 + 3.0, best / 48.0, 0.05);
        assertEquals(0, receive.jitterStats().lost());
        assertEquals(50, receive.receiverStats().received());
    }

    @Test
    void digitsTravelAsTelephoneEventsAndAreHeardOnce() {
        Capture capture = new Capture();
        SendPipeline send = SendPipeline.of(G711.PCMU, 9, 0, 0, capture);
        StringBuilder heard = new StringBuilder();
        ReceivePipeline receive = ReceivePipeline.of(G711.PCMU, heard::append, () -> 0);
        short[] frame = new short[480];
        send.sendDigit('1', 100);
        send.sendDigit('#', 60);
        for (int tick = 0; tick < 100; tick++) {
            send.push10ms(frame);
        }
        int events = 0;
        RtpPacket p = new RtpPacket();
        int lastSeq = -1;
        for (byte[] b : capture.packets) {
            p.parse(b, 0, b.length);
            events += p.payloadType() == 101 ? 1 : 0;
            if (lastSeq >= 0) {
                assertEquals((lastSeq + 1) & 0xFFFF, p.sequenceNumber(), "one sequence for audio and events");
            }
            lastSeq = p.sequenceNumber();
            assertEquals(RtpParseResult.OK, receive.push(b, b.length, 0));
        }
        assertEquals(5 + 2 + 3 + 2, events);
        assertEquals("1#", heard.toString());
        assertEquals(50 - 6, capture.packets.size(), "no packets in the pause between and after digits");
        assertEquals(0, receive.jitterStats().lost());
    }

    @Test
    void withoutTelephoneEventsDigitsAreSentAsTones() {
        Capture capture = new Capture();
        SendPipeline send = new SendPipeline(G711.PCMA, 8, -1, 9, 0, 0, capture);
        assertTrue(send.sendDigit('6', 100));
        assertFalse(send.sendDigit('7', 100));
        for (int tick = 0; tick < 20; tick++) {
            send.push10ms(new short[480]);
        }
        short[] pcm = new short[capture.packets.size() * 160];
        for (int i = 0; i < capture.packets.size(); i++) {
            G711.PCMA.decode(capture.packets.get(i), 12, pcm, i * 160, 160);
        }
        StringBuilder heard = new StringBuilder();
        new io.rtc2sip.codec.dtmf.GoertzelDetector(heard::append).process(pcm, 0, pcm.length);
        assertEquals("6", heard.toString());
    }

    @Test
    void withoutTelephoneEventsTheReceiverHearsDigitTonesOnce() {
        Capture capture = new Capture();
        SendPipeline send = new SendPipeline(G711.PCMA, 8, -1, 9, 0, 0, capture);
        StringBuilder heard = new StringBuilder();
        ReceivePipeline receive = new ReceivePipeline(G711.PCMA, 8, -1,
                io.rtc2sip.codec.jitter.JitterConfig.g711(), heard::append, () -> 0);
        StringBuilder doubled = new StringBuilder();
        ReceivePipeline withEvents = new ReceivePipeline(G711.PCMA, 8, 101,
                io.rtc2sip.codec.jitter.JitterConfig.g711(), doubled::append, () -> 0);
        short[] frame = new short[480];
        short[] out = new short[480];
        long now = 0;
        for (char digit : "1590#".toCharArray()) {
            assertTrue(send.sendDigit(digit, 100));
            int sent = capture.packets.size();
            for (int tick = 0; tick < 20; tick++) { // the tone, then a pause
                send.push10ms(frame);
                for (int i = sent; i < capture.packets.size(); i++, sent++) {
                    byte[] b = capture.packets.get(i);
                    receive.push(b, b.length, now);
                    withEvents.push(b, b.length, now);
                }
                now += 10 * MS;
                receive.pull10ms(out, now);
                withEvents.pull10ms(out, now);
            }
        }
        for (int tick = 0; tick < 30; tick++, now += 10 * MS) {
            receive.pull10ms(out, now);
            withEvents.pull10ms(out, now);
        }
        assertEquals("1590#", heard.toString());
        assertEquals("", doubled.toString(), "tones are not digits when telephone-event was agreed");
    }

    @Test
    void skippingTheResamplingKeepsPlayoutAndDigitsAndThenResumesCleanly() {
        Capture capture = new Capture();
        SendPipeline send = new SendPipeline(G711.PCMU, 0, -1, 5, 0, 0, capture);
        StringBuilder heard = new StringBuilder();
        ReceivePipeline receive = new ReceivePipeline(G711.PCMU, 0, -1,
                io.rtc2sip.codec.jitter.JitterConfig.g711(), heard::append, () -> 0);
        short[] tone = Signals.tone(1000, 8000, 48000, 480);
        short[] out = new short[480];
        long now = 0;
        assertTrue(send.sendDigit('7', 100));
        for (int tick = 0; tick < 60; tick++, now += 10 * MS) {
            send.push10ms(tick < 30 ? new short[480] : tone);
            for (byte[] b : capture.packets) {
                receive.push(b, b.length, now);
            }
            capture.packets.clear();
            if (tick < 40) {
                receive.skip10ms(now); // nobody listens on the RTC side yet
            } else {
                receive.pull10ms(out, now);
            }
        }
        assertEquals("7", heard.toString(), "digits are heard while nobody listens");
        assertEquals(0, receive.jitterStats().lost(), "skipped frames were played out, not lost");
        assertTrue(Signals.rms(out, 0, out.length) > 3000, "the 1 kHz tone is heard once somebody listens: "
                + Signals.rms(out, 0, out.length));
    }

    @ParameterizedTest
    @EnumSource(G711.class)
    void narrowbandFramesSkipTheResamplersAndMatchTheCodecExactly(G711 codec) {
        // an RTC side that takes 8 kHz audio (a browser leg coding Opus at 8 kHz) gets the
        // decoded samples themselves, and what it gives is encoded as it is
        Capture capture = new Capture();
        SendPipeline send = SendPipeline.of(codec, 1, 0, 0, capture);
        ReceivePipeline receive = ReceivePipeline.of(codec, d -> { }, () -> 0);
        short[] tone = Signals.tone(1000, 8000, 8000, 80 * 30);
        short[] frame = new short[ReceivePipeline.NARROW_FRAME_SAMPLES];
        for (int i = 0; i < 30; i++) {
            System.arraycopy(tone, i * 80, frame, 0, 80);
            send.push10msNarrow(frame);
        }
        assertEquals(15, capture.packets.size());
        byte[] first = capture.packets.get(0);
        for (int k = 0; k < 160; k++) {
            assertEquals(codec.encode(tone[k]), first[12 + k], "sample " + k);
        }
        short[] heard = new short[80 * 40];
        for (int tick = 0; tick < 40; tick++) {
            if (tick % 2 == 0 && tick / 2 < capture.packets.size()) {
                byte[] p = capture.packets.get(tick / 2);
                receive.push(p, p.length, tick * 10 * MS);
            }
            receive.pull10msNarrow(frame, tick * 10 * MS);
            System.arraycopy(frame, 0, heard, tick * 80, 80);
        }
        short[] expected = new short[800];
        for (int k = 0; k < expected.length; k++) {
            expected[k] = codec.decode(codec.encode(tone[k]));
        }
        // after the jitter buffer's delay (comfort noise until then), the tone sample for sample
        boolean found = false;
        for (int start = 0; start + expected.length <= heard.length && !found; start++) {
            found = Arrays.equals(expected, 0, expected.length, heard, start,
                start + expected.length);
        }
        assertTrue(found, "the decoded samples themselves, unresampled");
    }

    @Test
    void malformedAndForeignPacketsAreCountedNotThrown() {
        ReceivePipeline receive = ReceivePipeline.of(G711.PCMU, d -> { }, () -> 0);
        assertEquals(RtpParseResult.TOO_SHORT, receive.push(new byte[5], 5, 0));
        assertEquals(RtpParseResult.BAD_BOUNDS, receive.push(new byte[5], 50, 0));
        byte[] pt96 = {(byte) 0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 2};
        assertEquals(RtpParseResult.OK, receive.push(pt96, pt96.length, 0));
        assertEquals(2, receive.malformed());
        assertEquals(1, receive.otherPayload());
        short[] out = new short[480];
        receive.pull10ms(out);
        assertTrue(Signals.rms(out, 0, 480) < 20, "comfort noise before any audio");
    }

    @Test
    void theHotPathAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        PacketSink[] loop = new PacketSink[1];
        ReceivePipeline receive = ReceivePipeline.of(G711.PCMU, d -> { }, () -> 0);
        long[] now = {0};
        loop[0] = (b, off, len) -> receive.push(b, off, len, now[0]);
        SendPipeline send = SendPipeline.of(G711.PCMU, 5, 0, 0, loop[0]);
        short[] in = Signals.tone(700, 8000, 48000, 480);
        short[] out = new short[480];
        Runnable tick = () -> {
            send.push10ms(in);
            receive.pull10ms(out, now[0]);
            now[0] += 10 * MS;
        };
        for (int i = 0; i < 20_000; i++) {
            tick.run(); // warm up, including the first packet's statistics object
        }
        // Rounds of 10,000 duplex frames until one allocates nothing at all: whatever the hot path
        // allocates, per frame or once in a while, shows in every round. What shows in one round
        // only is the JIT's: a request to compile a method with C2 first resolves the string
        // constants of the method's class (a String and its bytes for each literal not used yet,
        // such as those of toString()) on the thread that made the request, this one. On a loaded
        // machine some hot methods are still waiting for C2 after the warm-up, so a round or two
        // may carry a few hundred bytes of those. Each class pays once, and the loop allocates
        // nothing even interpreted, so once the loop's classes have had their requests a round
        // allocates nothing.
        long me = Thread.currentThread().getId();
        long[] rounds = new long[10];
        int measured = 0;
        do {
            long before = threads.getThreadAllocatedBytes(me);
            for (int i = 0; i < 10_000; i++) {
                tick.run();
            }
            rounds[measured++] = threads.getThreadAllocatedBytes(me) - before;
        } while (rounds[measured - 1] != 0 && measured < rounds.length);
        assertEquals(0, rounds[measured - 1], "bytes allocated in rounds of 10,000 duplex frames: "
                + Arrays.toString(Arrays.copyOf(rounds, measured)));
        assertEquals(0, receive.jitterStats().lost());
    }
}
