package io.fipkeeper.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Snapshot} as a coloured terminal table (plain ANSI, no library). On a terminal it redraws in
 * place; elsewhere (a pipe, CI) it prints only when the picture changes, so logs stay readable.
 */
final class LiveTable {
  private static final String RESET = "\u001b[0m";
  private static final String BOLD = "\u001b[1m";
  private static final String DIM = "\u001b[2m";
  private static final String RED = "\u001b[31m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String MAGENTA = "\u001b[35m";
  private static final String CYAN = "\u001b[36m";

  private final boolean ansi;
  private final String floatingIp;
  private int drawnLines;
  private String lastPlain = "";

  LiveTable(boolean ansi, String floatingIp) {
    this.ansi = ansi;
    this.floatingIp = floatingIp;
  }

  /** Prints a message above the table (the table is redrawn below it on the next {@link #draw}). */
  void event(String elapsed, String message) {
    erase();
    System.out.println(color(DIM, "[" + elapsed + "] ") + message);
    System.out.flush();
  }

  void draw(Snapshot s, String phase) {
    List<String> lines = render(s, phase, true);
    if (!ansi) {
      // memory figures change every poll: compare without them so a pipe only sees real changes
      List<String> key = render(s, phase, false);
      String plain = String.join("\n", key.subList(1, key.size()));
      if (!plain.equals(lastPlain)) {
        lastPlain = plain;
        lines.forEach(System.out::println);
      }
      return;
    }
    erase();
    lines.forEach(System.out::println);
    System.out.flush();
    drawnLines = lines.size();
  }

  /** Leaves the last table on screen (used before the summary). */
  void release() {
    drawnLines = 0;
  }

  private void erase() {
    if (ansi && drawnLines > 0) {
      System.out.print("\u001b[" + drawnLines + "F\u001b[J");
      drawnLines = 0;
    }
  }

  private List<String> render(Snapshot s, String phase, boolean withRss) {
    List<String> out = new ArrayList<>();
    out.add(color(BOLD + CYAN, "── " + phase + " ") + color(DIM, "─".repeat(Math.max(3, 66 - phase.length()))));
    out.add(color(BOLD, String.format(Locale.ROOT, "  %-6s %-7s %-14s %-7s %-6s %-9s %6s %6s  %s",
        "node", "process", "state", "leader", "bound", "assigned", "epoch", "rss", "apiserver")));
    for (Snapshot.Row r : s.rows()) {
      String proc = r.alive() ? color(GREEN, "up     ") : color(RED, "down   ");
      if (r.status().isEmpty()) {
        out.add(String.format(Locale.ROOT, "  %-6s %s %s", r.node(), proc,
            color(DIM, r.alive() ? "(not answering)" : "–")));
        continue;
      }
      AgentStatus st = r.status().get();
      out.add(String.format(Locale.ROOT, "  %-6s %s %s %-7s %s %-9s %6s %6s  %s",
          r.node(), proc, state(st.state()), orDash(st.leader()),
          st.bound() ? color(GREEN, "yes   ") : color(DIM, "no    "),
          orDash(r.believedAssigned()), st.epoch() < 0 ? "–" : Long.toString(st.epoch()),
          r.rssKib() < 0 || !withRss ? "–" : (r.rssKib() / 1024) + "M",
          st.apiserverHealthy() ? color(GREEN, "ok") : color(RED, "unhealthy")));
    }
    String assigned = s.assignedNode().map(n -> color(BOLD, n)).orElse(color(RED, "unassigned"));
    String line = "  floating IP " + floatingIp + "  hetzner: " + assigned;
    if (s.routedNode().isPresent() || s.probe().isPresent()) {
      line += "  route: " + s.routedNode().orElse("blackhole");
    }
    if (s.probe().isPresent()) {
      Prober.Sample p = s.probe().get();
      line += "  client: " + (p.ok() ? color(GREEN, "answered by " + p.detail()) : color(RED, "no answer"));
    }
    out.add(line);
    return out;
  }

  private String state(String state) {
    String padded = String.format(Locale.ROOT, "%-14s", state == null ? "?" : state);
    if (state == null) {
      return padded;
    }
    return switch (state) {
      case "LEADING" -> color(BOLD + GREEN, padded);
      case "CAMPAIGNING", "ACQUIRING" -> color(YELLOW, padded);
      case "SUSPENDED", "STEPPING_DOWN" -> color(MAGENTA, padded);
      case "STOPPED" -> color(RED, padded);
      default -> color(DIM, padded);
    };
  }

  private static String orDash(String s) {
    return s == null || s.isEmpty() ? "–" : s;
  }

  String color(String code, String text) {
    return ansi ? code + text + RESET : text;
  }
}
