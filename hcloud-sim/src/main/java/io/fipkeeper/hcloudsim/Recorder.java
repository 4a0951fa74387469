package io.fipkeeper.hcloudsim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Everything the simulator saw: every request (listed and queued for {@link #take(Duration)}, MockWebServer style),
 * the mutating calls, and per-endpoint counts. Holds no secrets: callers redact before recording. Thread-safe.
 * Only the newest {@link #KEPT_REQUESTS} requests are kept, so a long benchmark run cannot exhaust the heap;
 * {@link #requestCount()} still counts all of them.
 */
final class Recorder {
  static final int KEPT_REQUESTS = 100_000;

  private final ArrayDeque<RecordedRequest> requests = new ArrayDeque<>();
  private int total;
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Map<Endpoint, Integer> byEndpoint = new EnumMap<>(Endpoint.class);
  private final BlockingQueue<RecordedRequest> queue = new LinkedBlockingQueue<>();

  synchronized void request(RecordedRequest request) {
    total++;
    requests.addLast(request);
    if (requests.size() > KEPT_REQUESTS) {
      requests.removeFirst();
    }
    if (queue.size() >= KEPT_REQUESTS) {
      queue.poll();
    }
    if (request.endpoint() != null) {
      byEndpoint.merge(request.endpoint(), 1, Integer::sum);
    }
    queue.add(request);
  }

  synchronized void call(RecordedCall call) {
    calls.add(call);
  }

  synchronized List<RecordedRequest> requests() {
    return List.copyOf(requests);
  }

  synchronized List<RecordedCall> calls() {
    return List.copyOf(calls);
  }

  synchronized int requestCount() {
    return total;
  }

  synchronized Map<Endpoint, Integer> byEndpoint() {
    return new EnumMap<>(byEndpoint);
  }

  /** Next request in arrival order, or null after {@code timeout}. */
  RecordedRequest take(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
