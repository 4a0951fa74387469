package io.fipkeeper.hcloudsim;

import java.util.List;
import java.util.Map;

/** An HTTP request decoded from Netty: method, path without query, decoded query parameters, headers, body. */
record SimRequest(
    String method, String uri, String path, Map<String, List<String>> query, Map<String, String> headers,
    String body) {

  String header(String name) {
    return headers.get(name.toLowerCase(java.util.Locale.ROOT));
  }

  List<String> params(String name) {
    return query.getOrDefault(name, List.of());
  }

  String param(String name) {
    List<String> values = params(name);
    return values.isEmpty() ? null : values.get(0);
  }
}
