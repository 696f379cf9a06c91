package io.btspeed.engine.lsd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two discovery endpoints find each other's port for one info-hash over real multicast on the
 * loopback interface. Where loopback has no MULTICAST flag (common in containers) the test makes
 * its own network namespace (root only) and runs the endpoints there in a child JVM; without root
 * it fails under CI and is reported as skipped, with the reason, elsewhere. In the namespace the
 * IPv6 group is tested too, over a veth pair.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LocalServiceDiscoveryTest {

    @Test
    void twoEndpointsDiscoverEachOtherOnLoopbackMulticast() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress());
        if (lo.supportsMulticast()) {
            int port = freeUdpPort();
            String r = LsdPair.discover(lo, new InetSocketAddress(LocalServiceDiscovery.GROUP_V4.getAddress(), port), null);
            assertThat(r).contains("a-found=5002 b-found=5001");
            return;
        }
        String why = "loopback interface " + lo.getName() + " has no MULTICAST flag";
        boolean root = "0".equals(run(List.of("id", "-u")).trim());
        boolean unshare = Files.isExecutable(Path.of("/usr/bin/unshare")) && (Files.isExecutable(Path.of("/usr/sbin/ip"))
                || Files.isExecutable(Path.of("/sbin/ip")) || Files.isExecutable(Path.of("/usr/bin/ip")));
        if (!root || !unshare) {
            String msg = why + " and making a network namespace needs root and unshare + ip (root=" + root + ", tools=" + unshare
                    + "); run 'ip link set lo multicast on' or run the tests as root";
            if ("true".equals(System.getenv("CI"))) throw new AssertionError(msg);
            Assumptions.abort(msg);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // IPv6 multicast does not loop back on a namespace's loopback, so IPv6 runs over a veth pair made there too
        String script = "ip link set lo up && ip link set lo multicast on"
                + " && ip link add lsd0 type veth peer name lsd1 && ip link set lsd0 up && ip link set lsd1 up"
                + " && ip -6 addr add fd00:b7::1/64 dev lsd0 nodad"
                // the link-local addresses stay "tentative" (duplicate address detection) for a moment after the
                // link comes up; a first announce sent then can be lost, and announces are not repeated for a minute
                + " && i=0; while ip -6 addr show tentative | grep -q inet6 && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done"
                + " && exec \"$0\" -cp \"$1\" " + LsdPair.class.getName() + " lo 6771 lsd0";
        List<String> cmd = List.of("unshare", "--net", "sh", "-c", script, java, System.getProperty("java.class.path"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(done && p.exitValue() == 0).as("child in a network namespace (" + why + "):\n" + text).isTrue();
        assertThat(text).contains("RESULT ipv4: a-found=5002 b-found=5001").contains("RESULT ipv6: a-found=5002 b-found=5001");
    }

    private static int freeUdpPort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true).redirectInput(new File("/dev/null")).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }
}
