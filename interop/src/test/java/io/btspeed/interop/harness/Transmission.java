package io.btspeed.interop.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Transmission 3.00 daemon on loopback, driven with transmission-remote. It finds peers only via
 * trackers and never dials 127.x peers, so btspeed dials it (--peer) in both directions.
 */
public final class Transmission {
    private final Peers peers;
    private final int rpcPort;
    public final int peerPort;
    private final Proc daemon;

    private Transmission(Peers peers, int rpcPort, int peerPort, Proc daemon) {
        this.peers = peers;
        this.rpcPort = rpcPort;
        this.peerPort = peerPort;
        this.daemon = daemon;
    }

    public static Transmission start(Peers peers, String name, Path downloadDir) throws IOException, InterruptedException {
        return start(peers, name, downloadDir, 0);
    }

    /** @param uploadLimitKiB Transmission's upload limit in KiB/s (its unit), 0 for none */
    public static Transmission start(Peers peers, String name, Path downloadDir, int uploadLimitKiB) throws IOException, InterruptedException {
        Peers.require("/usr/bin/transmission-daemon");
        Peers.require("/usr/bin/transmission-remote");
        Path cfg = Files.createDirectories(peers.work().resolve(name + "-config"));
        Files.createDirectories(downloadDir);
        int rpc = Peers.freePort();
        int peer = Peers.freePort();
        Files.writeString(cfg.resolve("settings.json"), """
                {
                  "bind-address-ipv4": "127.0.0.1",
                  "bind-address-ipv6": "::1",
                  "rpc-bind-address": "127.0.0.1",
                  "rpc-port": %d,
                  "rpc-authentication-required": false,
                  "rpc-whitelist-enabled": true,
                  "rpc-whitelist": "127.0.0.1",
                  "rpc-host-whitelist-enabled": false,
                  "peer-port": %d,
                  "peer-port-random-on-start": false,
                  "port-forwarding-enabled": false,
                  "dht-enabled": false,
                  "lpd-enabled": false,
                  "pex-enabled": false,
                  "utp-enabled": false,
                  "blocklist-enabled": false,
                  "encryption": 0,
                  "speed-limit-down-enabled": false,
                  "speed-limit-up-enabled": %s,
                  "speed-limit-up": %d,
                  "ratio-limit-enabled": false,
                  "idle-seeding-limit-enabled": false,
                  "download-queue-enabled": false,
                  "seed-queue-enabled": false,
                  "queue-stalled-enabled": false,
                  "rename-partial-files": false,
                  "incomplete-dir-enabled": false,
                  "download-dir": "%s",
                  "message-level": 2
                }
                """.formatted(rpc, peer, uploadLimitKiB > 0, uploadLimitKiB, downloadDir));
        Proc d = peers.start(name, List.of("/usr/bin/transmission-daemon", "-f", "-g", cfg.toString()));
        Transmission t = new Transmission(peers, rpc, peer, d);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            if (t.remote("-l").exit == 0) break;
            if (System.nanoTime() > deadline || !d.isAlive()) throw new AssertionError("transmission RPC never came up\n" + d.tail());
            Thread.sleep(100);
        }
        return t;
    }

    record Result(int exit, String out) {}

    private Result remote(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("/usr/bin/transmission-remote", "127.0.0.1:" + rpcPort));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out);
        }
        return new Result(p.exitValue(), out);
    }

    public void add(Path torrent, Path dir) throws IOException, InterruptedException {
        Result r = remote("-a", torrent.toString(), "-w", dir.toString());
        if (r.exit != 0) throw new AssertionError("transmission-remote -a failed: " + r.out + "\n" + daemon.tail());
    }

    public String percentDone() throws IOException, InterruptedException {
        Matcher m = Pattern.compile("Percent Done: ([0-9.na%]+)").matcher(remote("-t", "1", "-i").out);
        return m.find() ? m.group(1) : "?";
    }

    /** Waits until torrent 1 is 100% (downloaded, or verified when it was added with its data). */
    public void awaitComplete(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "?";
        while (System.nanoTime() < deadline) {
            last = percentDone();
            if (last.equals("100%")) return;
            Thread.sleep(200);
        }
        throw new AssertionError("transmission at " + last + " after " + timeout + "\n" + remote("-t", "1", "-i").out + "\n" + daemon.tail());
    }
}
