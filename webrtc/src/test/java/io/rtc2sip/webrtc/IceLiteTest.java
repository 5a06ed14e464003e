package io.rtc2sip.webrtc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.ice4j.StunException;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.XorMappedAddressAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.stack.StunStack;
import org.junit.jupiter.api.Test;

/**
 * The ICE-lite agent on STUN messages built by ice4j as a browser would send them: a check with
 * the leg's credentials is answered (with the browser's address, signed with the leg's password);
 * anything else is refused without an answer.
 */
class IceLiteTest {
  private static final InetSocketAddress BROWSER = new InetSocketAddress("192.0.2.7", 50123);
  private static final InetSocketAddress LEG = new InetSocketAddress("127.0.0.1", 40000);
  private final IceLite ice = new IceLite(new SecureRandom());
  private final List<byte[]> answers = new ArrayList<>();

  /** A binding request as the browser sends it, signed with {@code pwd}. */
  private static byte[] check(String username, String pwd, boolean useCandidate) {
    StunStack signer = new StunStack();
    signer.getCredentialsManager().registerAuthority(new org.ice4j.security.CredentialsAuthority() {
      @Override
      public byte[] getLocalKey(String u) {
        return null;
      }

      @Override
      public byte[] getRemoteKey(String u, String media) {
        return pwd.getBytes(StandardCharsets.US_ASCII);
      }

      @Override
      public boolean checkLocalUserName(String u) {
        return false;
      }
    });
    try {
      Request r = MessageFactory.createBindingRequest();
      r.setTransactionID(org.ice4j.stack.TransactionID.createNewTransactionID().getBytes());
      r.putAttribute(AttributeFactory.createUsernameAttribute(username));
      r.putAttribute(AttributeFactory.createIceControllingAttribute(42));
      if (useCandidate) {
        r.putAttribute(AttributeFactory.createUseCandidateAttribute());
      }
      r.putAttribute(AttributeFactory.createMessageIntegrityAttribute(username));
      r.putAttribute(AttributeFactory.createFingerprintAttribute());
      return r.encode(signer);
    } catch (StunException e) {
      throw new IllegalStateException(e);
    } finally {
      signer.shutDown();
    }
  }

  private IceLite.Outcome handle(IceLite.Credentials leg, byte[] datagram) {
    return ice.handle(leg, datagram, datagram.length, BROWSER, LEG,
        (response, to) -> {
          assertEquals(BROWSER, to);
          answers.add(response);
        });
  }

  @Test
  void aCheckWithTheLegsCredentialsIsAnsweredWithTheBrowsersAddress() throws StunException {
    IceLite.Credentials leg = ice.register();
    assertEquals(IceLite.Outcome.CHECKED, handle(leg, check(leg.ufrag() + ":abcd", leg.pwd(),
        false)));
    assertEquals(1, answers.size());
    Message response = Message.decode(answers.get(0), 0, answers.get(0).length);
    assertEquals(Message.BINDING_SUCCESS_RESPONSE, response.getMessageType());
    XorMappedAddressAttribute mapped =
        (XorMappedAddressAttribute) response.getAttribute(Attribute.XOR_MAPPED_ADDRESS);
    assertEquals(BROWSER.getPort(), mapped.getAddress(response.getTransactionID()).getPort());
    assertNotNull(response.getAttribute(Attribute.FINGERPRINT));
    // signed with the leg's password: the browser can verify it
    MessageIntegrityAttribute integrity =
        (MessageIntegrityAttribute) response.getAttribute(Attribute.MESSAGE_INTEGRITY);
    byte[] signed = java.util.Arrays.copyOf(answers.get(0), integrity.getLocationInMessage());
    int length = signed.length + 24 - 20;
    signed[2] = (byte) (length >> 8);
    signed[3] = (byte) length;
    assertArrayEquals(MessageIntegrityAttribute.calculateHmacSha1(signed, 0, signed.length,
        leg.pwd().getBytes(StandardCharsets.US_ASCII)), integrity.getHmacSha1Content());
  }

  @Test
  void useCandidateNominates() {
    IceLite.Credentials leg = ice.register();
    assertEquals(IceLite.Outcome.NOMINATED, handle(leg, check(leg.ufrag() + ":abcd", leg.pwd(),
        true)));
  }

  @Test
  void checksThatAreNotTheLegsAreRefusedWithoutAnswer() {
    IceLite.Credentials leg = ice.register();
    IceLite.Credentials other = ice.register();
    assertEquals(IceLite.Outcome.REFUSED, handle(leg, check(leg.ufrag() + ":abcd",
        "a-wrong-password-of-24!", false)));
    assertEquals(IceLite.Outcome.REFUSED, handle(leg, check(other.ufrag() + ":abcd",
        other.pwd(), false)));
    assertEquals(IceLite.Outcome.REFUSED, handle(leg, "not stun at all".getBytes()));
    byte[] valid = check(leg.ufrag() + ":abcd", leg.pwd(), false);
    valid[valid.length - 30] ^= 1; // a bit of the integrity or fingerprint flipped
    assertEquals(IceLite.Outcome.REFUSED, handle(leg, valid));
    ice.unregister(leg);
    assertEquals(IceLite.Outcome.REFUSED, handle(leg, check(leg.ufrag() + ":abcd", leg.pwd(),
        false)));
    assertEquals(0, answers.size());
  }
}
