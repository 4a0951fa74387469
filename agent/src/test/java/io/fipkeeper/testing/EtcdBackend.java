package io.fipkeeper.testing;

/**
 * One running single-member etcd behind {@link EtcdExtension}: a local process or a Docker container.
 *
 * <p>Guarantees of every implementation: {@link #start()} returns only once {@code GET /health} answers
 * {@code "health":"true"} (or fails with the tail of etcd's log); {@link #stop()} and {@link #kill()} keep the
 * endpoint and the data, so a later {@link #start()} looks like the same etcd to clients; {@link #pause()} keeps
 * the socket open but answers nothing; {@link #close()} removes everything and is safe to call twice.
 */
interface EtcdBackend extends AutoCloseable {

  /** The client URL, e.g. {@code http://127.0.0.1:40123} ({@code https} with TLS); fixed for the backend's life. */
  String endpoint();

  /** Starts etcd again after {@link #stop()} or {@link #kill()}; returns once healthy. */
  void start();

  /** Graceful shutdown (SIGTERM, SIGKILL after a deadline); a no-op when not running. */
  void stop();

  /** SIGKILL, like a crash; a no-op when not running. */
  void kill();

  /** Freezes etcd: its socket stays open but nothing answers. */
  void pause();

  /** Undoes {@link #pause()}. */
  void resume();

  /** Alive and not paused. */
  boolean isRunning();

  boolean isPaused();

  /** The last lines etcd printed, for failure messages; never throws. */
  String logTail();

  /** Kills etcd and removes its data; idempotent. */
  @Override
  void close();
}
