package io.rtc2sip.tests.support;

import io.rtc2sip.codec.g711.G711;
import io.rtc2sip.testkit.Until;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What crossed the loopback interface, as a real peer received it: tcpdump (Debian package
 * tcpdump, run as root) writes the UDP datagrams that match a filter to a pcap file, read back
 * here. For checks no peer can make itself: sipp does not decode the audio it gets, so the tone
 * and the RFC 4733 digits the gateway sent it are read off the wire.
 */
public final class LoopbackCapture implements AutoCloseable {
  /** One UDP datagram: its ports, payload, and when it was captured (µs since the epoch). */
  public record Datagram(int sourcePort, int destinationPort, byte[] payload, long micros) {
    public String text() {
      return new String(payload, StandardCharsets.ISO_8859_1);
    }
  }

  private final Process process;
  private final Path file;

  private LoopbackCapture(Process process, Path file) {
    this.process = process;
    this.file = file;
  }

  /** Starts capturing UDP on lo that matches the BPF {@code filter}; returns once it listens. */
  public static LoopbackCapture start(Path file, String filter) throws IOException {
    return startAny(file, "udp and (" + filter + ")");
  }

  /**
   * Starts capturing every packet on lo that matches the BPF {@code filter} (TCP too: read the
   * file's bytes with {@link #bytes()}); returns once it listens.
   */
  public static LoopbackCapture startAny(Path file, String filter) throws IOException {
    if (!Files.isExecutable(Path.of("/usr/bin/tcpdump"))) {
      throw new IllegalStateException("tcpdump is not installed: apt-get install tcpdump"
          + " (.ci/run installs it)");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Process p = new ProcessBuilder("/usr/bin/tcpdump", "-i", "lo", "-U", "-n", "-s", "0", "-w",
        file.toString(), filter).redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String line;
    StringBuilder said = new StringBuilder();
    while ((line = out.readLine()) != null) {
      said.append(line).append('\n');
      if (line.contains("listening on")) {
        Thread drain = new Thread(() -> {
          try {
            while (out.readLine() != null) {
              // tcpdump's summary at exit
            }
          } catch (IOException ignored) {
            // the process ended
          }
        }, "tcpdump-output");
        drain.setDaemon(true);
        drain.start();
        return new LoopbackCapture(p, file);
      }
    }
    throw new IllegalStateException("tcpdump did not start: " + said);
  }

  /** Everything captured so far, as the pcap file holds it (headers and payloads). */
  public byte[] bytes() throws IOException {
    return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
  }

  /** The datagrams captured so far (tcpdump writes each packet as it comes, -U). */
  public List<Datagram> sofar() throws IOException {
    return read(file);
  }

  /**
   * Polls the capture (bounded) until {@code enough} holds for what it caught; fails with {@code
   * what} after {@code timeout}.
   */
  public List<Datagram> await(String what, java.time.Duration timeout,
      java.util.function.Predicate<List<Datagram>> enough) {
    int[] caught = {0};
    // another process's file: poll it
    return Until.value(timeout, Until.probing(() -> {
      List<Datagram> d = sofar();
      caught[0] = d.size();
      return enough.test(d) ? d : null;
    }), () -> what + " captured (" + caught[0] + " datagrams in " + file + ")");
  }

  /** Stops the capture and reads every datagram it holds. */
  public List<Datagram> stop() throws IOException, InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
    return read(file);
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }

  /** The UDP datagrams of a pcap file (Ethernet framing, as tcpdump writes for lo; IPv4). */
  static List<Datagram> read(Path pcap) throws IOException {
    byte[] bytes = Files.exists(pcap) ? Files.readAllBytes(pcap) : new byte[0];
    List<Datagram> out = new ArrayList<>();
    if (bytes.length < 24) {
      return out;
    }
    // the file's own headers are in the byte order of its writer; packets in network order
    ByteBuffer file = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int magic = file.getInt(0);
    if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
      file.order(ByteOrder.BIG_ENDIAN);
    }
    ByteBuffer net = ByteBuffer.wrap(bytes).order(ByteOrder.BIG_ENDIAN);
    int linkType = file.getInt(20);
    int linkHeader = linkType == 1 ? 14 : linkType == 113 ? 16 : -1;
    if (linkHeader < 0) {
      throw new IOException("unexpected pcap link type " + linkType);
    }
    int at = 24;
    while (at + 16 <= bytes.length) {
      long micros = (file.getInt(at) & 0xFFFFFFFFL) * 1_000_000L + (file.getInt(at + 4) & 0xFFFFFFFFL);
      int captured = file.getInt(at + 8);
      int packet = at + 16;
      at = packet + captured;
      int ip = packet + linkHeader;
      if (at > bytes.length || captured < linkHeader + 28 || (net.get(ip) >> 4) != 4
          || net.get(ip + 9) != 17) {
        continue;
      }
      int udp = ip + (net.get(ip) & 0x0F) * 4;
      int length = (net.getShort(udp + 4) & 0xFFFF) - 8;
      byte[] payload = new byte[Math.max(0, Math.min(length, at - udp - 8))];
      net.get(udp + 8, payload);
      out.add(new Datagram(net.getShort(udp) & 0xFFFF, net.getShort(udp + 2) & 0xFFFF,
          payload, micros));
    }
    return out;
  }

  /**
   * The audio of the G.711 RTP packets with payload type {@code payloadType} among {@code
   * datagrams}, in arrival order, decoded to 8 kHz PCM (no reordering: loopback keeps order).
   */
  public static short[] g711Audio(List<Datagram> datagrams, int payloadType) {
    G711 codec = payloadType == 0 ? G711.PCMU : G711.PCMA;
    List<short[]> parts = new ArrayList<>();
    int total = 0;
    for (Datagram d : datagrams) {
      byte[] p = d.payload();
      if (p.length <= 12 || (p[0] & 0xC0) != 0x80 || (p[1] & 0x7F) != payloadType) {
        continue;
      }
      int header = 12 + (p[0] & 0x0F) * 4;
      short[] pcm = new short[p.length - header];
      for (int i = 0; i < pcm.length; i++) {
        pcm[i] = codec.decode(p[header + i]);
      }
      parts.add(pcm);
      total += pcm.length;
    }
    short[] all = new short[total];
    int n = 0;
    for (short[] part : parts) {
      System.arraycopy(part, 0, all, n, part.length);
      n += part.length;
    }
    return all;
  }

  /**
   * The digits of the RFC 4733 telephone-events (payload type {@code payloadType}) among {@code
   * datagrams}: one per event, at its first end packet (senders repeat the end packet).
   */
  public static String rfc4733Digits(List<Datagram> datagrams, int payloadType) {
    StringBuilder digits = new StringBuilder();
    long lastEndTimestamp = -1;
    for (Datagram d : datagrams) {
      byte[] p = d.payload();
      if (p.length < 16 || (p[0] & 0xC0) != 0x80 || (p[1] & 0x7F) != payloadType) {
        continue;
      }
      int header = 12 + (p[0] & 0x0F) * 4;
      boolean end = (p[header + 1] & 0x80) != 0;
      long timestamp = ByteBuffer.wrap(p, 4, 4).getInt() & 0xFFFFFFFFL;
      if (end && timestamp != lastEndTimestamp) {
        lastEndTimestamp = timestamp;
        int event = p[header] & 0xFF;
        digits.append("0123456789*#ABCD".charAt(Math.min(event, 15)));
      }
    }
    return digits.toString();
  }
}
