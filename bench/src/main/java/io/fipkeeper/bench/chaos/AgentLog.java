package io.fipkeeper.bench.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the events the checker needs out of an agent's plain-text log (logback pattern
 * {@code <ISO instant> <LEVEL> [<thread>] <logger> - <message>}): {@code state from=X to=Y event=E term=N}
 * (LeaderLoop), {@code bound address} / {@code unbound address} (ActionRunner and the binder) and
 * {@code removed stale address} (start-up cleanup). Every other line is ignored, so a changed message elsewhere
 * in the agent cannot break the checker; a changed format of these three can, and the unit test pins them.
 */
public final class AgentLog {
  private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT\\S+)\\s+\\w+\\s+\\[[^\\]]*\\]\\s+\\S+\\s+-\\s+(.*)$");
  private static final Pattern STATE = Pattern.compile("^state from=(\\w+) to=(\\w+)\\b.*");

  private AgentLog() {}

  /** Parses a log file; a missing file yields no events. */
  public static List<NodeEvent> read(String node, Path file) {
    try {
      return parse(node, Files.exists(file) ? Files.readAllLines(file) : List.of());
    } catch (IOException e) {
      return List.of();
    }
  }

  /** Parses log lines of one node, oldest first. */
  public static List<NodeEvent> parse(String node, List<String> lines) {
    List<NodeEvent> out = new ArrayList<>();
    for (String line : lines) {
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        continue;
      }
      Instant at;
      try {
        at = Instant.parse(m.group(1));
      } catch (DateTimeParseException e) {
        continue;
      }
      String msg = m.group(2);
      Matcher s = STATE.matcher(msg);
      if (s.matches()) {
        out.add(new NodeEvent(at, node, NodeEvent.Kind.STATE, s.group(2), msg));
      } else if (msg.startsWith("bound address")) {
        out.add(new NodeEvent(at, node, NodeEvent.Kind.BOUND, null, msg));
      } else if (msg.startsWith("unbound address") || msg.startsWith("removed stale address")) {
        out.add(new NodeEvent(at, node, NodeEvent.Kind.UNBOUND, null, msg));
      }
    }
    return out;
  }
}
