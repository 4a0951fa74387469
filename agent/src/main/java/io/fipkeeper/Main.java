package io.fipkeeper;

import io.fipkeeper.cli.Cli;
import io.fipkeeper.cli.Launcher;
import io.fipkeeper.config.AgentConfig;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Map;

/**
 * The {@code fipkeeper} command: parses arguments, runs one subcommand and returns its exit code (0 ok,
 * 1 runtime failure, 2 configuration or usage error). Only {@link #main} exits the JVM.
 */
public final class Main {
  private final Map<String, String> env;
  private final PrintWriter out;
  private final PrintWriter err;
  private final Launcher launcher;

  public Main() {
    this(System.getenv(), new PrintWriter(System.out, true, Charset.defaultCharset()),
        new PrintWriter(System.err, true, Charset.defaultCharset()), new AgentLauncher());
  }

  /** For tests: a fake environment, captured output and a launcher that doesn't start the agent. */
  public Main(Map<String, String> env, PrintWriter out, PrintWriter err, Launcher launcher) {
    this.env = Map.copyOf(env);
    this.out = out;
    this.err = err;
    this.launcher = launcher;
  }

  public int execute(String... args) {
    int code = Cli.create(env, launcher, out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    StartupTimeline.mainEntered();
    // The agent moves a few kilobytes a minute: Netty's pooled direct-memory arenas (one per event-loop thread, in
    // megabyte chunks, for the HTTP server and jetcd's gRPC) cost resident memory and buy nothing here. Set before
    // any Netty class loads; an explicit -Dio.netty.allocator.type still wins.
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "unpooled");
    }
    System.exit(new Main().execute(args));
  }

  /** Starts the real agent. */
  private static final class AgentLauncher implements Launcher {
    @Override
    public int run(AgentConfig config) {
      return Agent.run(config);
    }

    @Override
    public int status(AgentConfig config, boolean json) {
      return Agent.status(config, json);
    }
  }
}
