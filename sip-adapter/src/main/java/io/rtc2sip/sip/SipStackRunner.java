package io.rtc2sip.sip;

import gov.nist.javax.sip.stack.SIPTransactionStack;
import io.rtc2sip.metrics.NodeMetrics;
import io.rtc2sip.sip.tls.TlsStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.TooManyListenersException;
import javax.sip.InvalidArgumentException;
import javax.sip.ListeningPoint;
import javax.sip.ObjectInUseException;
import javax.sip.PeerUnavailableException;
import javax.sip.SipFactory;
import javax.sip.SipListener;
import javax.sip.SipProvider;
import javax.sip.SipStack;
import javax.sip.TransportNotSupportedException;
import javax.sip.address.AddressFactory;
import javax.sip.header.HeaderFactory;
import javax.sip.message.MessageFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JAIN-SIP stack of the node: one provider listening on the configured transports, without
 * automatic dialogs (the dialog state lives in the call entity, so any node can continue any
 * dialog), logging into SLF4J.
 */
final class SipStackRunner implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SipStackRunner.class);

  final SipStack stack;
  final SipProvider provider;
  final MessageFactory messages;
  final HeaderFactory headers;
  final AddressFactory addresses;
  final SipSettings settings;

  private SipStackRunner(SipSettings settings, SipStack stack, SipProvider provider,
      MessageFactory messages, HeaderFactory headers, AddressFactory addresses) {
    this.settings = settings;
    this.stack = stack;
    this.provider = provider;
    this.messages = messages;
    this.headers = headers;
    this.addresses = addresses;
  }

  static SipStackRunner start(SipSettings settings, SipListener listener, NodeMetrics metrics)
      throws javax.sip.SipException, InvalidArgumentException, TooManyListenersException {
    SipFactory factory = SipFactory.getInstance();
    factory.setPathName("gov.nist");
    Properties p = new Properties();
    p.setProperty("javax.sip.STACK_NAME", "rtc2sip-" + settings.port());
    p.setProperty("javax.sip.AUTOMATIC_DIALOG_SUPPORT", "off");
    p.setProperty("gov.nist.javax.sip.STACK_LOGGER", Slf4jStackLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.SERVER_LOGGER", Slf4jServerLogger.class.getName());
    p.setProperty("gov.nist.javax.sip.TRACE_LEVEL", "16");
    p.setProperty("gov.nist.javax.sip.LOG_MESSAGE_CONTENT", "true");
    p.setProperty("gov.nist.javax.sip.REENTRANT_LISTENER", "true");
    p.setProperty("gov.nist.javax.sip.THREAD_POOL_SIZE", "8");
    // bounded TCP messages and connections: a scanner cannot make us buffer without end
    p.setProperty("gov.nist.javax.sip.MAX_MESSAGE_SIZE", "65536");
    p.setProperty("gov.nist.javax.sip.MAX_CONNECTIONS", "1024");
    p.setProperty("gov.nist.javax.sip.CACHE_CLIENT_CONNECTIONS", "true");
    // malformed datagrams are counted and logged in summary, not dumped one by one
    p.setProperty("gov.nist.javax.sip.MESSAGE_PARSER_FACTORY",
        CountingParserFactory.class.getName());
    if (settings.tls().enabled()) {
      TlsStack.configure(p, settings.tls(), metrics.sipAccess().tlsServerRefused::inc);
    }
    SipStack stack = factory.createSipStack(p);
    ((Slf4jServerLogger) ((SIPTransactionStack) stack).getServerLogger()).observe(metrics);
    List<String> transports = new ArrayList<>(settings.transports());
    if (settings.tls().enabled()) {
      TlsStack.secure(stack);
      transports.add("tls");
    }
    SipProvider provider = null;
    for (String transport : transports) {
      ListeningPoint lp = stack.createListeningPoint(settings.host(),
          settings.portFor(transport), transport);
      if (provider == null) {
        provider = stack.createSipProvider(lp);
      } else {
        provider.addListeningPoint(lp);
      }
      log.info("SIP listening on {}:{} ({})", settings.host(), settings.portFor(transport),
          transport.toUpperCase());
    }
    provider.addSipListener(listener);
    provider.setAutomaticDialogSupportEnabled(false);
    return new SipStackRunner(settings, stack, provider, factory.createMessageFactory(),
        factory.createHeaderFactory(), factory.createAddressFactory());
  }

  @Override
  public void close() {
    stack.stop();
    TlsStack.forget(stack.getStackName());
  }
}
