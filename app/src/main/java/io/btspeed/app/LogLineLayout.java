package io.btspeed.app;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One log line: {@code HH:mm:ss.SSS LEVEL logger - message}, the level padded to five characters and the logger's
 * package abbreviated to keep the name near 20 characters (as logback's {@code %d{HH:mm:ss.SSS} %-5level
 * %logger{20} - %msg%n}), then the stack trace of an attached exception. Written by hand so the CLI need not parse
 * a pattern at start-up.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {
    static final int LOGGER_WIDTH = 20;

    /** Built on the first line logged: most runs log nothing. */
    private static final class Clock {
        static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(Clock.TIME.format(Instant.ofEpochMilli(event.getTimeStamp()))).append(' ');
        String level = event.getLevel().toString();
        sb.append(level);
        for (int i = level.length(); i < 5; i++) sb.append(' ');
        sb.append(' ').append(abbreviate(event.getLoggerName(), LOGGER_WIDTH)).append(" - ");
        sb.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) sb.append(ThrowableProxyUtil.asString(thrown)).append(CoreConstants.LINE_SEPARATOR);
        return sb.toString();
    }

    /**
     * Shortens the package segments of a class name to their first letter, from the left, until the whole fits in
     * {@code width} or only the simple name is left whole: {@code io.btspeed.engine.torrent.Torrent} becomes
     * {@code i.b.e.t.Torrent}.
     */
    static String abbreviate(String name, int width) {
        if (name == null || name.length() <= width) return name;
        String[] parts = name.split("\\.");
        int length = name.length();
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i < parts.length - 1 && length > width && p.length() > 1) {
                length -= p.length() - 1;
                sb.append(p.charAt(0));
            } else {
                sb.append(p);
            }
            if (i < parts.length - 1) sb.append('.');
        }
        return sb.toString();
    }
}
