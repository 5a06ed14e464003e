package io.rtc2sip.agora;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

/** Choosing Agora: the binding is looked up by name, and its absence is a clear error. */
class AgoraBindingTest {
  private static final String CERTIFICATE = "fedcba9876543210fedcba9876543210";

  /** Stands in for the SDK binding of the {@code agora} profile. */
  public static final class FakeBinding implements AgoraConnectionFactory {
    public FakeBinding(AgoraSettings settings) {
      if (!settings.appCertificate().equals(CERTIFICATE)) {
        throw new AssertionError("the binding gets the node's settings");
      }
    }

    @Override
    public AgoraConnection create(String callId, AgoraEvents events) {
      throw new IllegalStateException("not in this test");
    }

    @Override
    public void close() { }
  }

  /** A binding whose native libraries are missing. */
  public static final class UnlinkedBinding implements AgoraConnectionFactory {
    public UnlinkedBinding(AgoraSettings settings) {
      throw new UnsatisfiedLinkError("no binding in java.library.path");
    }

    @Override
    public AgoraConnection create(String callId, AgoraEvents events) {
      throw new IllegalStateException();
    }

    @Override
    public void close() { }
  }

  private static Config config(String certificate) {
    return ConfigFactory.parseString("rtc2sip.rtc.agora { app-id = "
        + "\"0123456789abcdef0123456789abcdef\", app-certificate = \"" + certificate + "\" }")
        .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
  }

  @Test
  void anAppIdWithoutTheBindingIsAClearError() {
    // the default build has no binding class; with -Pagora the real one exists, hence a name
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AgoraBinding.start(config(CERTIFICATE), "io.rtc2sip.agora.sdk.Absent"));
    assertTrue(e.getMessage().contains("no Agora binding"), e.getMessage());
    assertTrue(e.getMessage().contains("-Pagora"), e.getMessage());
  }

  @Test
  void theBindingIsLoadedByName() {
    AgoraRtcLegs legs = AgoraBinding.start(config(CERTIFICATE), FakeBinding.class.getName());
    legs.close();
  }

  @Test
  void missingNativeLibrariesPointToLdLibraryPath() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> AgoraBinding.start(config(CERTIFICATE), UnlinkedBinding.class.getName()));
    assertTrue(e.getMessage().contains("LD_LIBRARY_PATH"), e.getMessage());
  }

  @Test
  void aMissingCertificateIsReportedBeforeTheSdkStarts() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AgoraBinding.start(config(""), UnlinkedBinding.class.getName()));
    assertTrue(e.getMessage().contains("RTC2SIP_AGORA_APP_CERTIFICATE"), e.getMessage());
  }
}
