package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PiecePickerTest {
    static final int B = PiecePicker.BLOCK_SIZE;

    static Bitfield bits(int n, int... set) {
        Bitfield b = new Bitfield(n);
        for (int i : set) b.set(i);
        return b;
    }

    static Bitfield haveFirst(int n, int count) {
        Bitfield b = new Bitfield(n);
        for (int i = 0; i < count; i++) b.set(i);
        return b;
    }

    @Test
    void geometryHasShortLastBlockAndPiece() {
        // 3 pieces of 32 KiB + 1000 bytes -> last piece 1000 bytes; pieces of 40 KiB would not be power-of-two but block math still holds
        PiecePicker p = new PiecePicker(2 * B, 2L * 2 * B + 1000, new Bitfield(3), new Random(1));
        assertThat(p.blocksInPiece(0)).isEqualTo(2);
        assertThat(p.blocksInPiece(2)).isEqualTo(1);
        assertThat(p.blockLength(2, 0)).isEqualTo(1000);
        PiecePicker q = new PiecePicker(4 * B, 4L * B + 2 * B + 5, new Bitfield(2), new Random(1));
        assertThat(q.blocksInPiece(1)).isEqualTo(3);
        assertThat(q.blockLength(1, 2)).isEqualTo(5);
    }

    @Test
    void rarestFirstAfterRandomStart() {
        int n = 20;
        // we already have 4 pieces, so rarest-first applies
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4), new Random(7));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        p.peerBitfield(all);
        Bitfield rare = bits(n, 13);
        p.peerBitfield(rare);
        // pieces 0..3 had; piece 13 has availability 3, everything else 2 -> 13 is the commonest now.
        Bitfield mid = bits(n, 9);
        // give everything except 9 one more copy: then 9 is rarest
        for (int i = 0; i < n; i++) if (i != 9) p.peerHas(i);
        assertThat(p.availability(9)).isEqualTo(2);
        List<BlockRequest> r = p.pickBlocks("a", all, 1, null);
        assertThat(r).containsExactly(new BlockRequest(9, 0, B));
        assertThat(mid.get(9)).isTrue();
    }

    @Test
    void rarestTieBreakIsRandomButSeeded() {
        int n = 64;
        Set<Integer> firsts = new HashSet<>();
        for (int seed = 0; seed < 20; seed++) {
            int first = firstPick(seed, n);
            assertThat(first).isGreaterThanOrEqualTo(4);
            assertThat(firstPick(seed, n)).as("same seed, same pick").isEqualTo(first);
            firsts.add(first);
        }
        assertThat(firsts).hasSizeGreaterThan(5);
    }

    private static int firstPick(int seed, int n) {
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4), new Random(seed));
        p.peerBitfield(Bitfield.full(n));
        return p.pickBlocks("a", Bitfield.full(n), 1, null).getFirst().piece();
    }

    @Test
    void finishesPartialPiecesFirst() {
        int n = 10;
        PiecePicker p = new PiecePicker(4 * B, (long) n * 4 * B, haveFirst(n, 4), new Random(3));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> a = p.pickBlocks("a", all, 2, null);
        assertThat(a).hasSize(2);
        int piece = a.getFirst().piece();
        assertThat(a).allMatch(r -> r.piece() == piece);
        // another peer continues the same piece rather than starting a new one
        List<BlockRequest> b = p.pickBlocks("b", all, 2, null);
        assertThat(b).extracting(BlockRequest::piece).containsOnly(piece);
        assertThat(b).extracting(BlockRequest::begin).containsExactly(2 * B, 3 * B);
    }

    @Test
    void priorityZeroIsNeverDownloadedAndHigherGoesFirst() {
        int n = 8;
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4), new Random(3));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        p.setPriority(4, 0);
        p.setPriority(5, 0);
        p.setPriority(7, 5);
        List<BlockRequest> r = p.pickBlocks("a", all, 10, null);
        assertThat(r).extracting(BlockRequest::piece).containsExactly(7, 6);
    }

    @Test
    void chokedPeerOnlyGivesAllowedFastPieces() {
        int n = 8;
        PiecePicker p = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(3));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> r = p.pickBlocks("a", all, 10, bits(n, 2, 5));
        assertThat(r).extracting(BlockRequest::piece).containsExactlyInAnyOrder(2, 5);
    }

    @Test
    void endgameDuplicatesAndCancelsOnArrival() {
        int n = 1;
        PiecePicker p = new PiecePicker(2 * B, 2L * B, new Bitfield(n), new Random(3), 2);
        Bitfield all = Bitfield.full(n);
        p.peerHasAll();
        assertThat(p.pickBlocks("a", all, 10, null)).hasSize(2);
        assertThat(p.inEndgame()).isTrue();
        List<BlockRequest> dup = p.pickBlocks("b", all, 10, null);
        assertThat(dup).containsExactly(new BlockRequest(0, 0, B), new BlockRequest(0, B, B));
        // bounded: a third peer gets nothing (max 2 requesters per block)
        assertThat(p.pickBlocks("c", all, 10, null)).isEmpty();
        BlockResult first = p.onBlockReceived("b", 0, 0);
        assertThat(first.kind()).isEqualTo(BlockResult.Kind.NEW);
        assertThat(first.cancelPeers()).containsExactly("a");
        assertThat(p.outstandingCount("a")).isEqualTo(1);
        // the cancelled copy arriving anyway is a duplicate
        assertThat(p.onBlockReceived("a", 0, 0).kind()).isEqualTo(BlockResult.Kind.UNREQUESTED);
        BlockResult last = p.onBlockReceived("a", 0, B);
        assertThat(last.pieceComplete()).isTrue();
        assertThat(last.cancelPeers()).containsExactly("b");
        p.onPieceVerified(0);
        assertThat(p.isComplete()).isTrue();
        assertThat(p.outstandingCount("a") + p.outstandingCount("b")).isZero();
    }

    @Test
    void failedPieceIsRefetchedAndContributorsReported() {
        int n = 2;
        PiecePicker p = new PiecePicker(2 * B, 4L * B, new Bitfield(n), new Random(3));
        p.peerHasAll();
        Bitfield all = Bitfield.full(n);
        List<BlockRequest> a = p.pickBlocks("a", all, 1, null);
        List<BlockRequest> b = p.pickBlocks("b", all, 1, null);
        int piece = a.getFirst().piece();
        assertThat(b.getFirst().piece()).isEqualTo(piece);
        p.onBlockReceived("a", piece, a.getFirst().begin());
        assertThat(p.onBlockReceived("b", piece, b.getFirst().begin()).pieceComplete()).isTrue();
        assertThat(p.onPieceFailed(piece)).containsExactlyInAnyOrder("a", "b");
        assertThat(p.hasPiece(piece)).isFalse();
        List<BlockRequest> again = p.pickBlocks("c", bits(n, piece), 10, null);
        assertThat(again).extracting(BlockRequest::piece).containsOnly(piece);
        assertThat(again).hasSize(2);
    }

    /** Contributors are exact with several senders, and an entry used again (after a failed piece) starts with none. */
    @Test
    void contributorsOfAReusedEntryAreOnlyItsNewSenders() {
        PiecePicker p = new PiecePicker(4 * B, 4L * B, new Bitfield(1), new Random(5));
        p.peerHasAll();
        Bitfield all = Bitfield.full(1);
        String[] senders = {"a", "b", "c", "b"};
        for (int i = 0; i < 4; i++) {
            List<BlockRequest> r = p.pickBlocks(senders[i], all, 1, null);
            assertThat(r).hasSize(1);
            p.onBlockReceived(senders[i], 0, r.getFirst().begin());
        }
        assertThat(p.onPieceFailed(0)).containsExactlyInAnyOrder("a", "b", "c");
        List<BlockRequest> again = p.pickBlocks("d", all, 4, null);
        assertThat(again).hasSize(4);
        for (BlockRequest r : again) p.onBlockReceived("d", 0, r.begin());
        assertThat(p.onPieceFailed(0)).containsExactly("d");
    }

    @Test
    void peerGoneAndRejectFreeBlocks() {
        int n = 4;
        PiecePicker p = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(3));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> a = p.pickBlocks("a", all, 4, null);
        assertThat(a).hasSize(4);
        assertThat(p.outstandingCount("a")).isEqualTo(4);
        p.onRequestRejected("a", a.getFirst().piece(), 0);
        assertThat(p.pickBlocks("b", all, 1, null)).containsExactly(a.getFirst());
        assertThat(p.inEndgame()).isTrue();
        p.peerLeft("a", all, false);
        assertThat(p.availability(0)).isZero();
        assertThat(p.outstandingCount("a")).isZero();
        // b is the only source left; unrequested block from a is flagged
        p.peerBitfield(all);
        List<BlockRequest> b = p.pickBlocks("b", all, 10, null);
        assertThat(b).hasSize(3);
        assertThat(p.onBlockReceived("zz", 0, 0).kind()).isEqualTo(BlockResult.Kind.UNREQUESTED);
    }

    /** Whole-torrent run: peers with different partial bitfields, random delivery order, one corrupt piece. */
    @Test
    void completesTorrentWithSeveralPeers() {
        for (long seed = 1; seed <= 5; seed++) {
            Random rnd = new Random(seed);
            int n = 300;
            int pieceLen = 4 * B;
            long total = (long) (n - 1) * pieceLen + 3 * B + 77;
            PiecePicker p = new PiecePicker(pieceLen, total, new Bitfield(n), new Random(seed));
            int peers = 6;
            Bitfield[] has = new Bitfield[peers];
            for (int i = 0; i < peers; i++) {
                has[i] = new Bitfield(n);
                for (int x = 0; x < n; x++) if (rnd.nextInt(3) == 0) has[i].set(x);
            }
            has[0].setAll(); // one seed so the torrent is completable
            for (Bitfield h : has) p.peerBitfield(h);
            Map<Integer, List<BlockRequest>> inflight = new HashMap<>();
            int corrupt = 17;
            boolean corrupted = false;
            int steps = 0;
            while (!p.isComplete()) {
                assertThat(++steps).as("seed %d does not finish", seed).isLessThan(100_000);
                int peer = rnd.nextInt(peers);
                List<BlockRequest> q = inflight.computeIfAbsent(peer, k -> new ArrayList<>());
                q.addAll(p.pickBlocks(peer, has[peer], 8 - q.size(), null));
                if (q.isEmpty()) continue;
                BlockRequest r = q.remove(rnd.nextInt(q.size()));
                assertThat(has[peer].get(r.piece())).isTrue();
                assertThat(r.length()).isEqualTo(p.blockLength(r.piece(), r.begin() / B));
                BlockResult res = p.onBlockReceived(peer, r.piece(), r.begin());
                for (Object c : res.cancelPeers()) inflight.get(c).remove(r);
                if (res.pieceComplete()) {
                    if (r.piece() == corrupt && !corrupted) {
                        corrupted = true;
                        assertThat(p.onPieceFailed(r.piece())).isNotEmpty();
                    } else {
                        p.onPieceVerified(r.piece());
                    }
                }
            }
            assertThat(corrupted).isTrue();
            assertThat(p.have().cardinality()).isEqualTo(n);
        }
    }

    @Test
    void bigTorrentAvailabilityBuckets() {
        int n = 65_536;
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4), new Random(9));
        Random r = new Random(1);
        Bitfield[] peers = new Bitfield[30];
        for (int i = 0; i < peers.length; i++) {
            peers[i] = new Bitfield(n);
            for (int x = 0; x < n; x++) if (r.nextInt(4) != 0) peers[i].set(x);
            p.peerBitfield(peers[i]);
        }
        for (int i = 0; i < 10; i++) p.peerLeft("gone" + i, peers[i], false);
        int min = Integer.MAX_VALUE;
        int[] ref = new int[n];
        for (int i = 10; i < peers.length; i++) for (int x = 0; x < n; x++) if (peers[i].get(x)) ref[x]++;
        for (int x = 0; x < n; x++) {
            // pieces 0..3 were had from the start: never counted
            assertThat(p.availability(x)).isEqualTo(x < 4 ? 0 : ref[x]);
            if (x >= 4 && ref[x] > 0) min = Math.min(min, ref[x]);
        }
        BlockRequest first = p.pickBlocks("a", Bitfield.full(n), 1, null).getFirst();
        assertThat(ref[first.piece()]).isEqualTo(min);
    }

    @Test
    void piecesInProgressAreBoundedButPartialPiecesStillFill() {
        int n = 10;
        PiecePicker p = new PiecePicker(2 * B, (long) n * 2 * B, haveFirst(n, 4), new Random(5));
        p.setMaxPiecesInProgress(2);
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> a = p.pickBlocks("a", all, 10, null);
        assertThat(a).as("two pieces of two blocks, then the bound").hasSize(4);
        assertThat(p.piecesInProgress()).isEqualTo(2);
        // a complete piece waiting for its hash still holds its place
        BlockRequest r0 = a.get(0), r1 = a.get(1);
        p.onBlockReceived("a", r0.piece(), r0.begin());
        assertThat(p.onBlockReceived("a", r1.piece(), r1.begin()).pieceComplete()).isTrue();
        assertThat(p.pickBlocks("b", all, 10, null)).as("no room and no endgame yet").isEmpty();
        p.onPieceVerified(r0.piece());
        assertThat(p.piecesInProgress()).isEqualTo(1);
        assertThat(p.pickBlocks("b", all, 10, null)).hasSize(2);
    }

    @Test
    void abortedPayloadFreesTheBlockAndAbandonedPieceStartsOver() {
        int n = 4;
        PiecePicker p = new PiecePicker(2 * B, (long) n * 2 * B, haveFirst(n, 3), new Random(5));
        Bitfield all = Bitfield.full(n);
        p.peerHasAll();
        List<BlockRequest> a = p.pickBlocks("a", all, 2, null);
        assertThat(a).extracting(BlockRequest::piece).containsOnly(3);
        assertThat(p.isRequested("a", 3, B)).isTrue();
        assertThat(p.isRequested("a", 3, 100)).as("not a block offset").isFalse();
        assertThat(p.isRequested("b", 3, B)).isFalse();
        assertThat(p.onBlockReceived("a", 3, B).kind()).isEqualTo(BlockResult.Kind.NEW);
        assertThat(p.isRequested("a", 3, B)).as("claimed").isFalse();
        p.onBlockAborted(3, B);
        // the freed block first, then (endgame) a duplicate of the one still owed by a
        assertThat(p.pickBlocks("b", all, 5, null)).containsExactly(new BlockRequest(3, B, B), new BlockRequest(3, 0, B));
        p.abandonPiece(3);
        assertThat(p.piecesInProgress()).isZero();
        assertThat(p.outstandingCount("a") + p.outstandingCount("b")).isZero();
        assertThat(p.pickBlocks("c", all, 5, null)).hasSize(2);
        p.onBlockAborted(2, 0); // a piece not under way: nothing to give back
    }

    @Test
    void cancelAllReturnsWhatWasOutAndFreesIt() {
        int n = 4;
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 4 - 3), new Random(2));
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> a = p.pickBlocks("a", all, 2, null);
        assertThat(p.cancelAll("a")).containsExactlyInAnyOrderElementsOf(a);
        assertThat(p.outstandingCount("a")).isZero();
        assertThat(p.cancelAll("a")).isEmpty();
        assertThat(p.onRequestRejected("a", a.getFirst().piece(), 0)).isFalse();
        List<BlockRequest> b = p.pickBlocks("b", all, 3, null);
        assertThat(b).containsAll(a);
        assertThat(p.onRequestRejected("b", b.getFirst().piece(), b.getFirst().begin())).isTrue();
        assertThat(p.onRequestRejected("b", -1, 0)).isFalse();
    }

    @Test
    void interestFollowsWantedMissingPiecesAndForgettingABitfieldUndoesIt() {
        int n = 6;
        PiecePicker p = new PiecePicker(B, (long) n * B, haveFirst(n, 2), new Random(2));
        assertThat(p.isInteresting(bits(n, 0, 1))).as("only pieces we have").isFalse();
        assertThat(p.isInteresting(bits(n, 1, 4))).isTrue();
        p.setPriority(4, 0);
        assertThat(p.isInteresting(bits(n, 1, 4))).as("only a skipped piece").isFalse();
        Bitfield some = bits(n, 3, 5);
        p.peerBitfield(some);
        p.peerHasAll();
        assertThat(p.availability(3)).isEqualTo(2);
        p.peerForgot(some, false);
        p.peerForgot(null, true);
        for (int i = 0; i < n; i++) assertThat(p.availability(i)).isZero();
    }

    @Test
    void countsWidenPastEightPlanesAndStopAtSixteenUnchanged() {
        PiecePicker p = new PiecePicker(B, 130L * B, new Bitfield(130), new Random(1));
        // piece 65 (word 1) and piece 129 (word 2) grow alongside: one add touches both through the batched path
        for (int i = 0; i < 300; i++) p.peerHas(new int[] {65, 129}, 0, 2);
        assertThat(p.availability(65)).isEqualTo(300);
        assertThat(p.availability(129)).isEqualTo(300);
        for (int i = 300; i < 65_535; i++) p.peerHas(65);
        assertThat(p.availability(65)).isEqualTo(65_535);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.peerHas(65))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("piece 65");
        // the failed add changed nothing: the count and its neighbours stand, and it still goes down by one
        assertThat(p.availability(65)).isEqualTo(65_535);
        assertThat(p.availability(64)).isZero();
        assertThat(p.availability(129)).isEqualTo(300);
        Bitfield one = new Bitfield(130);
        one.set(65);
        p.peerForgot(one, false);
        assertThat(p.availability(65)).isEqualTo(65_534);
        p.checkOrder();
    }

    static final class Handle extends PeerHandle {}

    @Test
    void outstandingCountsAHandlesRequestsAndPrefetchChangesNothing() {
        PiecePicker p = new PiecePicker(2 * B, 4L * 2 * B, new Bitfield(4), new Random(7));
        Handle h = new Handle();
        assertThat(h.outstanding()).isZero();
        p.peerBitfield(bits(4, 0, 1, 2, 3));
        List<BlockRequest> got = p.pickBlocks(h, bits(4, 0, 1, 2, 3), 3, null);
        assertThat(got).hasSize(3);
        assertThat(h.outstanding()).isEqualTo(3).isEqualTo(p.outstandingCount(h));
        // reading entries, under way or not, out of range too, leaves every request and piece as it was
        for (int piece = -1; piece <= 4; piece++) p.prefetch(piece);
        assertThat(p.outstandingCount(h)).isEqualTo(3);
        assertThat(p.piecesInProgress()).isEqualTo(got.stream().map(BlockRequest::piece).distinct().count());
        p.checkOrder();
        BlockRequest first = got.get(0);
        p.onBlockReceived(h, first.piece(), first.begin());
        assertThat(h.outstanding()).isEqualTo(2);
        p.onPeerGone(h);
        assertThat(h.outstanding()).isZero();
    }

    /** The loads ahead for Haves and arrivals change nothing: a picker that makes them picks what one that does not. */
    @Test
    void prefetchesForHavesAndArrivalsChangeNothing() {
        int n = 300;
        PiecePicker plain = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(11));
        PiecePicker warmed = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(11));
        Random r = new Random(5);
        for (int round = 0; round < 40; round++) {
            int[] haves = new int[r.nextInt(30)];
            for (int i = 0; i < haves.length; i++) haves[i] = r.nextInt(n);
            warmed.prefetchHaves();
            assertThat(warmed.peerHas(haves, 0, haves.length)).isEqualTo(plain.peerHas(haves, 0, haves.length));
            Bitfield peer = new Bitfield(n);
            for (int i = 0; i < n; i++) if (r.nextBoolean()) peer.set(i);
            List<BlockRequest> a = plain.pickBlocks("p", peer, 2, null);
            warmed.prefetchArrivals();
            List<BlockRequest> b = warmed.pickBlocks("p", peer, 2, null);
            assertThat(b).as("round %d", round).isEqualTo(a);
            for (BlockRequest q : a) {
                warmed.prefetchArrivals();
                assertThat(warmed.onBlockReceived("p", q.piece(), q.begin()).kind()).isEqualTo(plain.onBlockReceived("p", q.piece(), q.begin()).kind());
                plain.onPieceVerified(q.piece());
                warmed.onPieceVerified(q.piece());
            }
            warmed.checkOrder();
        }
        for (int i = 0; i < n; i++) assertThat(warmed.availability(i)).isEqualTo(plain.availability(i));
        assertThat(warmed.have()).isEqualTo(plain.have());
    }

    /** A batch of Haves with one piece many times over, past 255 in one batch, counts exactly as Haves one at a time. */
    @Test
    void batchWithOnePieceManyTimesCountsLikeSingleHaves() {
        int n = 200;
        PiecePicker batched = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(3));
        PiecePicker single = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(3));
        int[] batch = new int[700];
        Random r = new Random(9);
        for (int i = 0; i < batch.length; i++) batch[i] = i % 2 == 0 ? 70 : r.nextInt(n); // 350 of piece 70
        for (int piece : batch) single.peerHas(piece);
        assertThat(batched.peerHas(batch, 0, batch.length)).isEqualTo(batch.length);
        for (int i = 0; i < n; i++) assertThat(batched.availability(i)).as("piece %d", i).isEqualTo(single.availability(i));
        assertThat(batched.availability(70)).isGreaterThanOrEqualTo(350);
        batched.checkOrder();
        // and the batch given again on top: counts that were already wide go on the same way
        for (int piece : batch) single.peerHas(piece);
        batched.peerHas(batch, 0, batch.length);
        for (int i = 0; i < n; i++) assertThat(batched.availability(i)).as("piece %d", i).isEqualTo(single.availability(i));
    }

    /** Near the largest count a batch goes one Have at a time: the Have that would pass it fails alone. */
    @Test
    void batchNearTheLargestCountFailsOnlyTheHaveThatPassesIt() {
        PiecePicker p = new PiecePicker(B, 130L * B, new Bitfield(130), new Random(1));
        for (int i = 0; i < 65_534; i++) p.peerHas(3);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> p.peerHas(new int[] {4, 3, 3}, 0, 3))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("piece 3");
        assertThat(p.availability(3)).isEqualTo(65_535);
        assertThat(p.availability(4)).isEqualTo(1);
        p.checkOrder();
    }

    /**
     * A picker sharing its caller's bitfield sets verified pieces there, picks exactly as a copying one does, and never
     * picks a piece the shared bitfield has.
     */
    @Test
    void sharingHaveSetsVerifiedPiecesInTheCallersBitfieldAndPicksAsACopyingPickerDoes() {
        int n = 40;
        Bitfield mine = haveFirst(n, 5);
        PiecePicker shared = PiecePicker.sharingHave(B, (long) n * B, mine, new Random(11));
        PiecePicker copying = new PiecePicker(B, (long) n * B, haveFirst(n, 5), new Random(11));
        Bitfield all = Bitfield.full(n);
        for (PiecePicker p : List.of(shared, copying)) {
            p.peerBitfield(all);
            p.peerBitfield(bits(n, 7, 8, 9));
        }
        for (int round = 0; round < n - 5; round++) {
            List<BlockRequest> a = shared.pickBlocks("peer", all, 1, null), b = copying.pickBlocks("peer", all, 1, null);
            assertThat(a).isEqualTo(b).hasSize(1);
            int piece = a.get(0).piece();
            assertThat(mine.get(piece)).isFalse();
            shared.onBlockReceived("peer", piece, 0);
            copying.onBlockReceived("peer", piece, 0);
            shared.onPieceVerified(piece);
            copying.onPieceVerified(piece);
            assertThat(mine.get(piece)).as("piece %d set in the shared bitfield", piece).isTrue();
            assertThat(shared.have()).isEqualTo(mine).isEqualTo(copying.have());
            shared.checkOrder();
        }
        assertThat(mine.isComplete()).isTrue();
        assertThat(shared.isComplete()).isTrue();
        assertThat(shared.pickBlocks("peer", all, 1, null)).isEmpty();
    }

    /** The endgame duplicates pieces under way oldest first, whatever their piece numbers. */
    @Test
    void endgameAsksForThePiecesUnderWayOldestFirst() {
        int n = 64;
        Bitfield all = Bitfield.full(n);
        for (int seed = 1; seed <= 20; seed++) {
            PiecePicker p = new PiecePicker(B, (long) n * B, new Bitfield(n), new Random(seed));
            p.peerBitfield(all);
            List<Integer> started = new ArrayList<>();
            for (int k = 0; k < n; k++) started.add(p.pickBlocks("a", all, 1, null).get(0).piece());
            assertThat(p.inEndgame()).isTrue();
            List<Integer> duplicated = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                List<BlockRequest> r = p.pickBlocks("b", all, 1, null);
                assertThat(r).hasSize(1);
                duplicated.add(r.get(0).piece());
            }
            assertThat(duplicated).as("seed %d", seed).isEqualTo(started);
            assertThat(p.pickBlocks("b", all, 1, null)).isEmpty();
            p.checkOrder();
        }
    }
}

