package io.rtc2sip.webrtc;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.ice4j.StunException;
import org.ice4j.Transport;
import org.ice4j.TransportAddress;
import org.ice4j.attribute.Attribute;
import org.ice4j.attribute.AttributeFactory;
import org.ice4j.attribute.MessageIntegrityAttribute;
import org.ice4j.attribute.UsernameAttribute;
import org.ice4j.message.Message;
import org.ice4j.message.MessageFactory;
import org.ice4j.message.Request;
import org.ice4j.message.Response;
import org.ice4j.security.CredentialsAuthority;
import org.ice4j.stack.RawMessage;
import org.ice4j.stack.StunStack;
import org.ice4j.stack.TransactionID;

/**
 * The node's ICE-lite agent (RFC 8445 2.5): browser legs only answer the browser's connectivity
 * checks, never send their own, and are always the controlled agent. STUN messages, their
 * MESSAGE-INTEGRITY (HMAC-SHA1 with the leg's password) and FINGERPRINT are ice4j's; this class
 * keeps the legs' credentials and applies the lite agent's rules to one datagram at a time.
 */
final class IceLite {
  private static final String ICE_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  /** What a datagram that looked like STUN turned out to be. */
  enum Outcome {
    /** A valid check: answered; its source may carry the leg's media. */
    CHECKED,
    /** A valid check with USE-CANDIDATE: answered; media goes to its source from now on. */
    NOMINATED,
    /** Not for us, not a binding request, or failed integrity: dropped and counted. */
    REFUSED
  }

  /** Local credentials of one leg. */
  record Credentials(String ufrag, String pwd) {
    @Override
    public String toString() {
      return "Credentials[" + ufrag + "]"; // never the password
    }
  }

  /** The ufrag of the check {@link #warmUp} sends itself (never a leg's: those are random). */
  private static final String SELF_CHECK = "self-check";
  private final StunStack stun = new StunStack();
  private final Map<String, byte[]> keys = new ConcurrentHashMap<>();
  private final SecureRandom random;

  IceLite(SecureRandom random) {
    this.random = random;
    stun.getCredentialsManager().registerAuthority(new CredentialsAuthority() {
      @Override
      public byte[] getLocalKey(String username) {
        return keys.get(username);
      }

      @Override
      public byte[] getRemoteKey(String username, String media) {
        // a lite agent sends no requests; only its own self-check at start signs one
        return username.startsWith(SELF_CHECK + ":") ? keys.get(SELF_CHECK) : null;
      }

      @Override
      public boolean checkLocalUserName(String username) {
        return keys.containsKey(username);
      }
    });
    warmUp();
  }

  /**
   * Runs one check through the STUN code before the first browser does: its first use loads
   * ice4j's configuration and classes (about a second), which would otherwise hold up the socket
   * thread, and with it every leg's packets, when the first call comes.
   */
  private void warmUp() {
    Credentials c = new Credentials(SELF_CHECK, randomChars(24));
    keys.put(c.ufrag(), c.pwd().getBytes(StandardCharsets.US_ASCII));
    try {
      Request check = MessageFactory.createBindingRequest();
      check.setTransactionID(TransactionID.createNewTransactionID().getBytes());
      check.putAttribute(AttributeFactory.createUsernameAttribute(c.ufrag() + ":browser"));
      check.putAttribute(AttributeFactory.createMessageIntegrityAttribute(
          c.ufrag() + ":browser"));
      check.putAttribute(AttributeFactory.createFingerprintAttribute());
      byte[] encoded = check.encode(stun);
      InetSocketAddress here = new InetSocketAddress("127.0.0.1", 9);
      if (handle(c, encoded, encoded.length, here, here, (response, to) -> { })
          != Outcome.CHECKED) {
        throw new IllegalStateException("the STUN self-check failed");
      }
    } catch (StunException e) {
      throw new IllegalStateException("the STUN self-check failed: " + e, e);
    } finally {
      keys.remove(c.ufrag());
    }
  }

  /** New random credentials for a leg (RFC 8839: 24 bits of ufrag, 128 of password at least). */
  Credentials register() {
    while (true) {
      Credentials c = new Credentials(randomChars(8), randomChars(24));
      if (keys.putIfAbsent(c.ufrag(), c.pwd().getBytes(StandardCharsets.US_ASCII)) == null) {
        return c;
      }
    }
  }

  void unregister(Credentials c) {
    keys.remove(c.ufrag());
  }

  /**
   * Handles a STUN datagram that arrived at a leg with credentials {@code local} from {@code
   * from} (addressed to {@code to}): a binding request whose USERNAME is ours and whose
   * MESSAGE-INTEGRITY verifies gets a success response through {@code reply}.
   */
  Outcome handle(Credentials local, byte[] data, int length, InetSocketAddress from,
      InetSocketAddress to, Reply reply) {
    Message message;
    try {
      message = Message.decode(data, 0, length);
    } catch (StunException | RuntimeException e) {
      return Outcome.REFUSED;
    }
    if (!(message instanceof Request request)
        || message.getMessageType() != Message.BINDING_REQUEST) {
      return Outcome.REFUSED; // indications (keepalives) and responses need no answer
    }
    UsernameAttribute user = (UsernameAttribute) request.getAttribute(Attribute.USERNAME);
    MessageIntegrityAttribute integrity =
        (MessageIntegrityAttribute) request.getAttribute(Attribute.MESSAGE_INTEGRITY);
    if (user == null || integrity == null) {
      return Outcome.REFUSED;
    }
    String username = new String(user.getUsername(), StandardCharsets.UTF_8);
    int colon = username.indexOf(':');
    if (colon < 1 || !username.substring(0, colon).equals(local.ufrag())) {
      return Outcome.REFUSED;
    }
    TransportAddress remote = new TransportAddress(from, Transport.UDP);
    RawMessage raw = RawMessage.build(data, length, remote, new TransportAddress(to, Transport.UDP));
    if (!stun.validateMessageIntegrity(integrity, username, true, raw)) {
      return Outcome.REFUSED;
    }
    Response response = MessageFactory.createBindingResponse(request, remote);
    try {
      response.setTransactionID(request.getTransactionID());
    } catch (StunException e) {
      return Outcome.REFUSED;
    }
    response.putAttribute(AttributeFactory.createMessageIntegrityAttribute(local.ufrag()));
    response.putAttribute(AttributeFactory.createFingerprintAttribute());
    byte[] encoded = response.encode(stun);
    reply.send(encoded, from);
    return request.containsAttribute(Attribute.USE_CANDIDATE) ? Outcome.NOMINATED
        : Outcome.CHECKED;
  }

  /** Sends a STUN response. */
  interface Reply {
    void send(byte[] response, InetSocketAddress to);
  }

  void close() {
    stun.shutDown();
  }

  private String randomChars(int n) {
    char[] c = new char[n];
    for (int i = 0; i < n; i++) {
      c[i] = ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length()));
    }
    return new String(c);
  }
}
