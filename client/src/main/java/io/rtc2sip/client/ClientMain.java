package io.rtc2sip.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rtc2sip.signaling.SignalingSettings;
import io.rtc2sip.signaling.Tokens;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A test phone on the signaling protocol: logs in, runs commands from its arguments or stdin,
 * prints every server message as one JSON line. It knows one or more signaling servers
 * ({@code --server h1:p1,h2:p2}): when its connection drops it connects to the next that answers,
 * logs in again, asks {@code calls} and resumes its call's audio where the call now runs (lines
 * of its own, {@code "local":true}: {@code reconnected}, {@code rejoined}). Exit status: 0 done
 * (or {@code --help}/{@code -h}: the usage on stdout), 1 connection or login failure, 2 wrong
 * usage (the usage on stderr), 3 a {@code wait} timed out. With {@code --tls} it speaks TLS to
 * a node whose signaling port has {@code tls = on} ({@link Transport}).
 */
public final class ClientMain {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long after a reconnect {@code calls} is asked again while the cluster does not answer. */
  private static final Duration CALLS_FOR = Duration.ofSeconds(60);
  /** On stdout for {@code --help} or {@code -h}, on stderr after a wrong usage. */
  static final String USAGE = "usage: rtc2sip client --uid U [--server H:P[,H:P...] | --host H"
      + " --port P] [--tls [--trust ca.pem | --insecure]] [--token T | --secret S] [--users N]"
      + " [--rtc H:P] [--play in.wav] [--record out.wav] [\"cmd; cmd; ...\"]  (commands from"
      + " stdin without arguments; a lost connection moves on to the next server)";
  /** The options followed by a value. */
  private static final Set<String> VALUED = Set.of("--host", "--port", "--server", "--uid",
      "--token", "--secret", "--rtc", "--play", "--record", "--users", "--trust");

  private final PrintStream print;
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private InetSocketAddress rtc = new InetSocketAddress("127.0.0.1", 7072);
  private Path play;
  private Path record;
  private String uid;
  private SignalingLink link;
  private final Map<String, String> channels = new ConcurrentHashMap<>();
  /** Where each call's audio is on the loopback RTC network (the server's {@code rtc}). */
  private final Map<String, InetSocketAddress> rtcOf = new ConcurrentHashMap<>();
  private volatile CallAudio audio;
  private volatile boolean quitting;
  private volatile String currentCall;

