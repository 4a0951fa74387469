package io.fipkeeper.hcloudsim;

import java.time.Duration;
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
 */
final class Recorder {
  private final List<RecordedRequest> requests = new ArrayList<>();
  private final List<RecordedCall> calls = new ArrayList<>();
  private final Map<Endpoint, Integer> byEndpoint = new EnumMap<>(Endpoint.class);
  private final BlockingQueue<RecordedRequest> queue = new LinkedBlockingQueue<>();

  synchronized void request(RecordedRequest request) {
    requests.add(request);
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
    return requests.size();
  }

  synchronized Map<Endpoint, Integer> byEndpoint() {
    return new EnumMap<>(byEndpoint);
  }

  /** Next request in arrival order, or null after {@code timeout}. */
  RecordedRequest take(Duration timeout) throws InterruptedException {
    return queue.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }
}
