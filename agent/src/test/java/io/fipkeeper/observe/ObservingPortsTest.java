package io.fipkeeper.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fipkeeper.leader.Event.Failure;
import io.fipkeeper.leader.HolderRecord;
import io.fipkeeper.leader.port.AddressBinder;
import io.fipkeeper.leader.port.FloatingIpTakeover;
import io.fipkeeper.metrics.AgentMetrics.WouldAction;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The would-be ports on their own, in front of real ports whose mutating calls fail the test: every row says what
 * the machine asks, what the real world answers, and what the would-be world and the report make of it.
 */
class ObservingPortsTest {
  private static final long SELF = 101;
  private static final long OTHER = 202;
  private static final InetAddress FIP = address("203.0.113.10");

  private final List<WouldAction> counted = new CopyOnWriteArrayList<>();
  private final ObserveReport report = new ObserveReport("203.0.113.10", counted::add);
  private final ShadowRouting shadow = new ShadowRouting();
  private final ReadOnlyHetzner hetzner = new ReadOnlyHetzner();
  private final ReadOnlyKernel kernel = new ReadOnlyKernel();
  private final ObservingTakeover takeover = new ObservingTakeover(hetzner, SELF, shadow, report);
  private final ObservingBinder binder = new ObservingBinder(kernel, report);

  @Test
  void aTakeoverReadsHetznerFencesAndCompletesOnlyInTheWouldBeWorld() throws Exception {
    hetzner.answers.add(OTHER);
    List<String> fenced = new ArrayList<>();

    long server = takeover.takeOver(() -> fenced.add("fence"));

    assertThat(server).isEqualTo(SELF);
    assertThat(fenced).as("fenced right where the POST would go").containsExactly("fence");
    assertThat(hetzner.reads).isEqualTo(1);
    assertThat(shadow.server()).isEqualTo(SELF);
    assertThat(counted).containsExactly(WouldAction.ASSIGN);
    assertThat(report.realServer()).isEqualTo(OTHER);
    assertThat(report.lastWouldAction()).isEqualTo("assign 203.0.113.10 to server 101 (Hetzner routes it to server 202)");
  }

  @Test
  void aTakeoverWhereTheWouldBeWorldRoutesTheIpHereNeedsNoFenceAndReportsNothing() throws Exception {
    shadow.takenOverBy(SELF);
    hetzner.answers.add(OTHER);

    assertThat(takeover.takeOver(() -> {
      throw new AssertionError("no POST would be sent, so no fence");
    })).isEqualTo(SELF);
    assertThat(counted).isEmpty();
  }

  @Test
  void aRefusedFenceFailsTheTakeoverAsFencedAndChangesNothing() {
    hetzner.answers.add(OTHER);

    assertThatThrownBy(() -> takeover.takeOver(() -> false))
        .isInstanceOfSatisfying(FloatingIpTakeover.TakeoverException.class,
            e -> assertThat(e.failure()).isEqualTo(Failure.FENCED));
    assertThat(shadow.server()).isNull();
    assertThat(counted).isEmpty();
  }

  @Test
  void aRejectedTokenFailsTheWouldBeTakeoverExactlyAsItWouldFailTheRealOne() {
    hetzner.failure = new FloatingIpTakeover.TakeoverException("401 unauthorized", Failure.CREDENTIALS, null);

    assertThatThrownBy(() -> takeover.takeOver(() -> true))
        .isInstanceOfSatisfying(FloatingIpTakeover.TakeoverException.class,
            e -> assertThat(e.failure()).isEqualTo(Failure.CREDENTIALS));
    assertThatThrownBy(takeover::currentServer).isInstanceOf(FloatingIpTakeover.TakeoverException.class);
    assertThat(counted).isEmpty();
  }

