package io.btspeed.ledger.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A throwaway PostgreSQL server for tests: its own cluster in a temporary folder, listening on a
 * free 127.0.0.1 port with trust authentication, stopped and deleted by {@link #close()}. Uses the
 * Debian {@code postgresql} package's binaries; as root, the server runs as the {@code postgres}
 * user (PostgreSQL refuses to run as root). Without PostgreSQL the test is skipped on a developer's
 * machine, but fails under CI ({@code CI=true}), where a skip would prove nothing.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final Path bin;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path dir, Path bin, int port, boolean asPostgresUser) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = findBin();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("btspeed-pg");
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(dir, postgres);
        }
        int port = freePort();
        PostgresServer pg = new PostgresServer(dir, bin, port, root);
        try {
            // --no-sync and fsync=off: a test cluster is thrown away, so skipping disk flushes only saves time.
            pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-A", "trust",
                    "-U", "postgres", "-E", "UTF8", "--no-sync"));
            pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                    "-l", dir.resolve("log").toString(), "-o",
                    "-c listen_addresses=127.0.0.1 -p " + port + " -k " + dir + " -c fsync=off -c max_connections=200",
                    "start"));
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private static Path findBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var found = versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.naturalOrder());
                if (found.isPresent()) {
                    return found.get();
                }
            } catch (IOException e) {
                // fall through to the missing-PostgreSQL handling
            }
        }
        String msg = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
                + "install them with: apt-get install -y postgresql";
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(msg);
        }
        Assumptions.abort(msg);
        throw new AssertionError("unreachable");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The cluster's folder; gone after {@link #close()}. */
    public Path directory() {
        return dir;
    }

    public int port() {
        return port;
    }

    /** JDBC URL of a database on this server (user postgres, no password). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
    }

    /** The {@code postgresql://} form that {@code --db} and {@code Ledgers.open} take. */
    public String url(String database) {
        return "postgresql://postgres@127.0.0.1:" + port + "/" + database;
    }

    /** Creates an empty database and returns its name. */
    public String createDatabase(String name) throws SQLException {
        if (!name.matches("[a-z][a-z0-9_]{0,40}")) {
            throw new IllegalArgumentException("test database names are lower-case identifiers");
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return name;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "-t", "30", "stop"));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            System.err.println("stopping test PostgreSQL failed: " + e);
        } finally {
            deleteTree(dir);
        }
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out;
        try {
            out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                throw new IOException("timed out: " + String.join(" ", full));
            }
        } finally {
            p.destroyForcibly();
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
            throw new IOException("command failed (" + p.exitValue() + "): " + String.join(" ", full) + "\n"
                    + new String(out, StandardCharsets.UTF_8) + log);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
