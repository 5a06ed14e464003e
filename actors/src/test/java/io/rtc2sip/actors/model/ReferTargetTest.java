package io.rtc2sip.actors.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Replaces values and Refer-To URIs carrying them (RFC 3891, RFC 3515, RFC 3261 19.1). */
class ReferTargetTest {

  @Test
  void aReplacesIsEscapedInTheReferToAndReadBack() {
    Replaces r = new Replaces("98732@sip.example.com", "r33th4x0r", "ff87ff", false);
    ReferTarget t = new ReferTarget("sip:dave@denver.example.org", r);
    // RFC 3891 section 7's example, with the characters RFC 3261 25 does not leave unescaped
    assertEquals("sip:dave@denver.example.org?Replaces=98732%40sip.example.com"
        + "%3Bto-tag%3Dr33th4x0r%3Bfrom-tag%3Dff87ff", t.referToUri());
    assertEquals(t, ReferTarget.parse(t.referToUri()));
  }

  @Test
  void onlyReplacesIsTakenFromTheUriHeaders() {
    ReferTarget t = ReferTarget.parse("sip:carol@pbx;transport=tcp?Route=%3Csip:x%3E"
        + "&Call-ID=1&replaces=a%40b%3Bfrom-tag%3Df%3Bto-tag%3Dt%3Bearly-only");
    assertEquals("sip:carol@pbx;transport=tcp", t.uri());
    assertEquals(new Replaces("a@b", "t", "f", true), t.replaces());
    assertNull(ReferTarget.parse("sip:carol@pbx?Route=%3Csip:x%3E").replaces());
  }

  @Test
  void aReplacesCannotSmuggleHeadersIntoOurInvite() {
    // %-escaped CR LF, a second header, a comma or a space inside a tag or the Call-ID
    for (String bad : List.of("a%40b%3Bto-tag%3Dt%0D%0AVia%3A%20x%3Bfrom-tag%3Df",
        "a%40b%3Bto-tag%3Dt%2Cu%3Bfrom-tag%3Df", "a%0Ab%3Bto-tag%3Dt%3Bfrom-tag%3Df",
        "a%40b%3Bto-tag%3Dt%3Bfrom-tag%3Df%20g")) {
      assertThrows(IllegalArgumentException.class,
          () -> ReferTarget.parse("sip:carol@pbx?Replaces=" + bad), bad);
    }
    assertThrows(IllegalArgumentException.class, () -> Replaces.parse("a@b;to-tag=t\r\nX: y;"
        + "from-tag=f"));
  }

  @Test
  void aReplacesWithoutBothTagsIsNotOne() {
    for (String bad : List.of("a%40b%3Bto-tag%3Dt", "%3Bto-tag%3Dt%3Bfrom-tag%3Df", "",
        "a%40b%3Bto-tag%3D%3Bfrom-tag%3Df", "a%ZZ")) {
      assertThrows(IllegalArgumentException.class,
          () -> ReferTarget.parse("sip:carol@pbx?Replaces=" + bad), bad);
    }
  }

  @Test
  void aReplacesNamesTheDialogFromTheReceiversSide() {
    SipDialog ours = new SipDialog("c@h", "our-tag", "peer-tag", "sip:a@gw", "sip:b@pbx",
        "sip:b@1.2.3.4", List.of(), 3, 4);
    // what we put in a REFER for the peer: its tag is the to-tag
    Replaces forPeer = Replaces.forPeerOf(ours).orElseThrow();
    assertEquals("c@h;to-tag=peer-tag;from-tag=our-tag", forPeer.headerValue());
    // what a peer sends us to take this dialog over: our tag is the to-tag
    assertTrue(Replaces.parse("c@h;to-tag=our-tag;from-tag=peer-tag").names(ours));
    assertTrue(!forPeer.names(ours));
  }
}
