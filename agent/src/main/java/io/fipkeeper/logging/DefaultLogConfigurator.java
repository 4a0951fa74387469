package io.fipkeeper.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * Logback's start-up configuration, found through {@code META-INF/services}: plain lines at INFO on stderr, chatty
 * libraries at WARN (what {@link LogSetup} does), until {@code fipkeeper run} applies the configured format. Replaces
 * a {@code logback.xml}, whose XML parsing loads hundreds of classes for nothing. A {@code logback-test.xml} on the
 * class path (tests) still wins.
 */
public final class DefaultLogConfigurator extends ContextAwareBase implements Configurator {

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (DefaultLogConfigurator.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    LogSetup.configure(context, false, ch.qos.logback.classic.Level.INFO, null);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }
}
