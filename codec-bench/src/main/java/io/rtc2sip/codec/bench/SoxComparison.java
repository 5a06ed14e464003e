package io.rtc2sip.codec.bench;

import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.codec.resample.Resampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One hour of µ-law audio decoded and resampled to 48 kHz, once by our code (in 20 ms
 * frames, as a call does) and once by sox (one process over a file, its default high-quality
 * rate), timed once each; prints both and the ratio.
 *
 * <pre>java -cp codec-bench/target/benchmarks.jar io.rtc2sip.codec.bench.SoxComparison [minutes]</pre>
 */
public final class SoxComparison {

    private SoxComparison() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        int minutes = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int samples = minutes * 60 * 8000;
        byte[] mulaw = new byte[samples];
        short[] second = Frames.speech(8000, 8000);
        for (int off = 0; off < samples; off += 8000) {
            G711.PCMU.encode(second, 0, mulaw, off, Math.min(8000, samples - off));
        }
        Path in = Files.createTempFile("hour", ".ul");
        try {
            Files.write(in, mulaw);
            // warm up our code on a minute of audio, as a running gateway would be
            ours(mulaw, 480_000);
            long t0 = System.nanoTime();
            long checksum = ours(mulaw, samples);
            long oursNanos = System.nanoTime() - t0;

            ProcessBuilder sox = new ProcessBuilder("sox", "-D", "-t", "ul", "-r", "8000", "-c", "1", in.toString(),
                    "-t", "raw", "-e", "signed", "-b", "16", "-r", "48000", "/dev/null").inheritIO();
            long t1 = System.nanoTime();
            Process p = sox.start();
            if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("sox failed");
            }
            long soxNanos = System.nanoTime() - t1;
            System.out.printf("%d min of 8 kHz µ-law -> 48 kHz PCM (G.711 decode + resample)%n", minutes);
            System.out.printf("  rtc2sip codec, 20 ms frames: %8.0f ms  (%.0f ns per 20 ms; checksum %d)%n",
                    oursNanos / 1e6, oursNanos / (samples / 160.0), checksum);
            System.out.printf("  sox rate (default, -h):      %8.0f ms%n", soxNanos / 1e6);
            System.out.printf("  sox time / ours: %.2f%n", (double) soxNanos / oursNanos);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    private static long ours(byte[] mulaw, int samples) {
        Resampler up = Resampler.create(8000, 48000);
        short[] pcm = new short[160];
        short[] out = new short[960];
        long checksum = 0;
        for (int off = 0; off + 160 <= samples; off += 160) {
            G711.PCMU.decode(mulaw, off, pcm, 0, 160);
            up.process(pcm, 0, 160, out, 0);
            checksum += out[off % 960];
        }
        return checksum;
    }
}
