package io.rtc2sip.signaling.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test phone on the signaling protocol: logs in, runs commands from its arguments or stdin,
 * prints every server message as one JSON line. Exit status: 0 done, 1 connection or login
 * failure, 2 usage, 3 a {@code wait} timed out.
 */
public final class ClientMain {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream print;
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private InetSocketAddress rtc = new InetSocketAddress("127.0.0.1", 7072);
  private Path play;
  private Path record;
  private String uid;
  private final Map<String, String> channels = new ConcurrentHashMap<>();
  private volatile CallAudio audio;
  private OutputStream out;
  private String currentCall;
  private int ids;

  private ClientMain(PrintStream print) {
    this.print = print;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.in, System.out));
  }

  /** Runs the client; the exit status (see the class comment). */
  public static int run(String[] args, java.io.InputStream stdin, PrintStream stdout)
      throws Exception {
    int users = users(args);
    if (users > 1) {
      return runMany(args, users, stdout);
    }
    String host = "127.0.0.1";
    int port = 7070;
    String uid = null;
    String token = null;
    String secret = env("RTC2SIP_SIGNALING_TOKEN_SECRET", SignalingSettings.DEFAULT_SECRET);
    List<String> commands = new ArrayList<>();
    ClientMain client = new ClientMain(stdout);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--uid" -> uid = args[++i];
        case "--token" -> token = args[++i];
        case "--secret" -> secret = args[++i];
        case "--rtc" -> {
          String[] hp = args[++i].split(":");
          client.rtc = new InetSocketAddress(hp[0], Integer.parseInt(hp[1]));
        }
        case "--play" -> client.play = Path.of(args[++i]);
        case "--record" -> client.record = Path.of(args[++i]);
        case "--users" -> i++;
        default -> {
          for (String c : args[i].split(";")) {
            if (!c.isBlank()) {
              commands.add(c.trim());
            }
          }
        }
      }
    }
    if (uid == null) {
      System.err.println("usage: rtc2sip client --uid U [--host H] [--port P] [--token T |"
          + " --secret S] [--users N] [--rtc H:P] [--play in.wav] [--record out.wav]"
          + " [\"cmd; cmd; ...\"]"
          + "  (commands from stdin without arguments)");
      return 2;
    }
    if (token == null) {
      token = new Tokens(secret, Clock.systemUTC()).issue(uid, Duration.ofHours(12));
    }
    client.uid = uid;
    try (Socket socket = new Socket(host, port)) {
      client.connect(socket);
      JsonNode login = client.request(JSON.createObjectNode().put("type", "login")
          .put("uid", uid).put("token", token));
      if (!"result".equals(login.path("type").asText())) {
        return 1;
      }
      if (commands.isEmpty()) {
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin,
            StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
          int status = client.execute(line.trim());
          if (status >= 0) {
            client.stopAudio();
            return status;
          }
        }
      } else {
        for (String c : commands) {
          int status = client.execute(c);
          if (status >= 0) {
            client.stopAudio();
            return status;
          }
        }
      }
      client.stopAudio();
      return 0;
    } catch (IOException e) {
      client.stopAudio();
      System.err.println("signaling connection to " + host + ":" + port + " failed: "
          + e.getMessage());
      return 1;
    }
  }

  private static int users(String[] args) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals("--users")) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return 1;
  }

  /**
   * {@code --users N}: N clients in this process, uids {@code <uid>-0 .. <uid>-(N-1)}, each
   * running the same commands (load runs: many users answering calls at once).
   */
  private static int runMany(String[] args, int users, PrintStream stdout) throws Exception {
    List<Thread> threads = new ArrayList<>();
    int[] status = new int[users];
    for (int u = 0; u < users; u++) {
      String[] own = args.clone();
      for (int i = 0; i + 1 < own.length; i++) {
        if (own[i].equals("--uid")) {
          own[i + 1] = own[i + 1] + "-" + u;
        } else if (own[i].equals("--users")) {
          own[i + 1] = "1";
        }
      }
      int index = u;
      Thread t = new Thread(() -> {
        try {
          status[index] = run(own, java.io.InputStream.nullInputStream(), stdout);
        } catch (Exception e) {
          status[index] = 1;
        }
      }, "client-" + u);
      t.start();
      threads.add(t);
    }
    int worst = 0;
    for (int u = 0; u < users; u++) {
      threads.get(u).join();
      worst = Math.max(worst, status[u]);
    }
    return worst;
  }

  private void connect(Socket socket) throws IOException {
    out = socket.getOutputStream();
    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
        StandardCharsets.UTF_8));
    Thread reader = new Thread(() -> {
      try {
        String line;
        while ((line = in.readLine()) != null) {
          JsonNode n = JSON.readTree(line);
          synchronized (print) {
            print.println(line);
          }
          String type = n.path("type").asText();
          if (type.equals("incoming-call")) {
            currentCall = n.path("callId").asText();
            channels.put(currentCall, n.path("channel").asText());
          } else if (type.equals("answered")) {
            startAudio(n.path("callId").asText());
          } else if (type.equals("ended") || type.equals("transferred")) {
            stopAudio();
          }
          inbox.add(n);
        }
      } catch (IOException e) {
        // the connection ended
      }
      inbox.add(JSON.createObjectNode().put("type", "closed"));
    }, "signaling-reader");
    reader.setDaemon(true);
    reader.start();
    Thread keepalive = new Thread(() -> {
      try {
        while (true) {
          Thread.sleep(20_000);
          send(JSON.createObjectNode().put("type", "ping"));
        }
      } catch (Exception e) {
        // stopped with the process
      }
    }, "signaling-keepalive");
    keepalive.setDaemon(true);
    keepalive.start();
  }

  /** Runs one command; a status to exit with, or -1 to go on. */
  private int execute(String line) throws Exception {
    if (line.isEmpty() || line.startsWith("#")) {
      return -1;
    }
    if (line.startsWith("{")) {
      send((ObjectNode) JSON.readTree(line));
      return -1;
    }
    String[] w = line.split("\\s+");
    switch (w[0]) {
      case "quit" -> {
        stopAudio();
        return 0;
      }
      case "sleep" -> Thread.sleep(Long.parseLong(w[1]));
      case "wait" -> {
        return waitFor(w[1], w.length > 2 ? Integer.parseInt(w[2]) : 30) ? -1 : 3;
      }
      case "call" -> {
        JsonNode r = request(JSON.createObjectNode().put("type", "call").put("to", w[1]));
        if (r.hasNonNull("callId")) {
          currentCall = r.get("callId").asText();
          channels.put(currentCall, r.path("channel").asText());
        }
      }
      case "answer", "reject", "hangup", "cancel", "hold", "unhold" ->
          request(JSON.createObjectNode().put("type", w[0]).put("callId", arg(w, 1)));
      case "dtmf", "transfer" -> {
        ObjectNode r = JSON.createObjectNode().put("type", w[0]).put("callId", arg(w, 2));
        r.put(w[0].equals("dtmf") ? "digits" : "to", w[1]);
        request(r);
      }
      case "auto-answer" -> autoAnswer(w.length > 1 ? Integer.parseInt(w[1]) : 3600);
      case "register" -> request(JSON.createObjectNode().put("type", "register").put("sip", true));
      case "calls" -> request(JSON.createObjectNode().put("type", "calls"));
      default -> {
        System.err.println("unknown command: " + w[0]);
        return 2;
      }
    }
    return -1;
  }

  /** Joins the call's RTC channel on the loopback network when --play or --record is given. */
  private void startAudio(String callId) {
    String channel = channels.get(callId);
    if ((play == null && record == null) || channel == null || audio != null) {
      return;
    }
    try {
      audio = CallAudio.start(rtc, channel, uid, play, record);
    } catch (Exception e) {
      System.err.println("call audio not started: " + e.getMessage());
    }
  }

  private void stopAudio() {
    CallAudio a = audio;
    audio = null;
    if (a != null) {
      try {
        a.close();
      } catch (IOException e) {
        System.err.println("recording not written: " + e.getMessage());
      }
    }
  }

  /** Answers every incoming call for {@code seconds} (a test phone for load runs). */
  private void autoAnswer(int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    long answered = 0;
    while (System.nanoTime() < deadline) {
      JsonNode n = inbox.poll(200, TimeUnit.MILLISECONDS);
      if (n == null) {
        continue;
      }
      if (n.path("type").asText().equals("closed")) {
        break;
      }
      if (n.path("type").asText().equals("incoming-call")) {
        send(JSON.createObjectNode().put("type", "answer")
            .put("callId", n.path("callId").asText()));
        answered++;
      }
    }
    System.err.println("auto-answer: " + answered + " calls answered");
  }

  private String arg(String[] w, int index) {
    return w.length > index ? w[index] : currentCall == null ? "" : currentCall;
  }

  private JsonNode request(ObjectNode message) throws Exception {
    String id = "c" + (++ids);
    message.put("id", id);
    send(message);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    List<JsonNode> other = new ArrayList<>();
    try {
      while (System.nanoTime() < deadline) {
        JsonNode n = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (n == null || n.path("type").asText().equals("closed")) {
          break;
        }
        if (id.equals(n.path("id").asText())) {
          return n;
        }
        other.add(n);
      }
    } finally {
      inbox.addAll(other); // notifications stay for later waits
    }
    return JSON.createObjectNode().put("type", "error").put("code", "timeout");
  }

  private boolean waitFor(String type, int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      JsonNode n = inbox.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (n == null) {
        break;
      }
      if (n.path("type").asText().equals(type)) {
        return true;
      }
      if (n.path("type").asText().equals("closed")) {
        return false;
      }
    }
    System.err.println("no " + type + " within " + seconds + " s");
    return false;
  }

  private synchronized void send(ObjectNode message) throws IOException {
    out.write((message.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
