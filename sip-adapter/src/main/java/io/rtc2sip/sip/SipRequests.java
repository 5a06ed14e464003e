package io.rtc2sip.sip;

import io.rtc2sip.actors.model.EndCause;
import io.rtc2sip.actors.model.SipDialog;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.ListIterator;
import java.util.UUID;
import javax.sip.InvalidArgumentException;
import javax.sip.address.Address;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import javax.sip.header.ContactHeader;
import javax.sip.header.ContentTypeHeader;
import javax.sip.header.Header;
import javax.sip.header.RecordRouteHeader;
import javax.sip.header.RouteHeader;
import javax.sip.header.ToHeader;
import javax.sip.header.ViaHeader;
import javax.sip.message.Message;
import javax.sip.message.Request;
import javax.sip.message.Response;

/**
 * Builds SIP messages from the dialog state the call entity keeps ({@link SipDialog}), so a
 * request in an existing dialog can be sent by any node, also one that never saw the dialog.
 */
final class SipRequests {

  private final SipStackRunner sip;

  SipRequests(SipStackRunner sip) {
    this.sip = sip;
  }

  /** A request of {@code method} in {@code dialog} with CSeq {@code dialog.localCseq()}. */
  Request inDialog(SipDialog dialog, String method, String contactUser)
      throws ParseException, InvalidArgumentException {
    URI target = sip.addresses.createURI(dialog.remoteTarget());
    Request r = base(target, nextHop(dialog), method, dialog, contactUser);
    for (String route : dialog.routeSet()) {
      r.addHeader(sip.headers.createRouteHeader(sip.addresses.createAddress(route.trim())));
    }
    return r;
  }

  /**
   * The initial INVITE of an outbound dialog: through {@code server} (a server of a destination
   * set, as its Route) when not null, else to the Request-URI's host.
   */
  Request initialInvite(SipDialog dialog, String contactUser, String displayName, String server)
      throws ParseException, InvalidArgumentException {
    URI requestUri = sip.addresses.createURI(dialog.remoteUri());
    SipURI hop = server == null ? null : (SipURI) sip.addresses.createURI(server);
    Request r = base(requestUri, hop != null ? hop : requestUri, Request.INVITE, dialog,
        contactUser);
    if (!displayName.isEmpty()) {
      ((javax.sip.header.FromHeader) r.getHeader("From")).getAddress()
          .setDisplayName(displayName);
    }
    if (hop != null) {
      hop.setLrParam();
      r.addHeader(sip.headers.createRouteHeader(sip.addresses.createAddress(hop)));
    }
    return r;
  }

  /** Where a request in {@code dialog} goes first: its first route, or its remote target. */
  URI nextHop(SipDialog dialog) throws ParseException {
    return dialog.routeSet().isEmpty() ? sip.addresses.createURI(dialog.remoteTarget())
        : sip.addresses.createAddress(dialog.routeSet().get(0).trim()).getURI();
  }

  /**
   * A request to {@code requestUri} whose first hop is {@code next} (its first Route, or the
   * Request-URI): our Via and Contact name the transport and port we reach that hop on.
   */
  private Request base(URI requestUri, URI next, String method, SipDialog d, String contactUser)
      throws ParseException, InvalidArgumentException {
    Address from = sip.addresses.createAddress(d.localUri().trim());
    Address to = sip.addresses.createAddress(d.remoteUri().trim());
    String transport = SipTransport.of(next);
    ViaHeader via = sip.headers.createViaHeader(sip.settings.host(),
        sip.settings.portFor(transport), transport,
        "z9hG4bK" + UUID.randomUUID().toString().replace("-", ""));
    via.setRPort();
    List<ViaHeader> vias = new ArrayList<>(List.of(via));
    Request r = sip.messages.createRequest(
        requestUri,
        method,
        sip.headers.createCallIdHeader(d.callId()),
        sip.headers.createCSeqHeader(d.localCseq(), method),
        sip.headers.createFromHeader(from, d.localTag()),
        sip.headers.createToHeader(to, d.remoteTag()),
        vias,
        sip.headers.createMaxForwardsHeader(70));
    r.addHeader(contact(contactUser, transport, secure(requestUri)));
    r.addHeader(sip.headers.createUserAgentHeader(List.of(sip.settings.userAgent())));
    return r;
  }

  /**
   * ACK for a 2xx to our initial INVITE (RFC 3261 13.2.2.4): its own transaction-less request,
   * through the route set the 2xx's Record-Route makes.
   */
  Request ackFor(Response ok, SipDialog dialog, String contactUser)
      throws ParseException, InvalidArgumentException {
    return ack(ok, dialog, routeSetOfResponse(ok), contactUser);
  }