  private ClientMain(PrintStream print) {
    this.print = print;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args, System.in, System.out));
  }

  /** Runs the client; the exit status (see the class comment). */
  public static int run(String[] args, java.io.InputStream stdin, PrintStream stdout)
      throws Exception {
    if (asksForHelp(args)) {
      stdout.println(USAGE);
      return 0;
    }
    String wrong = wrongUsage(args);
    if (wrong != null) {
      System.err.println("rtc2sip client: " + wrong);
      System.err.println(USAGE);
      return 2;
    }
    int users = users(args);
    if (users > 1) {
      return runMany(args, users, stdout);
    }
    String host = "127.0.0.1";
    int port = 7070;
    String serverList = null;
    String uid = null;
    String token = null;
    String secret = env("RTC2SIP_SIGNALING_TOKEN_SECRET", SignalingSettings.DEFAULT_SECRET);
    boolean tls = false;
    boolean insecure = false;
    Path trust = null;
    List<String> commands = new ArrayList<>();
    ClientMain client = new ClientMain(stdout);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--server" -> serverList = args[++i];
        case "--uid" -> uid = args[++i];
        case "--token" -> token = args[++i];
        case "--secret" -> secret = args[++i];
        case "--rtc" -> client.rtc = address(args[++i]);
        case "--play" -> client.play = Path.of(args[++i]);
        case "--record" -> client.record = Path.of(args[++i]);
        case "--users" -> i++;
        case "--tls" -> tls = true;
        case "--insecure" -> insecure = true;
        case "--trust" -> trust = Path.of(args[++i]);
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
      System.err.println(USAGE);
      return 2;
    }
    Servers servers;
    try {
      servers = Servers.parse(serverList != null ? serverList : host + ":" + port);
    } catch (IllegalArgumentException e) {
      System.err.println("--server: " + e.getMessage());
      return 2;
    }
    if ((insecure || trust != null) && !tls || insecure && trust != null) {
      System.err.println("rtc2sip client: --trust or --insecure (not both) go with --tls");
      System.err.println(USAGE);
      return 2;
    }
    Transport transport;
    try {
      transport = !tls ? Transport.plain() : insecure ? Transport.insecure()
          : Transport.tls(java.util.Optional.ofNullable(trust));
    } catch (IOException | java.security.GeneralSecurityException e) {
      System.err.println("rtc2sip client: --trust " + trust + ": " + e.getMessage());
      System.err.println(USAGE);
      return 2;
    }
    client.uid = uid;
    client.link = new SignalingLink(servers, transport, uid, token != null ? token
        : new Tokens(secret, Clock.systemUTC()).issue(uid, Duration.ofHours(12)), stdout,
        client.new Events());
    try {
      if (!client.link.connect()) {
        client.quit();
        return 1;
      }
      int status = client.runCommands(commands, stdin);
      client.quit();
      return status;
    } catch (IOException e) {
      client.quit();
      System.err.println("signaling connection to " + client.link.server() + " failed: "
          + e.getMessage());
      return 1;
    }
  }

  private int runCommands(List<String> commands, java.io.InputStream stdin) throws Exception {
    if (commands.isEmpty()) {
      BufferedReader in = new BufferedReader(new InputStreamReader(stdin,
          StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        int status = execute(line.trim());
        if (status >= 0) {
          return status;
        }
      }
    } else {
      for (String c : commands) {
        int status = execute(c);
        if (status >= 0) {
          return status;
        }
      }
    }
    return 0;
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon),
        Integer.parseInt(hostPort.substring(colon + 1)));
  }

  /** Whether {@code --help} or {@code -h} stands where an option may. */
  private static boolean asksForHelp(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (VALUED.contains(args[i])) {
        i++;
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        return true;
      }
    }
    return false;
  }

  /** What is wrong with the options, or null: a value missing, or not a number. */
  private static String wrongUsage(String[] args) {
    for (int i = 0; i < args.length; i++) {
      if (!VALUED.contains(args[i])) {
        continue;
      }
      if (i + 1 == args.length) {
        return args[i] + " needs a value";
      }
      if (args[i].equals("--port") || args[i].equals("--users")) {
        try {
          Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          return args[i] + " needs a number, not '" + args[i + 1] + "'";
        }
      }
      i++;
    }
    return null;
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

  /** The link's news: notifications, a reconnect, the end. */
  private final class Events implements SignalingLink.Listener {
    @Override
    public void notified(JsonNode message) {
      ClientMain.this.notified(message);
    }

    @Override
    public void reconnected(InetSocketAddress server) throws Exception {
      local(JSON.createObjectNode().put("type", "reconnected")
          .put("server", server.getHostString() + ":" + server.getPort()));
      resumeCalls();
    }

    @Override
    public void closed() {
      inbox.add(JSON.createObjectNode().put("type", "closed"));
    }
  }

  private void notified(JsonNode n) {
    String type = n.path("type").asText();
    String callId = n.path("callId").asText();
    if (type.equals("incoming-call")) {
      currentCall = callId;
      channels.put(callId, n.path("channel").asText());
      learnRtc(callId, n);
    } else if (type.equals("answered")) {
      startAudio(callId);
    } else if (type.equals("rtc-moved")) {
      learnRtc(callId, n);
      follow(callId);
    } else if (type.equals("ended") || type.equals("transferred")) {
      CallAudio a = audio;
      if (a != null && a.callId().equals(callId)) {
        stopAudio();
      }
    }
    inbox.add(n);
  }

  private void learnRtc(String callId, JsonNode n) {
    if (n.hasNonNull("rtc")) {
      rtcOf.put(callId, address(n.get("rtc").asText()));
    }
  }

  /** The call's audio joins its channel where the call now runs, if it is elsewhere. */
  private void follow(String callId) {
    CallAudio a = audio;
    InetSocketAddress to = rtcOf.get(callId);
    if (a == null || to == null || !a.callId().equals(callId)) {
      return;
    }
    try {
      if (a.rejoin(to)) {
        local(JSON.createObjectNode().put("type", "rejoined").put("callId", callId)
            .put("rtc", to.getHostString() + ":" + to.getPort()));
      }
    } catch (IOException e) {
      System.err.println("call " + callId + ": RTC rejoin at " + to + " failed: "
          + e.getMessage());
    }
  }

  /** A line of the client's own (not from the server), printed and waitable like the others. */
  private void local(ObjectNode n) {
    n.put("local", true);
    synchronized (print) {
      print.println(n.toString());
    }
    inbox.add(n);
  }

  /**
   * After a reconnect: asks {@code calls} (again while the cluster is still taking over the
   * calls of a dead node) and resumes the audio of the call that goes on where it now runs.
   */
  private void resumeCalls() throws Exception {
    long deadline = System.nanoTime() + CALLS_FOR.toNanos();
    JsonNode calls = request(JSON.createObjectNode().put("type", "calls"));
    while (!calls.has("calls") && !quitting && System.nanoTime() < deadline
        && !calls.path("type").asText().equals("closed")) {
      Thread.sleep(1000); // the cluster is still taking over the dead node's calls: ask again
      calls = request(JSON.createObjectNode().put("type", "calls"));
    }
    if (!calls.has("calls")) {
      System.err.println("calls not answered after reconnecting: " + calls);
      return;
    }
    CallAudio a = audio;
    boolean stillThere = false;
    for (JsonNode c : calls.get("calls")) {
      String callId = c.path("callId").asText();
      learnRtc(callId, c);
      if (a != null && a.callId().equals(callId)) {
        stillThere = true;
        follow(callId);
      } else if (a == null && c.path("state").asText().matches("Active|Held")) {
        startAudio(callId);
      }
    }
    if (a != null && !stillThere) {
      stopAudio();
      local(JSON.createObjectNode().put("type", "ended").put("callId", a.callId())
          .put("cause", "unknown").put("reason", "the call was gone after reconnecting"));
    }
  }

  private void quit() {
    quitting = true;
    stopAudio();
    link.close();
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
          learnRtc(currentCall, r);
        }
      }
      case "answer", "reject", "hangup", "cancel", "hold", "unhold" ->
          request(JSON.createObjectNode().put("type", w[0]).put("callId", arg(w, 1)));
      case "dtmf", "transfer", "conference" -> {
        ObjectNode r = JSON.createObjectNode().put("type", w[0]).put("callId", arg(w, 2));
        r.put(w[0].equals("dtmf") ? "digits" : "to", w[1]);
        request(r);
      }
      case "remove-party" -> request(JSON.createObjectNode().put("type", "remove-party")
          .put("callId", arg(w, 2)).put("party", Integer.parseInt(w[1])));
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

  /**
   * Joins the call's RTC channel on the loopback network when --play or --record is given: at
   * the call's {@code rtc} (the node running it), else at {@code --rtc}.
   */
  private synchronized void startAudio(String callId) {
    String channel = channels.get(callId);
    if ((play == null && record == null) || channel == null || audio != null) {
      return;
    }
    try {
      audio = CallAudio.start(callId, rtcOf.getOrDefault(callId, rtc), channel, uid, play,
          record);
    } catch (Exception e) {
      System.err.println("call audio not started: " + e.getMessage());
    }
  }

  private synchronized void stopAudio() {
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
    String current = currentCall;
    return w.length > index ? w[index] : current == null ? "" : current;
  }

  private JsonNode request(ObjectNode message) throws Exception {
    return link.request(message);
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

  private void send(ObjectNode message) throws IOException {
    link.send(message);
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
