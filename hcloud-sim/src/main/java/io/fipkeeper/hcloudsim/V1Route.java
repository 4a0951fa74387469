package io.fipkeeper.hcloudsim;

import java.util.Set;

/**
 * The resolved target of a {@code /v1} request: which operation, its path ids, and the methods the path accepts
 * (for 405). {@link #resolve} is pure, so the pipeline can classify a request before authenticating it.
 */
record V1Route(Op op, long id, long subId, Set<String> allowed) {

  /** Operations the simulator serves. */
  enum Op {
    LIST_FLOATING_IPS(Endpoint.LIST_FLOATING_IPS),
    GET_FLOATING_IP(Endpoint.GET_FLOATING_IP),
    ASSIGN(Endpoint.ASSIGN),
    UNASSIGN(Endpoint.UNASSIGN),
    LIST_FLOATING_IP_ACTIONS(Endpoint.LIST_ACTIONS),
    GET_FLOATING_IP_ACTION(Endpoint.GET_ACTION),
    LIST_ALL_FLOATING_IP_ACTIONS(Endpoint.LIST_ACTIONS),
    LIST_ACTIONS(Endpoint.LIST_ACTIONS),
    GET_ACTION(Endpoint.GET_ACTION),
    GET_SERVER(Endpoint.GET_SERVER),
    LIST_SERVERS(Endpoint.LIST_SERVERS),
    CREATE_SERVER(Endpoint.CREATE_SERVER),
    DELETE_SERVER(Endpoint.DELETE_SERVER),
    UPDATE_FLOATING_IP(Endpoint.UPDATE_FLOATING_IP),
    /** No such path: 404 not_found. */
    UNKNOWN(null);

    final Endpoint endpoint;

    Op(Endpoint endpoint) {
      this.endpoint = endpoint;
    }
  }

  private static final Set<String> GET = Set.of("GET");
  private static final Set<String> POST = Set.of("POST");

  Endpoint endpoint() {
    return op.endpoint;
  }

  boolean methodAllowed(String method) {
    return allowed.contains(method);
  }

  /**
   * Resolves a request: paths that serve several methods ({@code /servers}, {@code /servers/{id}},
   * {@code /floating_ips/{id}}) resolve by path to their GET operation and are refined here by method.
   */
  static V1Route resolve(String method, String pathBelowV1) {
    V1Route r = resolve(pathBelowV1);
    Op refined = switch (r.op) {
      case LIST_SERVERS -> method.equals("POST") ? Op.CREATE_SERVER : r.op;
      case GET_SERVER -> method.equals("DELETE") ? Op.DELETE_SERVER : r.op;
      case GET_FLOATING_IP -> method.equals("PUT") ? Op.UPDATE_FLOATING_IP : r.op;
      default -> r.op;
    };
    return refined == r.op ? r : new V1Route(refined, r.id, r.subId, r.allowed);
  }

  /** Resolves a path below {@code /v1} such as {@code /floating_ips/7/actions/assign}. */
  static V1Route resolve(String pathBelowV1) {
    String trimmed = pathBelowV1.replaceAll("^/+|/+$", "");
    String[] s = trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    if (s.length >= 1 && s[0].equals("floating_ips")) {
      if (s.length == 1) {
        return new V1Route(Op.LIST_FLOATING_IPS, 0, 0, GET);
      }
      if (s.length == 2 && s[1].equals("actions")) {
        return new V1Route(Op.LIST_ALL_FLOATING_IP_ACTIONS, 0, 0, GET);
      }
      Long id = id(s[1]);
      if (id == null) {
        return unknown();
      }
      if (s.length == 2) {
        return new V1Route(Op.GET_FLOATING_IP, id, 0, Set.of("GET", "PUT"));
      }
      if (s[2].equals("actions")) {
        if (s.length == 3) {
          return new V1Route(Op.LIST_FLOATING_IP_ACTIONS, id, 0, GET);
        }
        if (s.length == 4 && s[3].equals("assign")) {
          return new V1Route(Op.ASSIGN, id, 0, POST);
        }
        if (s.length == 4 && s[3].equals("unassign")) {
          return new V1Route(Op.UNASSIGN, id, 0, POST);
        }
        Long actionId = s.length == 4 ? id(s[3]) : null;
        if (actionId != null) {
          return new V1Route(Op.GET_FLOATING_IP_ACTION, id, actionId, GET);
        }
      }
      return unknown();
    }
    if (s.length == 1 && s[0].equals("actions")) {
      return new V1Route(Op.LIST_ACTIONS, 0, 0, GET);
    }
    if (s.length == 2 && s[0].equals("actions") && id(s[1]) != null) {
      return new V1Route(Op.GET_ACTION, id(s[1]), 0, GET);
    }
    if (s.length == 1 && s[0].equals("servers")) {
      return new V1Route(Op.LIST_SERVERS, 0, 0, Set.of("GET", "POST"));
    }
    if (s.length == 2 && s[0].equals("servers") && id(s[1]) != null) {
      return new V1Route(Op.GET_SERVER, id(s[1]), 0, Set.of("GET", "DELETE"));
    }
    return unknown();
  }

  private static V1Route unknown() {
    return new V1Route(Op.UNKNOWN, 0, 0, Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"));
  }

  private static Long id(String segment) {
    try {
      long v = Long.parseLong(segment);
      return v > 0 ? v : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
