package io.fipkeeper.http;

import io.fipkeeper.leader.AgentSnapshot;
import io.fipkeeper.metrics.AgentMetrics;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.net.BindException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP endpoint: {@code /healthz}, {@code /readyz}, {@code /status} and {@code /metrics} on one port.
 * Runs on two daemon threads (one accepting, one serving), independent of the leader loop, so a stuck probe or
 * a slow scraper cannot delay leadership work. Requests are small and bounded (4 KiB body, 8 KiB headers);
 * connections idle longer than the idle timeout are closed. {@link #close()} is bounded and idempotent.
 */
public final class StatusServer implements AutoCloseable {
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_INITIAL_LINE = 4096;
  static final int MAX_HEADER_BYTES = 8192;
  static final int MAX_CONTENT_BYTES = 4096;
  private static final long SHUTDOWN_TIMEOUT_MILLIS = 2000;

  private static final Logger log = LoggerFactory.getLogger(StatusServer.class);

  private final InetSocketAddress listen;
  private final RequestHandler handler;
  private final Duration idleTimeout;
  private EventLoopGroup boss;
  private EventLoopGroup worker;
  private Channel channel;
  private boolean started;

  public StatusServer(InetSocketAddress listen, Supplier<AgentSnapshot> snapshot, HealthChecks liveness,
      HealthChecks readiness, AgentMetrics metrics, String version) {
    this(listen, snapshot, liveness, readiness, metrics, version, DEFAULT_IDLE_TIMEOUT);
  }

  /** {@code mode}: the agent's mode for {@code /status} (see {@link ModeStatus}), asked at every request. */
  public StatusServer(InetSocketAddress listen, Supplier<AgentSnapshot> snapshot, HealthChecks liveness,
      HealthChecks readiness, AgentMetrics metrics, String version, Supplier<ModeStatus> mode) {
    this(listen, snapshot, liveness, readiness, metrics, version, DEFAULT_IDLE_TIMEOUT, mode);
  }

  StatusServer(InetSocketAddress listen, Supplier<AgentSnapshot> snapshot, HealthChecks liveness,
      HealthChecks readiness, AgentMetrics metrics, String version, Duration idleTimeout) {
    this(listen, snapshot, liveness, readiness, metrics, version, idleTimeout, () -> ModeStatus.ACTIVE);
  }

  private StatusServer(InetSocketAddress listen, Supplier<AgentSnapshot> snapshot, HealthChecks liveness,
      HealthChecks readiness, AgentMetrics metrics, String version, Duration idleTimeout, Supplier<ModeStatus> mode) {
    this.listen = Objects.requireNonNull(listen, "listen");
    this.handler = new RequestHandler(new Routes(snapshot, liveness, readiness, metrics, version, mode));
    this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
  }

  /**
   * Binds and starts serving. Port 0 picks a free port.
   *
   * @return the address actually bound
   * @throws BindException with a one-line message naming the address, e.g.
   *     {@code cannot listen on 127.0.0.1:9847 (http.listen): Address already in use}
   */
  public synchronized InetSocketAddress start() throws BindException {
    if (started) {
      throw new IllegalStateException("status server already started");
    }
    started = true;
    boss = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fipkeeper-http-accept", true),
        NioIoHandler.newFactory());
    worker = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fipkeeper-http", true),
        NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(boss, worker)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline()
                .addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .addLast(new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADER_BYTES, MAX_CONTENT_BYTES))
                .addLast(new HttpObjectAggregator(MAX_CONTENT_BYTES))
                .addLast(handler);
          }
        });
    try {
      channel = bootstrap.bind(listen).syncUninterruptibly().channel();
    } catch (Exception e) {
      shutdownGroups();
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      BindException failure = new BindException(
          "cannot listen on " + format(listen) + " (http.listen): " + reason);
      failure.initCause(e);
      throw failure;
    }
    InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
    log.info("http listening address={}", format(bound));
    return bound;
  }

  /** Stops accepting, closes connections and stops both threads; waits at most a few seconds. */
  @Override
  public synchronized void close() {
    if (channel != null) {
      channel.close().awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
      channel = null;
      log.info("http stopped");
    }
    shutdownGroups();
  }

  private void shutdownGroups() {
    if (boss == null) {
      return;
    }
    // No quiet period: the channel is already closed and nobody waits for a late request.
    Future<?> bossDone = boss.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    Future<?> workerDone = worker.shutdownGracefully(0, SHUTDOWN_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    bossDone.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    workerDone.awaitUninterruptibly(SHUTDOWN_TIMEOUT_MILLIS);
    boss = null;
    worker = null;
  }

  /** {@code host:port} with the literal address, IPv6 in brackets; never a reverse lookup. */
  static String format(InetSocketAddress address) {
    if (address.isUnresolved() || address.getAddress() == null) {
      return address.getHostString() + ":" + address.getPort();
    }
    String host = address.getAddress().getHostAddress();
    return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
