package io.btspeed.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The command line's logging, set up in code (a {@link Configurator} found through {@code META-INF/services}):
 * warnings and errors to stderr, so stdout stays for progress and results; {@code BTSPEED_LOG=info|debug|trace} (an
 * environment variable or a system property) for more, {@code off} for none.
 *
 * <p>In code rather than a {@code logback.xml} because reading the XML (a SAX parser, Joran's model, reflection)
 * took ~0.25 s of CPU, interpreted, at the start of every process: most of a short command's run and a measurable
 * part of a download's CPU per GiB. {@code -Dlogback.configurationFile=FILE} still takes a file instead.
 */
public final class LogSetup extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("stderr");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level(System.getProperty("BTSPEED_LOG", System.getenv("BTSPEED_LOG"))));
        root.addAppender(stderr);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** The level a {@code BTSPEED_LOG} value names; warn when unset or not a level. */
    static Level level(String value) {
        return value == null || value.isBlank() ? Level.WARN : Level.toLevel(value.strip(), Level.WARN);
    }
}
