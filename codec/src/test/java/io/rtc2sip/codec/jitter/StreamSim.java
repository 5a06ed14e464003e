package io.rtc2sip.codec.jitter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntToLongFunction;

/**
 * A synthetic RTP stream of 20 ms G.711 packets over a scripted network, played out by a
 * consumer that pulls 10 ms every 10 ms of simulated time. Sample k of the stream carries
 * the byte k mod 251, so the audio that comes out can be checked for order and gaps.
 */
final class StreamSim {

    static final long MS = 1_000_000L;
    static final int PTIME = 160;

    record Packet(int ssrc, int seq, int ts, byte[] payload, long arrivalNanos) {
    }

    final List<Packet> packets = new ArrayList<>();
    /** One character per output sample: A audio, C conceal, S silent. */
    final StringBuilder kinds = new StringBuilder();
    final List<Integer> audio = new ArrayList<>();
    final List<Integer> delays = new ArrayList<>();

    /**
     * Adds {@code count} packets of one source, sent every 20 ms from {@code startMs}, each
     * arriving 30 ms plus {@code extraMs.applyAsLong(i)} after it was sent (negative: dropped).
     */
    StreamSim send(int ssrc, int firstSeq, long firstTs, int count, long startMs, IntToLongFunction extraMs) {
        for (int i = 0; i < count; i++) {
            long extra = extraMs.applyAsLong(i);
            if (extra < 0) {
                continue;
            }
            byte[] payload = new byte[PTIME];
            for (int k = 0; k < PTIME; k++) {
                payload[k] = (byte) ((i * PTIME + k) % 251);
            }
            long sentMs = startMs + 20L * i + 20;
            packets.add(new Packet(ssrc, (firstSeq + i) & 0xFFFF, (int) (firstTs + (long) PTIME * i), payload,
                    (sentMs + 30 + extra) * MS));
        }
        return this;
    }

    StreamSim run(JitterBuffer jb, long durationMs) {
        List<Packet> byArrival = new ArrayList<>(packets);
        byArrival.sort(Comparator.comparingLong(Packet::arrivalNanos));
        byte[] out = new byte[80];
        int next = 0;
        for (long t = 0; t < durationMs * MS; t += 10 * MS) {
            while (next < byArrival.size() && byArrival.get(next).arrivalNanos() <= t) {
                Packet p = byArrival.get(next++);
                jb.push(p.ssrc(), p.seq(), p.ts(), p.payload(), 0, p.payload().length, p.arrivalNanos());
            }
            int filled = 0;
            while (filled < 80) {
                Playout kind = jb.pop(t, out, filled, 80 - filled);
                int n = jb.lastCount();
                for (int i = 0; i < n; i++) {
                    kinds.append(kind.name().charAt(0));
                    if (kind == Playout.AUDIO) {
                        audio.add(out[filled + i] & 0xFF);
                    }
                }
                filled += n;
            }
            delays.add((int) Math.round(jb.currentDelayMs()));
        }
        return this;
    }

    /** Places in the audio where a byte does not follow its predecessor. */
    int discontinuities() {
        int n = 0;
        for (int i = 1; i < audio.size(); i++) {
            if (audio.get(i) != (audio.get(i - 1) + 1) % 251) {
                n++;
            }
        }
        return n;
    }

    /** The output after the first audio, run-length encoded (e.g. "A800 C160 A960 S"; the last run without its length). */
    String shape() {
        String k = kinds.toString();
        int from = k.indexOf('A');
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(from, 0); i < k.length();) {
            int j = i;
            while (j < k.length() && k.charAt(j) == k.charAt(i)) {
                j++;
            }
            sb.append(sb.length() == 0 ? "" : " ").append(k.charAt(i)).append(j == k.length() ? "" : j - i);
            i = j;
        }
        return sb.toString();
    }

    long count(char kind) {
        return kinds.chars().filter(c -> c == kind).count();
    }
}
