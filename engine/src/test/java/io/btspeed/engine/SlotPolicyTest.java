package io.btspeed.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.choke.ChokeContext;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import io.btspeed.protocol.metainfo.Metainfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The torrent's choking is decided by the SlotPolicy it was given: the seam where the market plugs in. */
class SlotPolicyTest {
    @TempDir
    Path tmp;

    /** Unchokes every interested peer once opened; before that nobody. Records what it was asked. */
    static final class Gate implements SlotPolicy {
        volatile boolean open;
        final List<ChokeContext> contexts = new CopyOnWriteArrayList<>();
        final List<PeerStats> seen = new CopyOnWriteArrayList<>();

        @Override
        public UnchokeDecision decide(List<PeerStats> peers, ChokeContext ctx) {
            contexts.add(ctx);
            seen.addAll(peers);
            Set<Integer> unchoked = new HashSet<>();
            if (open) for (PeerStats p : peers) if (p.interested()) unchoked.add(p.key());
            return new UnchokeDecision(unchoked, -1, Set.of());
        }
    }

    @Test
    @Timeout(60)
    void aPolicyThatUnchokesNobodyServesOnlyAllowedFastPiecesThenOpeningItCompletesTheDownload() throws Exception {
        Path seedDir = tmp.resolve("seed"), leechDir = tmp.resolve("leech");
        int pieceLength = 16 * 1024, pieces = 64;
        Metainfo m = TestTorrents.singleFile(seedDir, "data.bin", pieces * pieceLength, pieceLength, 7);
        Gate gate = new Gate();
        try (Session seeder = Session.start(SessionConfig.defaults());
             Session leecher = Session.start(SessionConfig.defaults())) {
            seeder.add(AddTorrentParams.of(m, seedDir).withTrackers(false).withSlotPolicy(gate)).completion().get(30, TimeUnit.SECONDS);
            TorrentHandle l = leecher.add(AddTorrentParams.of(m, leechDir).withTrackers(false)
                    .withPeers(List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), seeder.listenPort()))));
            // wait until the policy has seen the leecher interested, then a little for any leak to show
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (gate.seen.stream().noneMatch(PeerStats::interested) && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(gate.seen).as("the policy was consulted about an interested leecher").anyMatch(PeerStats::interested);
            Thread.sleep(1500);
            // choked, the leecher may only fetch the BEP 6 allowed-fast set (10 pieces)
            assertThat(l.status().wantedDoneBytes()).isLessThanOrEqualTo(10L * pieceLength);
            assertThat(l.completion()).isNotDone();

            gate.open = true;
            l.completion().get(40, TimeUnit.SECONDS);
            assertThat(l.status().wantedDoneBytes()).isEqualTo(m.totalLength());
            // the policy gets the regular slots plus one for the optimistic unchoke
            int regular = SessionConfig.defaults().uploadSlots();
            assertThat(gate.contexts).allMatch(c -> c.slots() == regular + 1 && c.seeding());
        }
        TestTorrents.assertSameTree(seedDir, leechDir);
    }
}