  @Test
  void readsAskTheRealHetznerButAnswerWithTheWouldBeRouting() throws Exception {
    hetzner.answers.add(OTHER);
    hetzner.answers.add(OTHER);
    assertThat(takeover.currentServer()).as("no would-be takeover yet").isNull();
    shadow.holderPublished(new HolderRecord("cp-3", 303, "203.0.113.10", 7, Instant.EPOCH));

    assertThat(takeover.currentServer()).isEqualTo(303);
    assertThat(hetzner.reads).isEqualTo(2);
    assertThat(report.realServer()).isEqualTo(OTHER);
  }

  @Test
  void theWouldBeRoutingFollowsTheNewestHolderRecordOnly() {
    shadow.holderPublished(new HolderRecord("cp-2", OTHER, "203.0.113.10", 9, Instant.EPOCH));
    shadow.holderPublished(new HolderRecord("cp-3", 303, "203.0.113.10", 8, Instant.EPOCH));
    assertThat(shadow.server()).as("a late, older record").isEqualTo(OTHER);
    shadow.holderPublished(null);
    assertThat(shadow.server()).as("a deleted record says nothing").isEqualTo(OTHER);
    shadow.takenOverBy(SELF);
    assertThat(shadow.server()).isEqualTo(SELF);
  }

  @Test
  void bindsAndUnbindsChangeOnlyTheWouldBeAddressAndAreReportedOnce() throws Exception {
    kernel.present = true; // another controller's address

    assertThat(binder.isBound(FIP)).as("the machine never sees another controller's address").isFalse();
    binder.bind(FIP);
    binder.bind(FIP);
    assertThat(binder.isBound(FIP)).isTrue();
    assertThat(binder.boundAddresses()).containsExactly(FIP);
    binder.unbind(FIP);
    binder.unbind(FIP);

    assertThat(binder.isBound(FIP)).isFalse();
    assertThat(counted).containsExactly(WouldAction.BIND, WouldAction.UNBIND);
    assertThat(report.lastWouldAction()).isEqualTo("unbind 203.0.113.10 from eth0 (left alone: another controller put it there)");
    assertThat(report.realBound()).isTrue();
    assertThat(kernel.reads).isGreaterThanOrEqualTo(4);
  }

  @Test
  void aFailedKernelReadChangesNeitherTheWouldBeAddressNorTheLastRealAnswer() throws Exception {
    kernel.present = true;
    binder.isBound(FIP);
    kernel.broken = true;

    binder.bind(FIP);

    assertThat(binder.isBound(FIP)).isTrue();
    assertThat(report.realBound()).isTrue();
    assertThat(report.lastWouldAction()).isEqualTo("bind 203.0.113.10 on eth0 (already there: put there by another controller)");
  }

  /** A Hetzner port that can only be read: a takeover is a test failure. */
  private static final class ReadOnlyHetzner implements FloatingIpTakeover {
    final Deque<Long> answers = new ArrayDeque<>();
    TakeoverException failure;
    int reads;

    @Override
    public long takeOver(BooleanSupplier fence) {
      throw new AssertionError("observe mode sent a takeover to the real port");
    }

    @Override
    public Long currentServer() throws TakeoverException {
      reads++;
      if (failure != null) {
        throw failure;
      }
      return answers.poll();
    }

    @Override
    public String address() {
      return "203.0.113.10";
    }
  }

  /** A kernel that can only be read: a bind or unbind is a test failure. */
  private static final class ReadOnlyKernel implements AddressBinder {
    volatile boolean present;
    volatile boolean broken;
    int reads;

    @Override
    public void bind(InetAddress address) {
      throw new AssertionError("observe mode bound an address");
    }

    @Override
    public void unbind(InetAddress address) {
      throw new AssertionError("observe mode removed an address");
    }

    @Override
    public boolean isBound(InetAddress address) throws IOException {
      reads++;
      if (broken) {
        throw new IOException("ip: timed out");
      }
      return present;
    }

    @Override
    public String interfaceName() {
      return "eth0";
    }

    @Override
    public Set<InetAddress> boundAddresses() {
      throw new AssertionError("not needed by the observing binder");
    }
  }

  private static InetAddress address(String ip) {
    try {
      return InetAddress.getByName(ip);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
