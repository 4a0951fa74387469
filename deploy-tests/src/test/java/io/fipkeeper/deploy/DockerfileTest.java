package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image and the chart agree: what the chart runs is what the image provides. (The image itself is not
 * built here: no Docker daemon; see docs/deployment.md.)
 */
class DockerfileTest {
  private static List<String> lines;

  @BeforeAll
  static void read() throws IOException {
    lines = Files.readAllLines(RepoPaths.root().resolve("Dockerfile"));
  }

  @Test
  void theChartPassesTheSameArgumentsAsTheImagesDefaultCommand() throws IOException {
    List<?> cmd = new ObjectMapper().readValue(instruction("CMD"), List.class);
    List<String> chartArgs = DaemonSetTemplateTest.texts(RenderedChart.render(ValueSets.MINIMAL).agentContainer().path("args"));

    assertThat(cmd).isEqualTo(chartArgs);
  }

  @Test
  void exposesTheChartsHttpPort() {
    int port = RenderedChart.render(ValueSets.MINIMAL).agentContainer().path("ports").get(0).path("containerPort").asInt();

    assertThat(instruction("EXPOSE")).isEqualTo(String.valueOf(port));
  }

  @Test
  void buildsTheShadedAgentJarAndRunsItWithIproute2Present() {
    String text = String.join("\n", lines);

    assertThat(text).contains("FROM maven:3.9-eclipse-temurin-17 AS build");
    assertThat(text).contains("./mvnw -B -q -pl agent -am package -DskipTests");
    assertThat(text).contains("cp agent/target/fipkeeper.jar /fipkeeper.jar");
    assertThat(text).contains("COPY --from=build /fipkeeper.jar /app/fipkeeper.jar");
    assertThat(text).contains("install -y --no-install-recommends openjdk-17-jre-headless iproute2 ca-certificates");
    assertThat(text).contains("COPY --chmod=0755 image/fipkeeper /usr/local/bin/fipkeeper");
    assertThat(instruction("ENTRYPOINT")).isEqualTo("[\"/usr/local/bin/fipkeeper\"]");
  }

  private static String instruction(String keyword) {
    return lines.stream()
        .filter(l -> l.startsWith(keyword + " "))
        .reduce((first, second) -> second) // the last one wins, as in Docker
        .map(l -> l.substring(keyword.length() + 1).trim())
        .orElseThrow(() -> new AssertionError("no " + keyword + " in the Dockerfile"));
  }
}
