package io.rtc2sip.tests.bench.fuzz;

import io.rtc2sip.sip.Sipp;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ordinary call through the node: a signaling client logs in and calls sipp's
 * {@code uas_answer}, waits for the answer, hangs up and waits for the end (sipp checks the BYE).
 */
final class NormalCall {
  private static final Pattern CALL_ID = Pattern.compile("\"callId\":\"([^\"]+)\"");

  private NormalCall() {}

  /** Null when the call went as it should, else what went wrong. */
  static String place(int signalingPort, String uid) {
    try (Sipp uas = Sipp.uas("uas_answer", 60000);
        Socket socket = new Socket("127.0.0.1", signalingPort)) {
      socket.setSoTimeout(20_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
          StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      send(out, new SignalingMessages(0).login(uid));
      String login = until(in, "\"id\":\"l\"");
      if (!login.contains("\"result\"")) {
        return "login refused: " + login;
      }
      send(out, "{\"id\":\"c\",\"type\":\"call\",\"to\":\"sip:uas@127.0.0.1:" + uas.port + "\"}");
      String placed = until(in, "\"id\":\"c\"");
      Matcher m = CALL_ID.matcher(placed);
      if (!placed.contains("\"result\"") || !m.find()) {
        return "call refused: " + placed;
      }
      String callId = m.group(1);
      until(in, "\"type\":\"answered\"");
      send(out, "{\"id\":\"h\",\"type\":\"hangup\",\"callId\":\"" + callId + "\"}");
      until(in, "\"type\":\"ended\"");
      int sipp = uas.await(30);
      return sipp == 0 ? null : "sipp exited " + sipp + ": " + uas.where();
    } catch (SocketTimeoutException e) {
      return "no answer from the node within 20 s";
    } catch (Exception e) {
      return e.toString();
    }
  }

  private static void send(OutputStream out, String line) throws java.io.IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String until(BufferedReader in, String containing) throws java.io.IOException {
    while (true) {
      String line = in.readLine();
      if (line == null) {
        throw new java.io.IOException("the node closed the connection waiting for " + containing);
      }
      if (line.contains(containing)) {
        return line;
      }
    }
  }
}
