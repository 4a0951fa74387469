package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, the image script and the chart agree: what the chart runs is what the images provide. (The
 * Dockerfile is not built here, there is no Docker daemon; the image of scripts/build-image.sh is built and run by
 * {@link ImageSmokeTest}.)
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

  @Test
  void theImagesJvmFlagsAreTheChartsDefaultJvmOptions() throws IOException {
    String chart = words(RenderedChart.YAML.readTree(RepoPaths.chart().resolve("values.yaml").toFile())
        .path("jvmOptions").asText());
    String script = Files.readAllLines(RepoPaths.root().resolve("scripts/build-image.sh")).stream()
        .filter(l -> l.startsWith("JVM_OPTIONS=\""))
        .map(l -> l.substring("JVM_OPTIONS=\"".length(), l.lastIndexOf('"')))
        .findFirst().orElseThrow(() -> new AssertionError("no JVM_OPTIONS= in scripts/build-image.sh"));
    String dockerfile = lines.stream()
        .filter(l -> l.startsWith("ENV JAVA_TOOL_OPTIONS=\""))
        .map(l -> l.substring("ENV JAVA_TOOL_OPTIONS=\"".length(), l.indexOf('"', "ENV JAVA_TOOL_OPTIONS=\"".length())))
        .findFirst().orElseThrow(() -> new AssertionError("no ENV JAVA_TOOL_OPTIONS in the Dockerfile"));

    assertThat(chart).contains("-Xmx32m", "-XX:+UseSerialGC");
    assertThat(words(script)).as("scripts/build-image.sh JVM_OPTIONS").isEqualTo(chart);
    assertThat(words(dockerfile)).as("Dockerfile ENV JAVA_TOOL_OPTIONS").isEqualTo(chart);
  }

  private static String words(String flags) {
    return String.join(" ", flags.trim().split("\\s+"));
  }

  private static String instruction(String keyword) {
    return lines.stream()
        .filter(l -> l.startsWith(keyword + " "))
        .reduce((first, second) -> second) // the last one wins, as in Docker
        .map(l -> l.substring(keyword.length() + 1).trim())
        .orElseThrow(() -> new AssertionError("no " + keyword + " in the Dockerfile"));
  }
}
