package io.fipkeeper.hcloudsim;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the simulator as a process: creates the servers and floating IPs given on the command line, prints one line
 * per object and {@code listening on URL}, then serves until SIGTERM. Bad flags print one line and exit 2.
 */
@Command(name = "hcloud-sim", mixinStandardHelpOptions = true,
    description = "Local Hetzner Cloud API simulator (floating IPs, actions, servers, metadata).")
public final class SimulatorMain implements Callable<Integer> {
  @Option(names = "--port", description = "TCP port, 0 for a free one (default ${DEFAULT-VALUE})")
  int port = 8080;

  @Option(names = "--host", description = "bind address (default ${DEFAULT-VALUE})")
  String host = "127.0.0.1";

  @Option(names = "--token", description = "accepted Bearer token (label 'default'); none = any token")
  String token;

  @Option(names = "--token-file", description = "file holding the accepted Bearer token")
  Path tokenFile;

  @Option(names = "--extra-token", paramLabel = "LABEL=VALUE",
      description = "another accepted Bearer token, shown as LABEL in the history (e.g. operator=...), repeatable")
  List<String> extraTokens = new ArrayList<>();

  @Option(names = "--action-duration", description = "how long actions run, e.g. 500ms, 1s, PT2S (default 0s)",
      converter = DurationConverter.class)
  Duration actionDuration = Duration.ZERO;

  @Option(names = "--rate-limit", description = "requests per hour (default ${DEFAULT-VALUE})")
  int rateLimit = 3600;

  @Option(names = "--server", description = "NAME=IPV4, repeatable")
  List<String> servers = new ArrayList<>();

  @Option(names = "--floating-ip", description = "NAME=IP, repeatable")
  List<String> floatingIps = new ArrayList<>();

  @Option(names = "--assign", description = "FIP_NAME=SERVER_NAME, repeatable")
  List<String> assignments = new ArrayList<>();

  @Option(names = "--server-ip-pool", paramLabel = "FIRST-LAST",
      description = "public IPv4 range POST /servers hands out (default " + SimState.DEFAULT_ADDRESS_POOL + ")")
  String serverIpPool;

  @Option(names = "--log-requests", description = "log every API and metadata request (method, URI, status)")
  boolean logRequests;

  private final CountDownLatch stopped = new CountDownLatch(1);

  public static void main(String[] args) {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "hcloud-sim-logback.xml");
    }
    System.exit(run(args));
  }

  static int run(String[] args) {
    CommandLine cli = new CommandLine(new SimulatorMain());
    cli.setParameterExceptionHandler((e, a) -> {
      e.getCommandLine().getErr().println("hcloud-sim: " + e.getMessage());
      return 2;
    });
    cli.setExecutionExceptionHandler((e, c, p) -> {
      c.getErr().println("hcloud-sim: " + e.getMessage());
      return e instanceof IllegalArgumentException ? 2 : 1;
    });
    return cli.execute(args);
  }

  @Override
  public Integer call() throws Exception {
    if (token != null && tokenFile != null) {
      throw new IllegalArgumentException("--token and --token-file are mutually exclusive");
    }
    if (logRequests) {
      // read by hcloud-sim-logback.xml, which logback loads with the first logger (none exists before this point)
      System.setProperty("hcloudsim.requests", "DEBUG");
    }
    HcloudSimulator.Builder builder = HcloudSimulator.builder().host(host).port(port)
        .actionDuration(actionDuration).rateLimit(rateLimit, Duration.ofHours(1));
    if (serverIpPool != null) {
      builder.serverAddressPool(serverIpPool);
    }
    String accepted = token != null ? token : tokenFile != null ? readToken(tokenFile) : null;
    if (accepted != null) {
      builder.token("default", accepted);
    }
    for (String spec : extraTokens) {
      String[] kv = pair(spec, "--extra-token");
      builder.token(kv[0], kv[1]);
    }
    HcloudSimulator sim = builder.build();
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    try {
      sim.start();
    } catch (RuntimeException e) {
      sim.close();
      throw new IllegalStateException("cannot listen on " + host + ":" + port + ": " + rootMessage(e), e);
    }
    try {
      populate(sim, out);
    } catch (RuntimeException e) {
      sim.close();
      throw e;
    }
    out.println("listening on " + sim.apiUrl().resolve("/"));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sim.close();
      stopped.countDown();
    }, "hcloud-sim-shutdown"));
    stopped.await();
    return 0;
  }

  private void populate(HcloudSimulator sim, PrintWriter out) {
    Map<String, Long> serverIds = new LinkedHashMap<>();
    for (String spec : servers) {
      String[] kv = pair(spec, "--server");
      long id = sim.createServer(kv[0], kv[1]);
      serverIds.put(kv[0], id);
      out.println("server " + kv[0] + " id=" + id + " ip=" + kv[1]);
    }
    Map<String, Long> fipIds = new LinkedHashMap<>();
    for (String spec : floatingIps) {
      String[] kv = pair(spec, "--floating-ip");
      long id = sim.createFloatingIp(kv[0], kv[1], Map.of());
      fipIds.put(kv[0], id);
      out.println("floating_ip " + kv[0] + " id=" + id + " ip=" + kv[1]);
    }
    for (String spec : assignments) {
      String[] kv = pair(spec, "--assign");
      Long fip = fipIds.get(kv[0]);
      Long server = serverIds.get(kv[1]);
      if (fip == null || server == null) {
        throw new IllegalArgumentException("--assign " + spec + ": unknown "
            + (fip == null ? "floating ip '" + kv[0] + "'" : "server '" + kv[1] + "'"));
      }
      sim.assignDirectly(fip, server);
      out.println("assigned " + kv[0] + " to " + kv[1]);
    }
  }

  private static String[] pair(String spec, String flag) {
    int eq = spec.indexOf('=');
    if (eq <= 0 || eq == spec.length() - 1) {
      throw new IllegalArgumentException(flag + " expects NAME=VALUE, got '" + spec + "'");
    }
    return new String[] {spec.substring(0, eq), spec.substring(eq + 1)};
  }

  private static String readToken(Path file) {
    try {
      String value = Files.readString(file, StandardCharsets.UTF_8).trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("--token-file " + file + " is empty");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read --token-file " + file + ": " + e.getMessage());
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** Parses {@code 500ms}, {@code 2s}, {@code 1m} or ISO-8601 {@code PT2S}. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim();
      try {
        if (v.startsWith("P") || v.startsWith("p")) {
          return Duration.parse(v);
        }
        if (v.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        }
        if (v.endsWith("s")) {
          return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
        }
        if (v.endsWith("m")) {
          return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
        }
        return Duration.ofMillis(Long.parseLong(v));
      } catch (RuntimeException e) {
        throw new CommandLine.TypeConversionException("invalid duration '" + value + "' (use 500ms, 1s, PT2S)");
      }
    }
  }
}
