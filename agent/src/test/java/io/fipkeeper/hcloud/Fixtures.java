package io.fipkeeper.hcloud;

import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;

/** JSON bodies shaped like the API reference, and a client wired to a {@link ScriptedServer}. */
final class Fixtures {
  static final String TOKEN = "s3cr3t-TOKEN-4711-do-not-leak";

  private Fixtures() {}

  static HcloudClient.Builder client(ScriptedServer server, FakeTime time) {
    return HcloudClient.builder()
        .baseUrl(server.baseUrl())
        .token(ApiToken.of(TOKEN))
        .userAgent("fipkeeper/test")
        .requestTimeout(java.time.Duration.ofSeconds(5))
        .connectTimeout(java.time.Duration.ofSeconds(2))
        .ticker(time)
        .clock(time)
        .sleeper(time)
        .random(fixedRandom(0.5));
  }

  /** A generator whose {@code nextDouble()} is always {@code value}. */
  static RandomGenerator fixedRandom(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  static String fipObject(long id, String name, String ip, Long server, String labelsJson) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"description\":null,\"ip\":\"" + ip + "\","
        + "\"type\":\"" + (ip.contains(":") ? "ipv6" : "ipv4") + "\",\"server\":" + server + ","
        + "\"dns_ptr\":[],\"home_location\":{\"id\":1,\"name\":\"fsn1\",\"network_zone\":\"eu-central\"},"
        + "\"blocked\":false,\"protection\":{\"delete\":false},\"labels\":" + labelsJson + ","
        + "\"created\":\"2016-01-30T23:55:00+00:00\"}";
  }

  static ScriptedServer.Reply fip(long id, Long server) {
    return ScriptedServer.json(200, "{\"floating_ip\":" + fipObject(id, "api", "203.0.113.10", server, "{}") + "}");
  }

  static String actionObject(long id, String command, String status, String errorCode) {
    String error = errorCode == null ? "null"
        : "{\"code\":\"" + errorCode + "\",\"message\":\"Action failed\"}";
    return "{\"id\":" + id + ",\"command\":\"" + command + "\",\"status\":\"" + status + "\","
        + "\"progress\":" + ("running".equals(status) ? 0 : 100) + ","
        + "\"started\":\"2016-01-30T23:55:00Z\",\"finished\":" + ("running".equals(status) ? "null"
        : "\"2016-01-30T23:56:00Z\"") + ","
        + "\"resources\":[{\"id\":42,\"type\":\"server\"},{\"id\":4711,\"type\":\"floating_ip\"}],"
        + "\"error\":" + error + "}";
  }

  static ScriptedServer.Reply action(int status, long id, String actionStatus) {
    return ScriptedServer.json(status,
        "{\"action\":" + actionObject(id, "assign_floating_ip", actionStatus, null) + "}");
  }

  static ScriptedServer.Reply actions(String... actionObjects) {
    return ScriptedServer.json(200, "{\"actions\":[" + String.join(",", actionObjects) + "],"
        + "\"meta\":{\"pagination\":{\"page\":1,\"per_page\":50,\"previous_page\":null,\"next_page\":null,"
        + "\"last_page\":1,\"total_entries\":" + actionObjects.length + "}}}");
  }

  static ScriptedServer.Reply fipPage(int page, Integer nextPage, List<String> fipObjects) {
    return ScriptedServer.json(200, "{\"floating_ips\":[" + fipObjects.stream().collect(Collectors.joining(","))
        + "],\"meta\":{\"pagination\":{\"page\":" + page + ",\"per_page\":50,\"previous_page\":null,"
        + "\"next_page\":" + nextPage + ",\"last_page\":null,\"total_entries\":null}}}");
  }
}
