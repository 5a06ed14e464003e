package io.rtc2sip.tests.cluster;

import io.rtc2sip.app.GatewayNode;
import io.rtc2sip.app.NodeConfig;
import io.rtc2sip.app.NodeServices;
import io.rtc2sip.tests.support.RecordingPorts;

/**
 * A gateway node whose adapters print what its calls ask of them (see {@link RecordingPorts}),
 * run in a JVM of its own by the multi-node tests. Configured like the real node, by RTC2SIP_*
 * environment variables.
 */
public final class RecordingNode {
  private RecordingNode() {}

  public static void main(String[] args) throws Exception {
    GatewayNode node =
        GatewayNode.start(
            NodeConfig.load(),
            system -> NodeServices.start(system, RecordingPorts.into(System.out::println)));
    node.closeOnJvmShutdown();
    System.out.println("rtc2sip node up");
    node.awaitTermination();
  }
}
