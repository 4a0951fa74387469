package io.fipkeeper.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartRendererTest {
  @Test
  void rendersANonEmptyPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
    List<Measurement> ms = new ArrayList<>();
    for (int t = 1; t <= 10; t++) {
      ms.add(new Measurement("fipkeeper", "crash", t, 0, 1500 + t * 50L, 1500, true, List.of()));
      ms.add(new Measurement("fipkeeper", "graceful", t, 1000, 1200 + t * 10L, 0, true, List.of()));
      ms.add(new Measurement("keepalived", "crash", t, 0, 3000 + t * 100L, 3000, true, List.of()));
    }
    ms.add(new Measurement("keepalived", "graceful", 1, 1000, -1, -1, false, List.of("no takeover")));
    Path png = dir.resolve("charts/failover.png");

    ChartRenderer.render(ms, "test", png, 800, 500);

    assertThat(Files.size(png)).isGreaterThan(2000);
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(800);
    assertThat(img.getHeight()).isEqualTo(500);
    assertThat(distinctColours(img)).as("more than a blank canvas").isGreaterThan(4);
  }

  @Test
  void heightGrowsWithTheNumberOfBands() {
    List<Measurement> few = List.of(new Measurement("fipkeeper", "crash", 1, 0, 100, 0, true, List.of()));
    List<Measurement> many = new ArrayList<>();
    for (int s = 0; s < 20; s++) {
      many.add(new Measurement("fipkeeper", "scenario-" + s, 1, 0, 100, 0, true, List.of()));
      many.add(new Measurement("keepalived", "scenario-" + s, 1, 0, 100, 0, true, List.of()));
    }
    assertThat(ChartRenderer.heightFor(many)).isGreaterThan(ChartRenderer.heightFor(few));
  }

  private static long distinctColours(BufferedImage img) {
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (int x = 0; x < img.getWidth(); x += 5) {
      for (int y = 0; y < img.getHeight(); y += 5) {
        seen.add(img.getRGB(x, y));
      }
    }
    return seen.size();
  }
}
