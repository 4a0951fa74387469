package io.fipkeeper.bench.report;

/** One performance target and what a run reached: {@code reached} and {@code target} are display strings. */
public record Verdict(String measurement, String reached, String target, boolean pass) {
  public String mark() {
    return pass ? "PASS" : "MISS";
  }
}
