package io.fipkeeper.hcloudsim;

/** Entry point placeholder. */
public final class SimulatorMain {
  public static void main(String[] args) {
    System.out.println("hcloud-sim");
  }
}
