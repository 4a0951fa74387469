package io.fipkeeper.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final Logger log = LoggerFactory.getLogger(LogSetupTest.class);

  @AfterEach
  void restoreDefaultConfiguration() throws Exception {
    MDC.clear();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    new ContextInitializer(context).autoConfig();
  }

  private List<String> lines() {
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return List.of(text.split("\n"));
  }

  @Test
  void jsonFormatWritesOneParseableObjectPerLine() throws Exception {
    LogSetup.configure("json", "info", out);
    Instant before = Instant.now();

    MDC.put("term", "981");
    log.info("became leader term={} fip={}", 981, "203.0.113.7");
    MDC.clear();
    log.debug("tick");
    log.warn("quote \" and\nsecond line");
    log.error("assign failed fip={}", "203.0.113.7", new IllegalStateException("423 locked"));

    List<String> lines = lines();
    assertThat(lines).hasSize(3);
    ObjectMapper mapper = new ObjectMapper();
    List<JsonNode> events = new ArrayList<>();
    for (String line : lines) {
      events.add(mapper.readTree(line));
    }

    JsonNode info = events.get(0);
    assertThat(info.get("level").asText()).isEqualTo("INFO");
    assertThat(info.get("logger").asText()).isEqualTo(LogSetupTest.class.getName());
    assertThat(info.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
    assertThat(info.get("message").asText()).isEqualTo("became leader term=981 fip=203.0.113.7");
    assertThat(info.get("mdc").get("term").asText()).isEqualTo("981");
    assertThat(info.has("exception")).isFalse();
    Instant at = Instant.parse(info.get("timestamp").asText());
    assertThat(at).isBetween(before.minusMillis(1), Instant.now());
    assertThat(info.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");

    assertThat(events.get(1).get("message").asText()).isEqualTo("quote \" and\nsecond line");
    assertThat(events.get(1).has("mdc")).isFalse();

    JsonNode error = events.get(2);
    assertThat(error.get("level").asText()).isEqualTo("ERROR");
    assertThat(error.get("message").asText()).isEqualTo("assign failed fip=203.0.113.7");
    assertThat(error.get("exception").asText())
        .startsWith("java.lang.IllegalStateException: 423 locked")
        .contains("LogSetupTest");
  }

  @Test
  void plainFormatWritesTimestampLevelThreadLoggerAndMessage() {
    LogSetup.configure("plain", "info", out);

    log.info("became leader term={} fip={}", 981, "203.0.113.7");

    assertThat(lines()).singleElement().asString().matches(
        "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\["
            + Pattern.quote(Thread.currentThread().getName())
            + "] io\\.fipkeeper\\.logging\\.LogSetupTest - became leader term=981 fip=203\\.0\\.113\\.7");
  }

  @Test
  void levelAppliesToTheAgentWhileNoisyLibrariesStayAtWarn() {
    LogSetup.configure("PLAIN", "DEBUG", out);

    log.debug("tick state=LEADING");
    LoggerFactory.getLogger("io.netty.channel.nio.NioEventLoop").info("netty chatter");
    LoggerFactory.getLogger("io.grpc.internal.ManagedChannelImpl").warn("grpc trouble");

    assertThat(lines()).hasSize(2);
    assertThat(lines().get(0)).endsWith(" - tick state=LEADING");
    assertThat(lines().get(1)).endsWith(" - grpc trouble");
  }

  @Test
  void warnLevelDropsInfo() {
    LogSetup.configure("plain", "warn", out);

    log.info("became leader");
    log.warn("lost leadership");

    assertThat(lines()).singleElement().asString().endsWith(" - lost leadership");
  }

  @Test
  void rejectsAnUnknownFormatOrLevelNamingTheKeyAndValue() {
    assertThatThrownBy(() -> LogSetup.configure("xml", "info"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log.format: must be plain or json, got \"xml\"");
    assertThatThrownBy(() -> LogSetup.configure("json", "verbose"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("log.level: must be one of trace, debug, info, warn, error, got \"verbose\"");
  }

  @Test
  void thePlainEncoderWritesExactlyWhatLogbacksPatternLayoutWouldForThePlainPattern() {
    LoggerContext context = new LoggerContext();
    PatternLayoutEncoder reference = new PatternLayoutEncoder();
    reference.setContext(context);
    reference.setPattern(LogSetup.PLAIN_PATTERN);
    reference.start();
    PlainLineEncoder plain = new PlainLineEncoder();
    plain.setContext(context);
    plain.start();
    for (String logger : List.of("io.fipkeeper.Agent", "io.fipkeeper.leader.LeaderStateMachineWithALongName",
        "a.very.deeply.nested.package.name.that.needs.abbreviation.Clazz", "Short")) {
      LoggingEvent event = new LoggingEvent("fqcn", context.getLogger(logger), Level.WARN,
          "state from={} to={}", null, new Object[] {"LEADING", "SUSPENDED"});
      event.setThreadName("fipkeeper-loop-cp-1");
      assertThat(new String(plain.encode(event), StandardCharsets.UTF_8))
          .as(logger).isEqualTo(new String(reference.encode(event), StandardCharsets.UTF_8));
    }
  }

  @Test
  void theStartUpConfiguratorLeavesTestsToLogbackTestXml() {
    DefaultLogConfigurator configurator = new DefaultLogConfigurator();
    assertThat(configurator.configure(new LoggerContext()))
        .as("logback-test.xml is on the test class path")
        .isEqualTo(ch.qos.logback.classic.spi.Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
  }

  @Test
  void theStartUpConfiguratorIsRegisteredAsAServiceInsteadOfALogbackXml() throws Exception {
    assertThat(LogSetup.class.getResource("/logback.xml")).as("no XML configuration to parse").isNull();
    try (InputStream in = LogSetup.class.getResourceAsStream(
        "/META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
      assertThat(in).isNotNull();
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip())
          .isEqualTo(DefaultLogConfigurator.class.getName());
    }
  }
}
