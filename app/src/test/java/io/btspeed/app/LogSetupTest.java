package io.btspeed.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class LogSetupTest {

    @Test
    void theCliIsConfiguredInCodeWithWarnToStderrByDefault() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        // the service-loaded configurator ran (no XML is shipped): one stderr appender with our layout
        assertThat(root.getAppender("stderr")).isNotNull();
        String env = System.getenv("BTSPEED_LOG");
        if (env == null && System.getProperty("BTSPEED_LOG") == null) assertThat(root.getLevel()).isEqualTo(Level.WARN);
    }

    @Test
    void levelsFromTheEnvironmentFallBackToWarn() {
        assertThat(LogSetup.level(null)).isEqualTo(Level.WARN);
        assertThat(LogSetup.level(" ")).isEqualTo(Level.WARN);
        assertThat(LogSetup.level("debug")).isEqualTo(Level.DEBUG);
        assertThat(LogSetup.level("INFO ")).isEqualTo(Level.INFO);
        assertThat(LogSetup.level("off")).isEqualTo(Level.OFF);
        assertThat(LogSetup.level("loud")).isEqualTo(Level.WARN);
    }

    @Test
    void loggerNamesAreShortenedFromTheLeftKeepingTheClassName() {
        assertThat(LogLineLayout.abbreviate("io.btspeed.engine.torrent.Torrent", 20)).isEqualTo("i.b.e.t.Torrent");
        assertThat(LogLineLayout.abbreviate("io.btspeed.app.market.MarketRuntimeWithALongName", 20))
                .isEqualTo("i.b.a.m.MarketRuntimeWithALongName");
        assertThat(LogLineLayout.abbreviate("short.Name", 20)).isEqualTo("short.Name");
        assertThat(LogLineLayout.abbreviate("NoPackageButAVeryLongClassName", 20)).isEqualTo("NoPackageButAVeryLongClassName");
    }

    @Test
    void aLineHasTimeLevelLoggerMessageAndTheStackTrace() {
        LoggerContext context = new LoggerContext();
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        Logger logger = context.getLogger("io.btspeed.engine.torrent.Torrent");
        LoggingEvent e = new LoggingEvent("fqcn", logger, Level.INFO, "piece {} failed", new IllegalStateException("bad hash"),
                new Object[] {7});
        String line = layout.doLayout(e);
        assertThat(line).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.b\\.e\\.t\\.Torrent - piece 7 failed\\R"
                + "java\\.lang\\.IllegalStateException: bad hash\\R.*");
    }
}
