package io.btspeed.interop.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * Starts the real peers of an interop test and stops all of them (by pid) when closed, also when
 * the test failed. Logs of every process are printed on failure by {@link #dumpLogs()}.
 */
public final class Peers implements AutoCloseable {
    private final Path work;
    private final List<Proc> procs = new ArrayList<>();
    private List<String> launchPrefix = List.of();

    public Peers(Path work) {
        this.work = work;
    }

    public Path work() {
        return work;
    }

    /** A missing client skips the test on a developer machine but fails it under CI. */
    public static void require(String executable) {
        boolean present = Files.isExecutable(Path.of(executable));
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new AssertionError(executable + " is missing: .ci/run must install it (apt-get install ...)");
        }
        Assumptions.assumeTrue(present, executable + " not installed; skipping (install it to run interop tests)");
    }

    public static void requireLibtorrent() {
        require("/usr/bin/python3");
        try {
            Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import libtorrent").redirectErrorStream(true).start();
            boolean ok = p.waitFor() == 0;
            if (!ok && "true".equals(System.getenv("CI"))) throw new AssertionError("python3-libtorrent is missing under CI");
            Assumptions.assumeTrue(ok, "python3-libtorrent not installed; skipping");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** A free TCP (and, by luck of the OS, usually UDP) port on 127.0.0.1, taken just before use. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        }
    }

    public Proc start(String name, List<String> command) throws IOException {
        return start(name, command, Map.of());
    }

    /**
     * Runs every process started from now on under this command prefix, e.g. {@code nsenter --net=/proc/PID/ns/net}
     * to put it in a network namespace a test made.
     */
    public void launchWith(List<String> prefix) {
        launchPrefix = List.copyOf(prefix);
    }

    public Proc start(String name, List<String> command, Map<String, String> env) throws IOException {
        List<String> full = new ArrayList<>(launchPrefix);
        full.addAll(command);
        Proc p = Proc.start(name, full, work, work.resolve("logs"), env);
        procs.add(p);
        return p;
    }

    /** The btspeed CLI in its own JVM, with the test's class path. */
    public Proc btspeed(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m"); // a wallet keystore's scrypt (n = 2^18, r = 8) alone needs 256 MiB, as with ./btspeed
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("io.btspeed.app.Main");
        cmd.addAll(List.of(args));
        // local discovery would multicast on the host's real network: tests turn it on explicitly (--lsd)
        List<String> given = List.of(args);
        if (!given.isEmpty() && (given.getFirst().equals("download") || given.getFirst().equals("seed")) && !given.contains("--lsd")) {
            cmd.add("--no-lsd");
        }
        // likewise the DHT would join the public network: only tests that name a bootstrap node use it
        if (!given.isEmpty() && (given.getFirst().equals("download") || given.getFirst().equals("seed"))
                && !given.contains("--dht") && !given.contains("--dht-bootstrap")) {
            cmd.add("--no-dht");
        }
        return start(name, cmd, Map.of("BTSPEED_PLAIN", "1", "BTSPEED_LOG", System.getProperty("btspeed.testLog", "info")));
    }

    /** Runs a btspeed command to completion and returns its output; fails on a non-zero exit. */
    public String btspeedRun(String name, String... args) throws IOException, InterruptedException {
        Proc p = btspeed(name, args);
        int rc = p.awaitExit(Duration.ofMinutes(2));
        if (rc != 0) throw new AssertionError(name + " exited " + rc + "\n" + p.tail());
        return p.output();
    }

    public Proc libtorrent(String name, String role, String source, Path dir, String listenIp, int port, List<String> connect)
            throws IOException {
        return libtorrent(name, role, source, dir, listenIp, port, connect, List.of());
    }

    /** @param extra more lt_node.py options, e.g. "--reannounce", "2" */
    public Proc libtorrent(String name, String role, String source, Path dir, String listenIp, int port, List<String> connect,
                           List<String> extra) throws IOException {
        Path script = Resources.copy("interop/lt_node.py", work.resolve("lt_node.py"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), role, source, dir.toString(),
                "--listen", listenIp + ":" + port, "--deadline", "150"));
        for (String c : connect) {
            cmd.add("--connect");
            cmd.add(c);
        }
        cmd.addAll(extra);
        return start(name, cmd);
    }

    public String dumpLogs() {
        StringBuilder b = new StringBuilder();
        for (Proc p : procs) b.append(p.tail()).append('\n');
        return b.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Proc p : procs) p.close();
    }
}
