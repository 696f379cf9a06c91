package io.btspeed.ledger;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where a ledger lives, as a user writes it after {@code --ledger} or {@code --db}: a database file
 * ({@code wallet.db} or {@code sqlite:wallet.db}), a PostgreSQL database
 * ({@code postgresql://user:password@host:port/db}) or a ledger server ({@code http://host:port}).
 */
public sealed interface LedgerSpec {
    record SqliteFile(Path path) implements LedgerSpec {}

    /** JDBC URL without credentials, plus user/password as connection properties (never logged). */
    record Postgres(String jdbcUrl, Properties properties, String display) implements LedgerSpec {
        @Override
        public String toString() {
            return "Postgres[" + display + "]";
        }
    }

    record Server(URI base) implements LedgerSpec {}

    static LedgerSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("empty ledger location");
        }
        if (spec.startsWith("http://")) {
            URI u = uri(spec);
            if (u.getHost() == null || u.getPort() < 0) {
                throw new IllegalArgumentException("a ledger server address is http://host:port, got " + spec);
            }
            if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                throw new IllegalArgumentException("a ledger server address has no path: " + spec);
            }
            return new Server(URI.create("http://" + u.getRawAuthority()));
        }
        if (spec.startsWith("https://")) {
            throw new IllegalArgumentException("https ledger servers are not supported yet; use http:// behind a TLS proxy");
        }
        if (spec.startsWith("postgresql://") || spec.startsWith("postgres://")) {
            return postgres(spec);
        }
        if (spec.startsWith("sqlite:")) {
            return new SqliteFile(Path.of(spec.substring("sqlite:".length())));
        }
        if (spec.matches("[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("unknown ledger location scheme: " + spec.substring(0, spec.indexOf(':'))
                    + " (use a file path, sqlite:FILE, postgresql://… or http://host:port)");
        }
        return new SqliteFile(Path.of(spec));
    }

    private static Postgres postgres(String spec) {
        URI u = uri(spec);
        if (u.getHost() == null) {
            throw new IllegalArgumentException("a PostgreSQL location is postgresql://[user[:password]@]host[:port]/database");
        }
        String db = u.getRawPath() == null ? "" : u.getRawPath().replaceFirst("^/", "");
        if (db.isEmpty() || db.contains("/")) {
            throw new IllegalArgumentException("PostgreSQL location needs one database name: " + display(u));
        }
        Properties props = new Properties();
        String info = u.getRawUserInfo();
        if (info != null) {
            int colon = info.indexOf(':');
            props.setProperty("user", decode(colon < 0 ? info : info.substring(0, colon)));
            if (colon >= 0) {
                props.setProperty("password", decode(info.substring(colon + 1)));
            }
        }
        String host = u.getHost().contains(":") && !u.getHost().startsWith("[") ? "[" + u.getHost() + "]" : u.getHost();
        String url = "jdbc:postgresql://" + host + (u.getPort() > 0 ? ":" + u.getPort() : "") + "/" + db
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        return new Postgres(url, props, display(u));
    }

    /** The location with any password blanked, for messages. */
    private static String display(URI u) {
        String info = u.getRawUserInfo();
        String user = info == null ? "" : info.replaceFirst(":.*", ":***") + "@";
        return u.getScheme() + "://" + user + u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static URI uri(String spec) {
        try {
            return new URI(spec);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid address: " + e.getMessage());
        }
    }
}
