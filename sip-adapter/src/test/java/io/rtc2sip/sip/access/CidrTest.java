package io.rtc2sip.sip.access;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {
  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void ipv4NetworksMatchTheirAddressesOnly() throws Exception {
    Cidr loopback = Cidr.parse("127.0.0.0/8");
    assertTrue(loopback.contains(ip("127.0.0.1")));
    assertTrue(loopback.contains(ip("127.255.255.254")));
    assertFalse(loopback.contains(ip("128.0.0.1")));
    Cidr odd = Cidr.parse("10.1.2.128/25");
    assertTrue(odd.contains(ip("10.1.2.200")));
    assertFalse(odd.contains(ip("10.1.2.127")));
    Cidr one = Cidr.parse("192.0.2.7");
    assertTrue(one.contains(ip("192.0.2.7")));
    assertFalse(one.contains(ip("192.0.2.8")));
    assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("203.0.113.9")));
    assertFalse(Cidr.parse("127.0.0.1/32").contains(ip("127.0.0.2")));
  }

  @Test
  void ipv6NetworksAndFamiliesApart() throws Exception {
    Cidr doc = Cidr.parse("2001:db8::/32");
    assertTrue(doc.contains(ip("2001:db8:1::5")));
    assertFalse(doc.contains(ip("2001:db9::1")));
    assertTrue(Cidr.parse("::1/128").contains(ip("::1")));
    assertFalse(Cidr.parse("::/0").contains(ip("127.0.0.1")), "IPv4 is not in an IPv6 network");
    assertFalse(Cidr.parse("0.0.0.0/0").contains(ip("::1")));
  }

  @Test
  void badNetworksAreRefusedClearly() {
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("pbx.example.com/32"),
        "no DNS: host names are refused");
    assertThrows(IllegalArgumentException.class, () -> Cidr.parse("::1/129"));
  }
}
