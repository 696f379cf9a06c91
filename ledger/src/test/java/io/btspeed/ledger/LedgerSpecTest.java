package io.btspeed.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LedgerSpecTest {
    @Test
    void parsesEveryForm() {
        assertThat(LedgerSpec.parse("ledger.db")).isEqualTo(new LedgerSpec.SqliteFile(Path.of("ledger.db")));
        assertThat(LedgerSpec.parse("sqlite:/tmp/x.db")).isEqualTo(new LedgerSpec.SqliteFile(Path.of("/tmp/x.db")));
        assertThat(LedgerSpec.parse("http://127.0.0.1:8545")).isEqualTo(new LedgerSpec.Server(URI.create("http://127.0.0.1:8545")));
        assertThat(LedgerSpec.parse("http://127.0.0.1:8545/")).isEqualTo(new LedgerSpec.Server(URI.create("http://127.0.0.1:8545")));
        LedgerSpec.Postgres pg = (LedgerSpec.Postgres) LedgerSpec.parse("postgresql://bt:s%40cret@db.example:5433/ledger");
        assertThat(pg.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/ledger");
        assertThat(pg.properties().getProperty("user")).isEqualTo("bt");
        assertThat(pg.properties().getProperty("password")).isEqualTo("s@cret");
        assertThat(pg.toString()).doesNotContain("cret");
        LedgerSpec.Postgres local = (LedgerSpec.Postgres) LedgerSpec.parse("postgresql://localhost/ledger?sslmode=disable");
        assertThat(local.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost/ledger?sslmode=disable");
        assertThat(local.properties()).isEmpty();
    }

    @Test
    void rejectsWhatItCannotOpen() {
        assertThatThrownBy(() -> LedgerSpec.parse("http://127.0.0.1")).hasMessageContaining("http://host:port");
        assertThatThrownBy(() -> LedgerSpec.parse("http://127.0.0.1:1/x")).hasMessageContaining("no path");
        assertThatThrownBy(() -> LedgerSpec.parse("https://h:1")).hasMessageContaining("https");
        assertThatThrownBy(() -> LedgerSpec.parse("ftp://h/x")).hasMessageContaining("unknown ledger location scheme");
        assertThatThrownBy(() -> LedgerSpec.parse("postgresql://h/")).hasMessageContaining("database name");
        assertThatThrownBy(() -> LedgerSpec.parse(" ")).hasMessageContaining("empty");
    }
}
