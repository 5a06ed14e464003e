package io.rtc2sip.sip;

import io.rtc2sip.metrics.NodeMetrics;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused because they do not belong to a call's dialog: each is counted
 * ({@code rtc2sip_sip_dialog_mismatch_total} by reason); at most one INFO line per interval
 * names one of them with its call id and how many more were refused meanwhile, so a flood of
 * spoofed requests cannot flood the log (the others go to DEBUG).
 */
final class DialogMismatches {
  private static final Logger log = LoggerFactory.getLogger(DialogMismatches.class);
  private static final long INTERVAL_NANOS = 1_000_000_000L;

  private final NodeMetrics metrics;
  private final AtomicLong nextLine = new AtomicLong(System.nanoTime());
  private final AtomicLong unlogged = new AtomicLong();

  DialogMismatches(NodeMetrics metrics) {
    this.metrics = metrics;
  }

  /**
   * Counts and logs a refusal; the caller answers it. The MDC holds {@code callId}.
   *
   * @param reason unknown, tags, cseq, merged, cancel, rack or unclaimed
   */
  void refused(String method, String reason, int status, String detail) {
    metrics.sipDialogMismatch(reason);
    long now = System.nanoTime();
    long next = nextLine.get();
    if (now - next >= 0 && nextLine.compareAndSet(next, now + INTERVAL_NANOS)) {
      long more = unlogged.getAndSet(0);
      log.info("{} refused with {} ({}: {}){}", method, status, reason, detail,
          more == 0 ? "" : "; " + more + " more refused since the last line");
    } else {
      unlogged.incrementAndGet();
      log.debug("{} refused with {} ({}: {})", method, status, reason, detail);
    }
  }
}
