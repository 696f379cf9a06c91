package io.btspeed.engine.tracker;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.InetSocketAddress;

/**
 * Fuzz targets for the two decoders of tracker bytes. Any input may be rejected, but only with a
 * {@link TrackerException}; whatever is accepted must satisfy the response invariants. Without
 * JAZZER_FUZZ=1 the seed corpus in src/test/resources/.../TrackerResponseFuzzTestInputs/METHOD/ runs as
 * regression tests. Fuzz longer: JAZZER_FUZZ=1 ./mvnw -pl engine test -Dtest=TrackerResponseFuzzTest#httpAnnounce
 */
class TrackerResponseFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void httpAnnounce(byte[] body) {
        HttpAnnounceReply reply;
        try {
            reply = HttpAnnounceParser.parse(body, "http://fuzz/announce");
        } catch (TrackerException expected) {
            return;
        }
        AnnounceResponse r = reply.response();
        if (r.intervalSeconds() < 0 || r.intervalSeconds() > 86_400 || r.minIntervalSeconds() < 0) {
            throw new AssertionError("interval out of range: " + r);
        }
        if (r.seeders() < -1 || r.leechers() < -1) throw new AssertionError("negative count: " + r);
        checkPeers(r);
        if (r.peers().size() != r.peers().stream().distinct().count()) throw new AssertionError("duplicate peers");
    }

    @FuzzTest(maxDuration = "10s")
    void udpReply(byte[] datagram) {
        for (int width : new int[] {4, 16}) {
            UdpReply reply;
            try {
                reply = UdpTrackerPackets.decode(datagram, datagram.length, width);
            } catch (TrackerException expected) {
                continue;
            }
            switch (reply) {
                case UdpReply.Announce a -> {
                    if (a.intervalSeconds() < 0 || a.seeders() < 0 || a.leechers() < 0) throw new AssertionError("negative: " + a);
                    checkPeers(new AnnounceResponse(a.intervalSeconds(), 0, a.peers(), a.seeders(), a.leechers(), null));
                    roundTrip(a, width);
                }
                case UdpReply.Connect c -> roundTrip(c, width);
                case UdpReply.Error e -> {
                    if (e.message().chars().anyMatch(Character::isISOControl)) throw new AssertionError("control char kept");
                }
            }
        }
    }

    /**
     * Encoding what we decoded and decoding again gives the same reply. Skipped when an IPv6 reply held
     * IPv4-mapped addresses: those come back as plain IPv4 peers (dialable as such), so they re-encode shorter.
     */
    private static void roundTrip(UdpReply reply, int width) {
        if (reply instanceof UdpReply.Announce a
                && a.peers().stream().anyMatch(p -> p.getAddress().getAddress().length != width)) {
            return;
        }
        byte[] again = UdpTrackerPackets.encode(reply);
        try {
            if (!UdpTrackerPackets.decode(again, again.length, width).equals(reply)) throw new AssertionError("round trip changed " + reply);
        } catch (TrackerException e) {
            throw new AssertionError("own encoding rejected: " + e.getMessage(), e);
        }
    }

    private static void checkPeers(AnnounceResponse r) {
        for (InetSocketAddress p : r.peers()) {
            if (p.isUnresolved() || p.getPort() < 1 || p.getPort() > 65535) throw new AssertionError("bad peer " + p);
        }
    }
}
