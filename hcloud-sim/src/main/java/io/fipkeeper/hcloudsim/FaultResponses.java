package io.fipkeeper.hcloudsim;

import java.util.function.Supplier;

/** Turns an HTTP-level {@link FaultRule} into the response the client sees. */
final class FaultResponses {
  private FaultResponses() {}

  /** {@code normal} runs the request for real; only SLOW_RESPONSE uses it (executed now, answered late). */
  static SimResponse of(FaultRule rule, Supplier<SimResponse> normal) {
    Fault fault = rule.fault();
    switch (fault) {
      case DROP_CONNECTION:
        return SimResponse.drop();
      case SLOW_RESPONSE: {
        SimResponse response = normal.get();
        response.delay = rule.latency();
        return response;
      }
      case BAD_GATEWAY_502:
      case TIMEOUT_504:
        if (rule.plainBody()) {
          String title = fault.status() + (fault == Fault.BAD_GATEWAY_502 ? " Bad Gateway" : " Gateway Time-out");
          return SimResponse.text(fault.status(), "text/html",
              "<html><head><title>" + title + "</title></head><body><h1>" + title + "</h1></body></html>\n");
        }
        return SimResponse.error(fault.status(), fault.code(), fault.message(), null);
      default:
        if (fault.isErrorResponse()) {
          return SimResponse.error(fault.status(), fault.code(), fault.message(), null);
        }
        throw new IllegalStateException("fault " + fault + " has no HTTP response");
    }
  }
}
