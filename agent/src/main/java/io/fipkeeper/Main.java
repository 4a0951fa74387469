package io.fipkeeper;

/** Entry point placeholder; replaced by the CLI. */
public final class Main {
  public static void main(String[] args) {
    System.out.println("fipkeeper");
  }
}
