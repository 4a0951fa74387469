package io.fipkeeper.hcloudsim;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to the API ({@code /v1}), metadata ({@code /metadata}) or control ({@code /_sim}) handler and
 * records API and metadata requests before the response is written, so a test that got its response always finds
 * the request recorded. Control calls are not recorded: they are test plumbing, not traffic.
 */
final class Dispatcher {
  /** One line per API and metadata request; off unless {@code --log-requests} (SimulatorMain) turns it on. */
  private static final Logger requestLog = LoggerFactory.getLogger("io.fipkeeper.hcloudsim.requests");

  private final ApiHandler api;
  private final MetadataHandler metadata;
  private final ControlHandler control;
  private final Recorder recorder;
  private final SimClock clock;

  Dispatcher(ApiHandler api, MetadataHandler metadata, ControlHandler control, Recorder recorder, SimClock clock) {
    this.api = api;
    this.metadata = metadata;
    this.control = control;
    this.recorder = recorder;
    this.clock = clock;
  }

  SimResponse dispatch(SimRequest req) {
    String path = req.path();
    if (path.equals("/_sim") || path.startsWith("/_sim/")) {
      return control.handle(req, path.substring("/_sim".length()));
    }
    SimResponse response;
    Endpoint endpoint = null;
    String label = null;
    if (path.equals("/v1") || path.startsWith("/v1/")) {
      ApiHandler.Exchange ex = api.handle(req, path.substring("/v1".length()));
      response = ex.response();
      endpoint = ex.endpoint();
      label = ex.tokenLabel();
    } else if (path.startsWith("/metadata/")) {
      response = metadata.handle(req, path.substring("/metadata".length()));
      endpoint = Endpoint.METADATA;
    } else {
      response = ApiResources.notFound("no route for " + path);
    }
    recorder.request(new RecordedRequest(clock.now(), req.method(), req.uri(), redacted(req.headers()), req.body(),
        response.drop ? 0 : response.status, endpoint, label));
    if (requestLog.isDebugEnabled()) {
      requestLog.debug("request method={} uri={} status={} token={}", req.method(), req.uri(),
          response.drop ? 0 : response.status, label);
    }
    return response;
  }

  /** Copies headers, keeping only the scheme of Authorization (e.g. {@code Bearer <redacted>}). */
  static Map<String, String> redacted(Map<String, String> headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers.forEach((name, value) -> {
      if (name.toLowerCase(Locale.ROOT).equals("authorization")) {
        int space = value.indexOf(' ');
        out.put(name, space > 0 ? value.substring(0, space) + " <redacted>" : "<redacted>");
      } else {
        out.put(name, value);
      }
    });
    return out;
  }
}
