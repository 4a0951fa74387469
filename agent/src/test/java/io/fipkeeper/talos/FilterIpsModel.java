package io.fipkeeper.talos;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A test model of how Talos applies {@code validSubnets}/{@code advertisedSubnets}: siderolabs/net v0.4.0
 * {@code FilterIPs} (net.go), which Talos v1.12.11–v1.14.0-rc.1 calls from nodeip.go and etcd/spec.go. Entries are
 * applied in order: a positive CIDR appends the matching addresses (once), a {@code !CIDR} removes them again.
 */
final class FilterIpsModel {
  private FilterIpsModel() {}

  static List<String> filter(List<String> addresses, List<String> cidrs) {
    List<String> result = new ArrayList<>();
    for (String entry : cidrs) {
      boolean positive = !entry.startsWith("!");
      String cidr = positive ? entry : entry.substring(1);
      for (String address : addresses) {
        if (!contains(cidr, address)) {
          continue;
        }
        if (positive && !result.contains(address)) {
          result.add(address);
        } else if (!positive) {
          result.remove(address);
        }
      }
    }
    return result;
  }

  private static boolean contains(String cidr, String address) {
    try {
      String[] parts = cidr.split("/");
      byte[] net = InetAddress.getByName(parts[0]).getAddress();
      byte[] ip = InetAddress.getByName(address).getAddress();
      if (net.length != ip.length) {
        return false;
      }
      int bits = Integer.parseInt(parts[1]);
      int shift = net.length * 8 - bits;
      return new BigInteger(1, net).shiftRight(shift).equals(new BigInteger(1, ip).shiftRight(shift));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
