package io.rtc2sip.actors.call;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/call-state-machine.md is the transition table rendered by {@link
 * CallTransitions#markdown()}; this test fails when they differ. Run with
 * {@code -Drtc2sip.docs.write=true} to rewrite the document from the code.
 */
class CallTransitionsDocTest {

  private static final Path DOC = Path.of("..", "docs", "call-state-machine.md");

  @Test
  void theDocumentIsTheTable() throws IOException {
    String rendered = CallTransitions.markdown();
    if (Boolean.getBoolean("rtc2sip.docs.write")) {
      Files.createDirectories(DOC.getParent());
      Files.writeString(DOC, rendered, StandardCharsets.UTF_8);
    }
    String document = Files.exists(DOC) ? Files.readString(DOC, StandardCharsets.UTF_8) : "";
    assertEquals(
        rendered,
        document,
        DOC.toAbsolutePath().normalize()
            + " differs from the transition table in CallTransitions; regenerate it with"
            + " ./mvnw -q -pl actors test -Dtest=CallTransitionsDocTest -Drtc2sip.docs.write=true");
  }
}
