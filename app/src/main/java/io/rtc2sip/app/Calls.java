package io.rtc2sip.app;

import com.typesafe.config.Config;
import io.rtc2sip.persistence.history.CallListRenderer;
import io.rtc2sip.persistence.history.CallQueries;
import io.rtc2sip.persistence.history.CallRecords;
import java.sql.Connection;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code rtc2sip calls [--uid U] [--number N] [--since T] [--until T] [--cause C] [--node N]
 * [--call-id ID] [--limit N] [--json]}: calls from the call history, newest first, to pick one
 * for {@code rtc2sip replay}.
 */
public final class Calls {
  static final String USAGE = "usage: rtc2sip calls [--uid U] [--number N] [--since 2h|2026-11-30"
      + "|2026-11-30T10:00:00Z] [--until T] [--cause NO_ANSWER] [--node ADDRESS] [--call-id ID]"
      + " [--limit 50] [--json]";

  private Calls() {}

  public static int run(String[] args, Config config) throws Exception {
    Map<String, String> params = new HashMap<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--json")) {
        json = true;
      } else if (a.startsWith("--") && CallQueries.PARAMETERS.contains(a.substring(2))
          && i + 1 < args.length) {
        params.put(a.substring(2), args[++i]);
      } else {
        System.err.println("unexpected argument '" + a + "'\n" + USAGE);
        return 2;
      }
    }
    CallRecords.Query query;
    try {
      query = CallQueries.parse(params, Clock.systemUTC());
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage() + "\n" + USAGE);
      return 2;
    }
    List<CallRecords.CallRecord> calls;
    try (Connection c = ToolDatabase.connect(config)) {
      calls = CallRecords.search(c, query);
    }
    System.out.print(json ? CallListRenderer.json(calls) + "\n" : CallListRenderer.text(calls));
    return 0;
  }
}
