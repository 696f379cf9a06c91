package io.btspeed.ledger.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Tag("interop")
class PostgresServerTest {
    @Test
    @Timeout(120)
    void startsQueriesAndCleansUp() throws Exception {
        java.nio.file.Path dir;
        try (PostgresServer pg = PostgresServer.start()) {
            String db = pg.createDatabase("harness_check");
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db));
                 ResultSet rs = c.createStatement().executeQuery("select current_database(), 6 * 7")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(1)).isEqualTo("harness_check");
                assertThat(rs.getInt(2)).isEqualTo(42);
            }
            dir = pg.directory();
            assertThat(dir.resolve("data/postmaster.pid")).exists();
        }
        assertThat(Files.exists(dir)).as("cluster folder removed").isFalse();
    }
}
