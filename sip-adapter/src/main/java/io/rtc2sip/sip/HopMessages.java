package io.rtc2sip.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.stack.HopImpl;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.ListIterator;
import javax.sip.ListeningPoint;
import javax.sip.header.MaxForwardsHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;

/**
 * The messages of an INVITE hop ({@link InviteHops}): a request of the caller sent on to the
 * node running its call with this node's Via on top (a branch derived from the caller's, marked
 * {@link #BRANCH_PREFIX}) and Max-Forwards one less, straight over the stack's transport.
 */
final class HopMessages {
  /** The branch of a hop's Via: the magic cookie, then this mark. */
  static final String BRANCH_PREFIX = "z9hG4bK-r2shop-";

  private final SipContext ctx;
  private final String self;

  /** @param self this node's SIP address ({@code host:port}), part of every branch */
  HopMessages(SipContext ctx, String self) {
    this.ctx = ctx;
    this.self = self;
  }

  /** Whether the message passed a hop of a node of ours (any of its Vias). */
  static boolean passedHop(Message m) {
    ListIterator<?> vias = m.getHeaders(ViaHeader.NAME);
    while (vias.hasNext()) {
      String branch = ((ViaHeader) vias.next()).getBranch();
      if (branch != null && branch.startsWith(BRANCH_PREFIX)) {
        return true;
      }
    }
    return false;
  }

  /** Sends {@code request} of the caller on to {@code target} with our Via on top. */
  void forward(Request request, HopImpl target) throws Exception {
    Request out = (Request) request.clone();
    ListeningPoint lp = listeningPoint(target.getTransport());
    out.addFirst(ctx.sip.headers.createViaHeader(ctx.sip.settings.host(), lp.getPort(),
        target.getTransport(), branch(request)));
    MaxForwardsHeader mf = (MaxForwardsHeader) out.getHeader(MaxForwardsHeader.NAME);
    if (mf == null) {
      out.setHeader(ctx.sip.headers.createMaxForwardsHeader(69));
    } else if (mf.getMaxForwards() > 0) {
      mf.decrementMaxForwards();
    }
    SIPTransactionStack stack = (SIPTransactionStack) ctx.sip.stack;
    MessageChannel channel = stack.createRawMessageChannel(lp.getIPAddress(), lp.getPort(),
        target);
    if (channel == null) {
      throw new IllegalStateException("no channel to " + target);
    }
    channel.sendMessage((SIPMessage) out, target);
  }

  /**
   * Where the call's node listens, over the transport the INVITE came on where we have it; an
   * INVITE that came over TLS goes on over TCP (between the nodes, inside the cluster's network:
   * {@code node} is the address of the node's UDP and TCP port, and the nodes' certificates need
   * not trust each other).
   */
  HopImpl hopTo(String node, Request invite) {
    int colon = node.lastIndexOf(':');
    if (colon <= 0) {
      return null;
    }
    String transport = ((ViaHeader) invite.getHeader(ViaHeader.NAME)).getTransport();
    if ("tls".equalsIgnoreCase(transport)) {
      transport = "tcp";
    }
    if (transport == null || ctx.sip.provider.getListeningPoint(transport) == null) {
      transport = ctx.sip.provider.getListeningPoints()[0].getTransport();
    }
    try {
      return new HopImpl(node.substring(0, colon), Integer.parseInt(node.substring(colon + 1)),
          transport.toLowerCase());
    } catch (IllegalArgumentException notAnAddress) {
      return null; // taken here
    }
  }

  private ListeningPoint listeningPoint(String transport) {
    ListeningPoint lp = ctx.sip.provider.getListeningPoint(transport);
    return lp != null ? lp : ctx.sip.provider.getListeningPoints()[0];
  }

  /**
   * The branch of our Via: derived from the caller's top Via branch (and this node), so the
   * INVITE sent again, its CANCEL and the ACK of a failure get the INVITE's branch, as the
   * target's transaction needs (RFC 3261 16.11).
   */
  private String branch(Request request) throws Exception {
    ViaHeader top = (ViaHeader) request.getHeader(ViaHeader.NAME);
    String caller = top == null || top.getBranch() == null ? "" : top.getBranch();
    String key = caller + "|" + SipContext.sipCallId(request) + "|" + self;
    byte[] hash = MessageDigest.getInstance("SHA-256")
        .digest(key.getBytes(StandardCharsets.UTF_8));
    return BRANCH_PREFIX + HexFormat.of().formatHex(hash, 0, 10);
  }

  static int maxForwards(Request request) {
    MaxForwardsHeader mf = (MaxForwardsHeader) request.getHeader(MaxForwardsHeader.NAME);
    return mf == null ? 70 : mf.getMaxForwards();
  }

}
