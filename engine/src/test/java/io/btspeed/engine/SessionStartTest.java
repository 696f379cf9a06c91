package io.btspeed.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionStartTest {
    @Test
    @Timeout(10)
    void portInUseIsReportedWithTheAddress() throws Exception {
        try (Session first = Session.start(SessionConfig.defaults())) {
            int port = first.listenPort();
            assertThat(port).isPositive();
            assertThatThrownBy(() -> Session.start(SessionConfig.defaults().withListenPort(port)))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("127.0.0.1:" + port)
                    .hasMessageContaining("another client");
        }
    }

    @Test
    @Timeout(10)
    void generatedPeerIdCarriesOurClientPrefixAndTheSameTorrentCannotBeAddedTwice(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        var m = TestTorrents.singleFile(tmp.resolve("d"), "x.bin", 50_000, 16 * 1024, 3);
        try (Session s = Session.start(SessionConfig.defaults())) {
            assertThat(new String(s.peerId(), 0, 8, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("-BS0100-");
            s.add(AddTorrentParams.of(m, tmp.resolve("d")).withTrackers(false));
            assertThatThrownBy(() -> s.add(AddTorrentParams.of(m, tmp.resolve("d")).withTrackers(false)))
                    .isInstanceOf(IOException.class).hasMessageContaining("already");
            assertThat(s.torrents()).hasSize(1);
        }
    }
}
