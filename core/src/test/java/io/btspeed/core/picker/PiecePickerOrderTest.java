package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The rarest-first structure: pieces we have or are downloading are no candidates, availability keeps counting them,
 * picks never meet them; every pick is the rarest piece the peer offers, ties drawn at random, independent of the
 * order Haves came in.
 */
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
                // a piece we have is no longer counted: its count stays what it was when we got it
                if (op < 4) {
                    int piece = r.nextInt(n);
                    p.peerHas(piece);
                    if (!p.hasPiece(piece)) expected[piece]++;
                } else if (op < 6) {
                    Bitfield b = new Bitfield(n);
                    for (int i = 0; i < n; i++) if (r.nextBoolean()) b.set(i);
                    p.peerBitfield(b);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) if (!p.hasPiece(i)) expected[i]++;
                    peers.add(b);
                } else if (op < 7 && !peers.isEmpty()) {
                    Bitfield b = peers.remove(r.nextInt(peers.size()));
                    p.peerLeft("gone", b, false);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) if (!p.hasPiece(i)) expected[i]--;
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

    /** Counts are bit-sliced in eight planes until one passes 255; the wider planes count and pick the same. */
    @Test
    void countsPast255AndBackStayExact() {
        int n = 130;
        Bitfield start = new Bitfield(n);
        for (int i = 120; i < 124; i++) start.set(i); // past the random first pieces: rarest first
        PiecePicker p = new PiecePicker(B, (long) n * B, start, new Random(11));
        Bitfield all = Bitfield.full(n), odd = new Bitfield(n);
        for (int i = 1; i < n; i += 2) odd.set(i);
        for (int k = 0; k < 300; k++) p.peerBitfield(all);
        for (int k = 0; k < 2; k++) p.peerBitfield(odd);
        p.peerHas(129);
        p.checkOrder();
        assertThat(p.availability(0)).isEqualTo(300);
        assertThat(p.availability(1)).isEqualTo(302);
        assertThat(p.availability(129)).isEqualTo(303);
        // the even pieces are the rarest: every pick from a full peer is one of them
        for (int k = 0; k < 20; k++) {
            int piece = p.pickBlocks("a", all, 1, null).get(0).piece();
            assertThat(piece % 2).as("pick %d", k).isZero();
        }
        for (int k = 0; k < 299; k++) p.peerLeft("x" + k, all, false);
        p.checkOrder();
        assertThat(p.availability(0)).isEqualTo(1);
        assertThat(p.availability(1)).isEqualTo(3);
        assertThat(p.availability(129)).isEqualTo(4);
        p.peerLeft("y", all, false);
        // piece 0 has no count left: one more departure holding it is refused without changing any count
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.peerLeft("z", all, false))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("would go negative");
        assertThat(p.availability(1)).isEqualTo(2);
        p.checkOrder();
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
        assertThat(p.availability(0)).as("had from the start: not counted").isZero();
        assertThat(p.availability(7)).isEqualTo(6);
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
                p.peerHas(q.piece()); // another neighbour gains it: we have it, so its count stays
                p.checkOrder();
            }
        }
        assertThat(seen).hasSize(n);
        for (int i = 0; i < n; i++) assertThat(p.availability(i)).isEqualTo(1);
        p.peerLeft("b", all, false);
        for (int i = 0; i < n; i++) assertThat(p.availability(i)).as("counts stop when a piece is had").isEqualTo(1);
        p.checkOrder();
    }

    /**
     * Random Haves, bitfields, departures, seeds, priorities, allowed-fast sets and verifications; after each step a
     * pick for a random peer is checked against a brute-force reading of the rule: a piece the peer offers (and
     * allows), that we lack, is not under way and has priority > 0; of the highest priority offered; of the lowest
     * availability among those; and not a piece nobody announced unless a seed is here.
     */
    @Test
    void everyPickIsTheRarestOfferedPieceByBruteForce() {
        for (long seed = 1; seed <= 30; seed++) {
            Random r = new Random(seed);
            int n = 1 + r.nextInt(400);
            Bitfield start = new Bitfield(n);
            for (int i = 0; i < n; i++) if (r.nextInt(5) == 0) start.set(i);
            PiecePicker p = new PiecePicker(B, (long) n * B, start, new Random(seed));
            int[] count = new int[n];
            int seeds = 0;
            byte[] prio = new byte[n];
            java.util.Arrays.fill(prio, (byte) 1);
            java.util.Set<Integer> underWay = new java.util.HashSet<>();
            List<Bitfield> peers = new ArrayList<>();
            for (int step = 0; step < 400; step++) {
                int op = r.nextInt(20);
                if (op < 8) {
                    int piece = r.nextInt(n);
                    p.peerHas(piece);
                    count[piece]++;
                } else if (op < 10) {
                    Bitfield b = new Bitfield(n);
                    for (int i = 0; i < n; i++) if (r.nextInt(3) == 0) b.set(i);
                    p.peerBitfield(b);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) count[i]++;
                    peers.add(b);
                } else if (op < 11 && !peers.isEmpty()) {
                    Bitfield b = peers.remove(r.nextInt(peers.size()));
                    p.peerForgot(b, false);
                    for (int i = b.nextSetBit(0); i >= 0; i = b.nextSetBit(i + 1)) count[i]--;
                } else if (op < 12) {
                    if (seeds > 0 && r.nextBoolean()) {
                        p.peerForgot(null, true);
                        seeds--;
                    } else {
                        p.peerHasAll();
                        seeds++;
                    }
                } else if (op < 13 && seed % 3 == 0) {
                    // several priorities in use on a third of the seeds
                    int piece = r.nextInt(n);
                    prio[piece] = (byte) r.nextInt(4);
                    p.setPriority(piece, prio[piece]);
                } else if (op < 14 && !underWay.isEmpty()) {
                    int piece = underWay.iterator().next();
                    underWay.remove(piece);
                    if (r.nextBoolean()) p.onPieceVerified(piece);
                    else p.abandonPiece(piece);
                } else if (op < 15) {
                    int piece = r.nextInt(n);
                    if (!underWay.contains(piece)) p.onPieceVerified(piece);
                }
                p.checkOrder();
                Bitfield offer = new Bitfield(n);
                for (int i = 0; i < n; i++) if (r.nextInt(3) > 0) offer.set(i);
                Bitfield fast = null;
                if (r.nextInt(8) == 0) {
                    fast = new Bitfield(n);
                    for (int i = 0; i < n; i++) if (r.nextInt(4) == 0) fast.set(i);
                }
                int bestPrio = 0, bestCount = Integer.MAX_VALUE;
                java.util.Set<Integer> best = new java.util.HashSet<>();
                for (int i = 0; i < n; i++) {
                    if (!offer.get(i) || (fast != null && !fast.get(i)) || p.hasPiece(i) || underWay.contains(i) || prio[i] == 0) continue;
                    if (count[i] == 0 && seeds == 0) continue;
                    if (prio[i] > bestPrio || (prio[i] == bestPrio && count[i] < bestCount)) {
                        bestPrio = prio[i];
                        bestCount = count[i];
                        best.clear();
                    }
                    if (prio[i] == bestPrio && count[i] == bestCount) best.add(i);
                }
                boolean randomStart = p.have().cardinality() < PiecePicker.RANDOM_FIRST_PIECES;
                List<BlockRequest> got = p.pickBlocks("peer" + step, offer, 1, fast);
                if (best.isEmpty()) {
                    // nothing fresh: at most an endgame duplicate of a piece under way
                    assertThat(got).as("seed %d step %d: nothing fresh to pick", seed, step)
                            .allMatch(q -> underWay.contains(q.piece()) && p.inEndgame());
                    continue;
                }
                assertThat(got).as("seed %d step %d", seed, step).hasSize(1);
                int piece = got.getFirst().piece();
                java.util.Set<Byte> positive = new java.util.HashSet<>();
                for (byte x : prio) if (x > 0) positive.add(x);
                if (randomStart && positive.size() <= 1) {
                    // the first pieces: any offered candidate, rarity aside
                    assertThat(offer.get(piece) && !p.hasPiece(piece) && !underWay.contains(piece)).isTrue();
                } else {
                    assertThat(best).as("seed %d step %d: counts %d, prio %d", seed, step, count[piece], prio[piece]).contains(piece);
                }
                underWay.add(piece);
                assertThat(p.availability(piece)).isEqualTo(count[piece] + seeds);
            }
        }
    }

    /** Equally rare pieces are drawn uniformly: over many pickers, each of 8 tied pieces comes first about 1/8 of the time. */
    @Test
    void equallyRarePiecesAreDrawnUniformly() {
        int n = 64;
        int[] firsts = new int[n];
        int runs = 4000;
        for (int seed = 0; seed < runs; seed++) {
            // java.util.Random's first draws are correlated across neighbouring seeds: mix them
            PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4), new Random(new java.util.SplittableRandom(seed).nextLong()));
            Bitfield all = Bitfield.full(n);
            for (int k = 0; k < 3; k++) p.peerBitfield(all);
            // pieces 10, 17, ..., 59 have one copy fewer than the rest: the rarest, tied among themselves
            for (int i = 0; i < n; i++) if (i < 10 || (i - 10) % 7 != 0) p.peerHas(i);
            firsts[p.pickBlocks("a", all, 1, null).getFirst().piece()]++;
        }
        for (int i = 0; i < n; i++) {
            boolean rare = i >= 10 && (i - 10) % 7 == 0;
            if (!rare) assertThat(firsts[i]).as("piece %d is not the rarest", i).isZero();
            // 500 expected of each; 6 standard deviations (~20) either side
            else assertThat(firsts[i]).as("piece %d", i).isBetween(380, 620);
        }
    }

    /** The tie-break depends on the seed and the state, not on the order the Haves arrived in. */
    @Test
    void theSameCountsReachedInAnotherOrderGiveTheSamePicks() {
        Random r = new Random(11);
        int n = 300;
        int[] haves = new int[3000];
        for (int i = 0; i < haves.length; i++) haves[i] = r.nextInt(n);
        int[] reversed = new int[haves.length];
        for (int i = 0; i < haves.length; i++) reversed[i] = haves[haves.length - 1 - i];
        PiecePicker a = new PiecePicker(B, (long) n * B, haveFirst(n, 10), new Random(5));
        PiecePicker b = new PiecePicker(B, (long) n * B, haveFirst(n, 10), new Random(5));
        for (int x : haves) a.peerHas(x);
        for (int x : reversed) b.peerHas(x);
        Bitfield all = Bitfield.full(n);
        for (int k = 0; k < 50; k++) {
            assertThat(b.pickBlocks("p", all, 1, null)).isEqualTo(a.pickBlocks("p", all, 1, null));
        }
    }

    static Bitfield haveFirst(int n, int count) {
        Bitfield b = new Bitfield(n);
        for (int i = 0; i < count; i++) b.set(i);
        return b;
    }
}
