package io.fipkeeper.hcloudsim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Sorting ({@code sort=field[:asc|:desc]}, repeatable) and pagination ({@code page} from 1, {@code per_page} default
 * 25, maximum 50) of list endpoints, producing {@code meta.pagination} and the {@code Link} header. Invalid values
 * throw {@link InvalidParameter}. A {@code per_page} above 50 is clamped to 50, as the docs give 50 as the maximum.
 */
final class Paging {
  static final int DEFAULT_PER_PAGE = 25;
  static final int MAX_PER_PAGE = 50;

  /** A query parameter the API would reject with 422 invalid_input. */
  static final class InvalidParameter extends RuntimeException {
    final String field;

    InvalidParameter(String field, String message) {
      super(message);
      this.field = field;
    }
  }

  /** One page of results plus its metadata. */
  record Page<T>(List<T> items, ObjectNode meta, String link) {}

  private Paging() {}

  static <T> List<T> sort(List<T> items, List<String> sortParams, Map<String, Comparator<T>> fields) {
    Comparator<T> order = null;
    for (String param : sortParams) {
      String[] parts = param.split(":", 2);
      Comparator<T> c = fields.get(parts[0]);
      boolean desc = parts.length == 2 && parts[1].equals("desc");
      if (c == null || (parts.length == 2 && !desc && !parts[1].equals("asc"))) {
        throw new InvalidParameter("sort", "invalid sort value '" + param + "'");
      }
      c = desc ? c.reversed() : c;
      order = order == null ? c : order.thenComparing(c);
    }
    List<T> out = new ArrayList<>(items);
    if (order != null) {
      out.sort(order);
    }
    return out;
  }

  static <T> Page<T> page(List<T> items, SimRequest request, URI apiBase) {
    int page = positive(request, "page", 1);
    int perPage = Math.min(MAX_PER_PAGE, positive(request, "per_page", DEFAULT_PER_PAGE));
    int total = items.size();
    int lastPage = Math.max(1, (total + perPage - 1) / perPage);
    int from = Math.min(total, (page - 1) * perPage);
    int to = Math.min(total, from + perPage);
    ObjectNode pagination = ApiJson.object();
    pagination.put("page", page);
    pagination.put("per_page", perPage);
    putOrNull(pagination, "previous_page", page > 1 ? page - 1 : null);
    putOrNull(pagination, "next_page", page < lastPage ? page + 1 : null);
    pagination.put("last_page", lastPage);
    pagination.put("total_entries", total);
    ObjectNode meta = ApiJson.object();
    meta.set("pagination", pagination);
    StringJoiner link = new StringJoiner(", ");
    if (page > 1) {
      link.add("<" + pageUri(request, apiBase, page - 1, perPage) + ">; rel=\"prev\"");
    }
    if (page < lastPage) {
      link.add("<" + pageUri(request, apiBase, page + 1, perPage) + ">; rel=\"next\"");
    }
    link.add("<" + pageUri(request, apiBase, lastPage, perPage) + ">; rel=\"last\"");
    return new Page<>(items.subList(from, to), meta, link.toString());
  }

  private static void putOrNull(ObjectNode node, String field, Integer value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value);
    }
  }

  private static int positive(SimRequest request, String name, int dflt) {
    String raw = request.param(name);
    if (raw == null) {
      return dflt;
    }
    try {
      int v = Integer.parseInt(raw);
      if (v >= 1) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the validation error
    }
    throw new InvalidParameter(name, "invalid " + name + " '" + raw + "'");
  }

  private static String pageUri(SimRequest request, URI apiBase, int page, int perPage) {
    StringJoiner q = new StringJoiner("&");
    request.query().forEach((k, vs) -> {
      if (!k.equals("page") && !k.equals("per_page")) {
        vs.forEach(v -> q.add(k + "=" + java.net.URLEncoder.encode(v, java.nio.charset.StandardCharsets.UTF_8)));
      }
    });
    q.add("page=" + page);
    q.add("per_page=" + perPage);
    // Prefer the Host the client used (a demo may reach the simulator under another name than 127.0.0.1).
    String host = request.header("host");
    String root = host != null && !host.isBlank() ? "http://" + host
        : apiBase.toString().substring(0, apiBase.toString().length() - "/v1".length());
    return root + request.path() + "?" + q;
  }
}
