package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The rarity order's structure: pieces we have leave it, availability keeps counting them, picks never meet them. */
class PiecePickerOrderTest {
    static final int B = PiecePicker.BLOCK_SIZE;

    @Test
    void randomHavesLeavesAndVerificationsKeepTheOrderConsistent() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(300);
            Bitfield start = new Bitfield(n);
            for (int i = 0; i < n; i++) if (r.nextInt(4) == 0) start.set(i);
            PiecePicker p = new PiecePicker(B, (long) n * B, start, new Random(seed));
            p.checkOrder();
            int[] expected = new int[n];
            List<Bitfield> peers = new ArrayList<>();
            for (int step = 0; step < 2_000; step++) {
                int op = r.nextInt(10);
                if (op < 4) {
                    int piece = r.nextInt(n);
                    p.peerHas(piece);
                    expected[piece]++;
                } else if (op < 6) {
                    Bitfield b = new Bitfield(n);
                    for (int i = 0; i < n; i++) if (r.nextBoolean()) b.set(i);
                    p.peerBitfield(b);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) expected[i]++;
                    peers.add(b);
                } else if (op < 7 && !peers.isEmpty()) {
                    Bitfield b = peers.remove(r.nextInt(peers.size()));
                    p.peerLeft("gone", b, false);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) expected[i]--;
                } else {
                    int piece = r.nextInt(n);
                    p.onPieceVerified(piece);
                    assertThat(p.hasPiece(piece)).isTrue();
                }
                p.checkOrder();
            }
            for (int i = 0; i < n; i++) {
                assertThat(p.availability(i)).as("seed %d piece %d", seed, i).isEqualTo(expected[i]);
            }
        }
    }

    @Test
    void batchedHavesLeaveThePickerExactlyAsOneAtATime() {
        for (long seed = 1; seed <= 20; seed++) {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(500);
            Bitfield start = new Bitfield(n);
            for (int i = 0; i < n; i++) if (r.nextInt(4) == 0) start.set(i);
            PiecePicker single = new PiecePicker(B, (long) n * B, start, new Random(seed));
            PiecePicker batched = new PiecePicker(B, (long) n * B, start, new Random(seed));
            for (int round = 0; round < 50; round++) {
                int[] batch = new int[r.nextInt(40)];
                for (int i = 0; i < batch.length; i++) batch[i] = r.nextInt(n);
                int lacked = 0;
                for (int piece : batch) {
                    single.peerHas(piece);
                    if (!single.hasPiece(piece)) lacked++;
                }
                assertThat(batched.peerHas(batch, 0, batch.length)).as("pieces lacked").isEqualTo(lacked);
                batched.checkOrder();
                // a random peer's pick, then the piece verified: both pickers must choose the same pieces
                Bitfield peer = new Bitfield(n);
                for (int i = 0; i < n; i++) if (r.nextBoolean()) peer.set(i);
                int max = 1 + r.nextInt(3);
                List<BlockRequest> a = single.pickBlocks("p" + round, peer, max, null);
                List<BlockRequest> b = batched.pickBlocks("p" + round, peer, max, null);
                assertThat(b).as("seed %d round %d", seed, round).isEqualTo(a);
                for (BlockRequest q : a) {
                    single.onPieceVerified(q.piece());
                    batched.onPieceVerified(q.piece());
                }
            }
            for (int i = 0; i < n; i++) assertThat(batched.availability(i)).isEqualTo(single.availability(i));
        }
    }

    @Test
    void picksOnlyMissingPiecesAndTheRarestOfThem() {
        int n = 4096;
        Bitfield start = new Bitfield(n);
        for (int i = 0; i < n; i++) if (i % 512 != 7) start.set(i); // 8 pieces missing: 7, 519, ...
        PiecePicker p = new PiecePicker(B, (long) n * B, start, new Random(3));
        Bitfield all = Bitfield.full(n);
        for (int k = 0; k < 5; k++) p.peerBitfield(all);
        // piece 1031 (= 2*512 + 7) is the only missing piece with fewer copies
        for (int i = 0; i < n; i++) if (i != 1031) p.peerHas(i);
        p.checkOrder();
        assertThat(p.availability(0)).isEqualTo(6);
        assertThat(p.availability(1031)).isEqualTo(5);
        List<BlockRequest> first = p.pickBlocks("a", all, 1, null);
        assertThat(first).containsExactly(new BlockRequest(1031, 0, B));
        List<Integer> rest = new ArrayList<>();
        for (BlockRequest q : p.pickBlocks("a", all, 100, null)) rest.add(q.piece());
        assertThat(rest).containsExactlyInAnyOrder(7, 519, 1543, 2055, 2567, 3079, 3591);
        p.checkOrder();
    }

    @Test
    void verifiedPieceIsNeverPickedAgainAndCountsStay() {
        int n = 64;
        PiecePicker p = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(5));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (!p.isComplete()) {
            List<BlockRequest> got = p.pickBlocks("a", all, 3, null);
            assertThat(got).isNotEmpty();
            for (BlockRequest q : got) {
                assertThat(seen.add(q.piece())).as("piece %d picked twice", q.piece()).isTrue();
                assertThat(p.onBlockReceived("a", q.piece(), q.begin()).pieceComplete()).isTrue();
                p.onPieceVerified(q.piece());
                p.peerHas(q.piece()); // another neighbour gains it: counted, not ordered
                p.checkOrder();
            }
        }
        assertThat(seen).hasSize(n);
        for (int i = 0; i < n; i++) assertThat(p.availability(i)).isEqualTo(2);
        p.peerLeft("b", all, false);
        for (int i = 0; i < n; i++) assertThat(p.availability(i)).isEqualTo(1);
        p.checkOrder();
    }
}
