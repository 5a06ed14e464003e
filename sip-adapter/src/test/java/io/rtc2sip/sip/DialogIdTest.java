package io.rtc2sip.sip;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rtc2sip.actors.model.SipDialog;
import io.rtc2sip.sip.DialogId.Verdict;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The in-dialog check of RFC 3261 12.2.2, one row per kind of request. */
class DialogIdTest {

  private record Row(String what, DialogId dialog, String callId, String fromTag, String toTag,
      long cseq, Verdict verdict) {}

  private static final DialogId INBOUND = new DialogId("c1@peer", "ours", "theirs", 1);
  private static final DialogId OUTBOUND_EARLY = new DialogId("o-1@rtc2sip", "ours", null, 0);
  private static final DialogId OUTBOUND = new DialogId("o-1@rtc2sip", "ours", "theirs", 0);

  @Test
  void requestsFromThePeerAreCheckedAgainstTheDialog() {
    List<Row> rows = List.of(
        new Row("the peer's next request", INBOUND, "c1@peer", "theirs", "ours", 2,
            Verdict.ACCEPT),
        new Row("a CSeq far ahead", INBOUND, "c1@peer", "theirs", "ours", 900, Verdict.ACCEPT),
        new Row("the CSeq of the INVITE again", INBOUND, "c1@peer", "theirs", "ours", 1,
            Verdict.OUT_OF_ORDER),
        new Row("a lower CSeq", new DialogId("c1@peer", "ours", "theirs", 7), "c1@peer",
            "theirs", "ours", 3, Verdict.OUT_OF_ORDER),
        new Row("a wrong From-tag", INBOUND, "c1@peer", "mallory", "ours", 2,
            Verdict.OTHER_DIALOG),
        new Row("a wrong To-tag", INBOUND, "c1@peer", "theirs", "guess", 2, Verdict.OTHER_DIALOG),
        new Row("no To-tag", INBOUND, "c1@peer", "theirs", null, 2, Verdict.OTHER_DIALOG),
        new Row("no From-tag", INBOUND, "c1@peer", null, "ours", 2, Verdict.OTHER_DIALOG),
        new Row("another Call-ID", INBOUND, "c2@peer", "theirs", "ours", 2, Verdict.OTHER_DIALOG),
        new Row("tags swapped", INBOUND, "c1@peer", "ours", "theirs", 2, Verdict.OTHER_DIALOG),
        new Row("a tag differing in case", INBOUND, "c1@peer", "THEIRS", "ours", 2,
            Verdict.OTHER_DIALOG),
        new Row("the first request of the peer in our dialog: any CSeq", OUTBOUND,
            "o-1@rtc2sip", "theirs", "ours", 1, Verdict.ACCEPT),
        new Row("before the peer's tag is known", OUTBOUND_EARLY, "o-1@rtc2sip", "theirs",
            "ours", 1, Verdict.OTHER_DIALOG),
        new Row("a wrong From-tag in our dialog", OUTBOUND, "o-1@rtc2sip", "mallory", "ours", 5,
            Verdict.OTHER_DIALOG));
    for (Row row : rows) {
      assertEquals(row.verdict(),
          row.dialog().check(row.callId(), row.fromTag(), row.toTag(), row.cseq()), row.what());
    }
  }

  @Test
  void theDialogLearnsFromTheCallAndFromAcceptedRequests() {
    SipDialog fromCall = new SipDialog("o-1@rtc2sip", "ours", "theirs", "sip:a@x", "sip:b@y",
        "sip:b@y", List.of(), 3, 4);
    DialogId learnt = OUTBOUND_EARLY.merge(fromCall);
    assertEquals(new DialogId("o-1@rtc2sip", "ours", "theirs", 4), learnt);
    assertEquals(learnt, learnt.merge(fromCall.withRemoteCseq(2)), "a CSeq never goes back");
    assertEquals(8, learnt.withRemoteCseq(8).remoteCseq());
    assertEquals(4, learnt.withRemoteCseq(2).remoteCseq());
    assertEquals("other", learnt.withRemoteTag("other").remoteTag());
    assertEquals(learnt, learnt.withRemoteTag(null));
    assertEquals(DialogId.of(fromCall), learnt);
  }
}
