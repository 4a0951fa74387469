package io.fipkeeper.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NOTES.txt, as `helm install` prints it (client-only dry run: no cluster needed). */
class NotesTest {

  @Test
  void tellsHowToFindWhoHoldsTheIpAndWarnsAboutEtcdWithoutClientCertificate(@TempDir Path dir) throws IOException {
    String notes = installOutput(dir, ValueSets.MINIMAL);

    assertThat(notes).contains("fipkeeper status --config /etc/fipkeeper/config.yaml");
    assertThat(notes).contains("curl -s http://127.0.0.1:9847/status");
    assertThat(notes).contains("fipkeeper_leader == 1");
    assertThat(notes).contains("etcd.existingSecret is empty");
  }

  @Test
  void dropsTheEtcdWarningWhenTheClientCertificateSecretIsSet(@TempDir Path dir) throws IOException {
    String notes = installOutput(dir, ValueSets.EXISTING_SECRET);

    assertThat(notes).contains("fipkeeper status").doesNotContain("etcd.existingSecret is empty");
  }

  @Test
  void inObserveModeSaysThatNoAgentHoldsTheIpAndWhereToSeeWhatTheyWouldDo(@TempDir Path dir) throws IOException {
    String notes = installOutput(dir, ValueSets.MINIMAL + "mode: observe\n");

    assertThat(notes).contains("OBSERVE MODE").contains("fipkeeper_observe_would_hold == 1")
        .doesNotContain("One agent at a time holds the floating IP");
    assertThat(installOutput(dir, ValueSets.MINIMAL)).doesNotContain("OBSERVE MODE");
  }

  private static String installOutput(Path dir, String values) throws IOException {
    Path file = dir.resolve("values.yaml");
    Files.writeString(file, values);
    return new Helm(RepoPaths.chart())
        .install()
        .withName(RenderedChart.RELEASE)
        .withNamespace(RenderedChart.NAMESPACE)
        .withValuesFile(file)
        .clientOnly()
        .dryRun()
        .call()
        .getOutput();
  }
}