  /**
   * ACK for a 2xx to our re-INVITE: through the dialog's route set, which a re-INVITE does not
   * change (RFC 3261 12.2.1.2; the 2xx may carry no Record-Route at all), to the 2xx's Contact.
   */
  Request ackForReinvite(Response ok, SipDialog dialog, String contactUser)
      throws ParseException, InvalidArgumentException {
    return ack(ok, dialog, dialog.routeSet(), contactUser);
  }

  private Request ack(Response ok, SipDialog dialog, List<String> routes, String contactUser)
      throws ParseException, InvalidArgumentException {
    ContactHeader contact = (ContactHeader) ok.getHeader(ContactHeader.NAME);
    String target = contact != null ? contact.getAddress().getURI().toString()
        : dialog.remoteTarget();
    SipDialog confirmed = new SipDialog(dialog.callId(), dialog.localTag(),
        ((ToHeader) ok.getHeader(ToHeader.NAME)).getTag(), dialog.localUri(), dialog.remoteUri(),
        target, routes, dialog.localCseq(), dialog.remoteCseq());
    Request ack = inDialog(confirmed, Request.ACK, contactUser);
    ack.setHeader(sip.headers.createCSeqHeader(
        ((javax.sip.header.CSeqHeader) ok.getHeader("CSeq")).getSeqNumber(), Request.ACK));
    return ack;
  }

  /** A header's value as written, without its name (parameters included). */
  static String value(javax.sip.header.Header h) {
    String text = h.toString().trim();
    int colon = text.indexOf(':');
    return colon < 0 ? text : text.substring(colon + 1).trim();
  }

  /** The route set of a dialog we created, from the 2xx's Record-Route (reversed). */
  static List<String> routeSetOfResponse(Response r) {
    List<String> routes = new ArrayList<>();
    ListIterator<?> it = r.getHeaders(RecordRouteHeader.NAME);
    while (it.hasNext()) {
      routes.add(0, ((RecordRouteHeader) it.next()).getAddress().toString());
    }
    return routes;
  }

  /** The route set of a dialog the peer created, from its INVITE's Record-Route (in order). */
  static List<String> routeSetOfRequest(Request r) {
    List<String> routes = new ArrayList<>();
    ListIterator<?> it = r.getHeaders(RecordRouteHeader.NAME);
    while (it.hasNext()) {
      routes.add(((RecordRouteHeader) it.next()).getAddress().toString());
    }
    return routes;
  }

  /**
   * Our Contact for a dialog or binding reached over {@code transport}: the port we listen on for
   * it; a {@code sips:} URI when the request's URI was one (RFC 3261 8.1.1.8), else the
   * transport named unless it is UDP.
   */
  ContactHeader contact(String user, String transport, boolean secure) throws ParseException {
    SipURI uri = sip.addresses.createSipURI(user, sip.settings.host());
    uri.setPort(sip.settings.portFor(transport));
    if (secure) {
      uri.setSecure(true);
    } else if (!"udp".equalsIgnoreCase(transport)) {
      uri.setTransportParam(transport.toLowerCase());
    }
    return sip.headers.createContactHeader(sip.addresses.createAddress(uri));
  }

  /** A response to {@code request}; {@code toTag} when it establishes or belongs to a dialog. */
  Response response(int status, Request request, String toTag, String contactUser)
      throws ParseException {
    Response r = sip.messages.createResponse(status, request);
    if (toTag != null && status > 100) {
      ToHeader to = (ToHeader) r.getHeader(ToHeader.NAME);
      if (to.getTag() == null) {
        to.setTag(toTag);
      }
    }
    if (contactUser != null && status > 100 && status < 300) {
      r.addHeader(contact(contactUser, transportOf(request), secure(request.getRequestURI())));
    }
    r.addHeader(sip.headers.createServerHeader(List.of(sip.settings.userAgent())));
    return r;
  }

  void body(Message m, String sdp) throws ParseException {
    ContentTypeHeader type = sip.headers.createContentTypeHeader("application", "sdp");
    m.setContent(sdp, type);
  }

  Header reason(EndCause cause) throws ParseException {
    return sip.headers.createHeader("Reason",
        "Q.850;cause=" + cause.q850() + ";text=\"" + cause.description() + "\"");
  }

  static String transportOf(Request request) {
    ViaHeader via = (ViaHeader) request.getHeader(ViaHeader.NAME);
    return via == null ? "udp" : via.getTransport().toLowerCase();
  }

  /** Whether {@code uri} is a {@code sips:} URI. */
  static boolean secure(URI uri) {
    return uri instanceof SipURI s && s.isSecure();
  }

}
