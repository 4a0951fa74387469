package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.JsonNode;
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
  private final HoldBook holds;

  Dispatcher(ApiHandler api, MetadataHandler metadata, ControlHandler control, Recorder recorder, SimClock clock,
      HoldBook holds) {
    this.api = api;
    this.metadata = metadata;
    this.control = control;
    this.recorder = recorder;
    this.clock = clock;
    this.holds = holds;
  }

  /** The hold this API request is subject to, or null to dispatch it now. */
  HoldBook.Held hold(SimRequest req) {
    String path = req.path();
    if (!path.startsWith("/v1/")) {
      return null;
    }
    Endpoint endpoint = V1Route.resolve(path.substring("/v1".length())).endpoint();
    return endpoint == null ? null : holds.take(req, endpoint);
  }

  /** Notes the answer a held request got once it was let through. */
  void released(HoldBook.Held held, SimResponse response) {
    Long actionId = null;
    if (response.status == 201 && response.body != null) {
      try {
        JsonNode id = ApiJson.MAPPER.readTree(response.body).path("action").path("id");
        actionId = id.isIntegralNumber() ? id.asLong() : null;
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        // not an action body: logged without an action id
      }
    }
    holds.answered(held, response.drop ? 0 : response.status, actionId);
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
