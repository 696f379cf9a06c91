package io.btspeed.interop.harness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Debian's opentracker on 127.0.0.1 (HTTP and UDP on one port) with a whitelist of info-hashes.
 * It chroots into its folder and drops to 'nobody', so the folder and whitelist must be readable.
 */
public final class OpenTracker {
    public final int port;

    private OpenTracker(int port) {
        this.port = port;
    }

    public String httpAnnounce() {
        return "http://127.0.0.1:" + port + "/announce";
    }

    public String udpAnnounce() {
        return "udp://127.0.0.1:" + port;
    }

    public static OpenTracker start(Peers peers, List<String> infoHashesHex) throws IOException, InterruptedException {
        Peers.require("/usr/bin/opentracker");
        Path dir = Files.createDirectories(peers.work().resolve("opentracker"));
        // the test's temp folder is private; opentracker reads its whitelist after dropping privileges
        for (Path p = dir; p != null && p.startsWith(peers.work().getParent()); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.write(dir.resolve("whitelist"), infoHashesHex);
        Files.setPosixFilePermissions(dir.resolve("whitelist"), PosixFilePermissions.fromString("rw-r--r--"));
        int port = Peers.freePort();
        Files.writeString(dir.resolve("opentracker.conf"), """
                listen.tcp 127.0.0.1:%d
                listen.udp 127.0.0.1:%d
                access.whitelist ./whitelist
                tracker.rootdir %s
                tracker.user nobody
                """.formatted(port, port, dir));
        Proc p = peers.start("opentracker", List.of("/usr/bin/opentracker", "-f", dir.resolve("opentracker.conf").toString()));
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new OpenTracker(port);
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !p.isAlive()) throw new AssertionError("opentracker did not start\n" + p.tail());
                Thread.sleep(100);
            }
        }
    }
}
