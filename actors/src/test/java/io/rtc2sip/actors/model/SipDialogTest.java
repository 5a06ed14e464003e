package io.rtc2sip.actors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The CSeqs of a dialog: ours only go up, one per request; the peer's never go back. */
class SipDialogTest {

  private static final SipDialog DIALOG =
      SipDialog.outgoing("c1@gw.example", "tag-1", "sip:alice@gw.example", "sip:bob@pbx.example");

  @Test
  void eachRequestOfOursTakesTheNextCseq() {
    assertEquals(1, DIALOG.localCseq());
    assertEquals(2, DIALOG.nextLocalCseq().localCseq());
    assertEquals(4, DIALOG.nextLocalCseq(3).localCseq());
    assertSame(DIALOG, DIALOG.nextLocalCseq(0));
    assertThrows(IllegalArgumentException.class, () -> DIALOG.nextLocalCseq(-1));
  }

  @Test
  void aResponseToALaterInviteMovesOurCseqUpNeverDown() {
    assertEquals(3, DIALOG.withLocalCseqAtLeast(3).localCseq());
    assertSame(DIALOG, DIALOG.withLocalCseqAtLeast(1));
    assertSame(DIALOG, DIALOG.withLocalCseqAtLeast(0));
  }

  @Test
  void thePeersCseqNeverGoesBack() {
    SipDialog seen = DIALOG.withRemoteCseq(5);
    assertEquals(5, seen.remoteCseq());
    assertEquals(5, seen.withRemoteCseq(4).remoteCseq());
    assertEquals(6, seen.withRemoteCseq(6).remoteCseq());
  }
}
