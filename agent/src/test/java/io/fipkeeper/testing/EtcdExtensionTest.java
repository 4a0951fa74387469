package io.fipkeeper.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fixture itself: healthy after start, unreachable when stopped or paused, data kept across a restart. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class EtcdExtensionTest {

  @RegisterExtension static final EtcdExtension etcd = new EtcdExtension();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  @Test
  void answersHealthOnItsClientUrl() throws Exception {
    assertThat(etcd.endpoint()).startsWith("http://127.0.0.1:");
    assertThat(get("/health")).contains("true");
  }

  @Test
  void keepsDataAcrossStopAndStart() throws Exception {
    String key = EtcdExtension.randomPrefix() + "/k";
    post("/v3/kv/put", "{\"key\":\"" + b64(key) + "\",\"value\":\"" + b64("v1") + "\"}");

    etcd.stop();
    assertThat(etcd.isRunning()).isFalse();
    assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);

    etcd.start();
    assertThat(post("/v3/kv/range", "{\"key\":\"" + b64(key) + "\"}")).contains(b64("v1"));
  }

  @Test
  void pausedEtcdAnswersNothingUntilResumed() throws Exception {
    etcd.pause();
    assertThat(etcd.isRunning()).isFalse();
    assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);

    etcd.resume();
    assertThat(get("/health")).contains("true");
  }

  @Test
  void comesBackOnTheSameEndpointAfterACrash() throws Exception {
    String before = etcd.endpoint();
    etcd.kill();
    assertThatThrownBy(() -> get("/health")).isInstanceOf(IOException.class);

    etcd.start();
    assertThat(etcd.endpoint()).isEqualTo(before);
    assertThat(get("/health")).contains("true");
  }

  @Test
  void randomPrefixesDiffer() {
    assertThat(EtcdExtension.randomPrefix()).isNotEqualTo(EtcdExtension.randomPrefix()).startsWith("/fipkeeper-test/");
  }

  private String get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(etcd.endpoint() + path)).timeout(Duration.ofSeconds(1)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString()).body();
  }

  private String post(String path, String json) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(etcd.endpoint() + path))
        .timeout(Duration.ofSeconds(2))
        .POST(HttpRequest.BodyPublishers.ofString(json))
        .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as("POST %s: %s", path, response.body()).isEqualTo(200);
    return response.body();
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
