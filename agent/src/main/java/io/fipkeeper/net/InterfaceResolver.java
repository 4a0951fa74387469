package io.fipkeeper.net;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/**
 * Turns the configured interface into a real one: {@code auto} becomes the interface of the IPv4 default route
 * (the IPv6 one when there is no IPv4 default), preferring the lowest metric; an explicit name is checked to
 * exist. Fails with a message that says what to configure instead.
 */
public final class InterfaceResolver {
  private final IpCommand ip;

  public InterfaceResolver() {
    this(Optional.empty(), IpCommandBinder.DEFAULT_TIMEOUT);
  }

  /** @param netns look inside this network namespace ({@code ip -n}); empty for the agent's own */
  public InterfaceResolver(Optional<String> netns, Duration commandTimeout) {
    this.ip = new IpCommand(netns, commandTimeout);
  }

  public String resolve(String configured) throws IOException {
    if (!configured.equals("auto")) {
      IpCommand.Result link = ip.run("-o", "link", "show", "dev", configured);
      if (!link.ok()) {
        throw new IOException("interface " + configured + " does not exist (" + link.stderr().strip() + ")");
      }
      return configured;
    }
    for (String family : new String[] {"-4", "-6"}) {
      IpCommand.Result routes = ip.run(family, "-o", "route", "show", "default");
      if (!routes.ok()) {
        throw new IOException("cannot list default routes: " + routes.failure());
      }
      Optional<String> dev = lowestMetricDevice(routes.stdout());
      if (dev.isPresent()) {
        return dev.get();
      }
    }
    throw new IOException("interface \"auto\": there is no default route to take the interface from "
        + "(set interface or FIPKEEPER_INTERFACE)");
  }

  static Optional<String> lowestMetricDevice(String routeOutput) {
    String best = null;
    long bestMetric = Long.MAX_VALUE;
    for (String line : routeOutput.split("\n")) {
      String[] t = line.trim().split("\\s+");
      String dev = null;
      long metric = 0;
      for (int i = 0; i + 1 < t.length; i++) {
        if (t[i].equals("dev") && dev == null) {
          dev = t[i + 1];
        } else if (t[i].equals("metric")) {
          try {
            metric = Long.parseLong(t[i + 1]);
          } catch (NumberFormatException e) {
            metric = Long.MAX_VALUE - 1;
          }
        }
      }
      if (dev != null && metric < bestMetric) {
        best = dev;
        bestMetric = metric;
      }
    }
    return Optional.ofNullable(best);
  }
}
