package io.rtc2sip.sip.tls;

import gov.nist.core.net.DefaultNetworkLayer;
import gov.nist.core.net.NetworkLayer;
import gov.nist.javax.sip.SipStackImpl;
import java.io.IOException;
import java.net.ConnectException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * The sockets of the SIP stack: plain ones as the stack makes them by default; TLS ones with the
 * node's TLS context ({@link TlsStack}) and Nagle's algorithm off, and for our outbound connections the JDK's check that
 * the server's certificate is made out to the host we connect to (the name the target URI gave,
 * or its IP address). The stack creates it by name and hands it its stack, by whose name it
 * finds its setup.
 */
public final class TlsNetworkLayer implements NetworkLayer {
  private static final int CONNECT_TIMEOUT_MS = 8000;
  private static final NetworkLayer PLAIN = DefaultNetworkLayer.SINGLETON;

  private volatile SipStackImpl stack;

  /** Created by the stack (gov.nist.javax.sip.NETWORK_LAYER). */
  public TlsNetworkLayer() {}

  @Override
  public void setSipStack(SipStackImpl stack) {
    this.stack = stack;
  }

  private TlsStack.Setup setup() {
    return TlsStack.setup(stack.getStackName());
  }

  @Override
  public SSLServerSocket createSSLServerSocket(int port, int backlog, InetAddress bindAddress)
      throws IOException {
    return new NoDelayServerSocket((SSLServerSocket) setup().context().getServerSocketFactory()
        .createServerSocket(port, backlog, bindAddress));
  }

  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port) throws IOException {
    return createSSLSocket(address, port, null);
  }

  @Override
  public SSLSocket createSSLSocket(InetAddress address, int port, InetAddress myAddress)
      throws IOException {
    TlsStack.Setup setup = setup();
    Socket plain = new Socket();
    try {
      if (myAddress != null) {
        plain.bind(new InetSocketAddress(myAddress, 0));
      }
      plain.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MS);
      plain.setTcpNoDelay(true);
    } catch (SocketTimeoutException e) {
      plain.close();
      throw new ConnectException("no TLS connection to " + address.getHostAddress() + ":" + port
          + " within " + CONNECT_TIMEOUT_MS + " ms");
    } catch (IOException e) {
      plain.close();
      throw e;
    }
    String host = hostOf(address);
    SSLSocket tls = (SSLSocket) setup.context().getSocketFactory()
        .createSocket(plain, host, port, true);
    if (setup.verifyServer()) {
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      tls.setSSLParameters(parameters);
    }
    return tls;
  }

  /**
   * The name the address was looked up by, else its IP address as text: never a reverse lookup
   * (the address's own text form holds the name it was created with, if any).
   */
  static String hostOf(InetAddress address) {
    String text = address.toString();
    int slash = text.indexOf('/');
    return slash > 0 ? text.substring(0, slash) : address.getHostAddress();
  }

  @Override
  public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddress)
      throws IOException {
    return PLAIN.createServerSocket(port, backlog, bindAddress);
  }

  @Override
  public Socket createSocket(InetAddress address, int port) throws IOException {
    return PLAIN.createSocket(address, port);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress myAddress)
      throws IOException {
    return PLAIN.createSocket(address, port, myAddress);
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress myAddress, int myPort)
      throws IOException {
    return PLAIN.createSocket(address, port, myAddress, myPort);
  }

  @Override
  public DatagramSocket createDatagramSocket() throws SocketException {
    return PLAIN.createDatagramSocket();
  }

  @Override
  public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
    return PLAIN.createDatagramSocket(port, laddr);
  }
}
