package io.btspeed.core.picker;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.core.bitfield.Bitfield;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Pieces of several blocks under way: the list of pieces with a free block (kept in start order beside the list of
 * all pieces under way), the lowest-free-block hint and the spare entries stay consistent through every event that
 * frees or takes a block, and a pick finishes the oldest partial piece first.
 */
class PiecePickerPartialsTest {
    static final int B = PiecePicker.BLOCK_SIZE;

    @Test
    void randomEventsOnMultiBlockPiecesKeepTheListsConsistent() {
        for (long seed = 1; seed <= 60; seed++) {
            Random r = new Random(seed);
            int blocks = 1 + r.nextInt(6);
            int n = 1 + r.nextInt(40);
            long total = (long) n * blocks * B - r.nextInt(blocks * B); // often a short last piece
            // 1 to 3 requesters per block: with one or two blocks, an entry keeps states and requesters in fields
            int dup = 1 + (int) (seed % 3);
            PiecePicker p = new PiecePicker(blocks * B, total, new Bitfield(n), new Random(seed), dup);
            if (r.nextBoolean()) p.setMaxPiecesInProgress(1 + r.nextInt(8));
            String[] peers = {"a", "b", "c"};
            Bitfield[] has = new Bitfield[peers.length];
            for (int i = 0; i < peers.length; i++) {
                has[i] = new Bitfield(n);
                for (int k = 0; k < n; k++) if (r.nextInt(4) != 0) has[i].set(k);
                p.peerBitfield(has[i]);
            }
            List<List<BlockRequest>> out = new ArrayList<>();
            for (String ignored : peers) out.add(new ArrayList<>());
            for (int step = 0; step < 3_000 && !p.isComplete(); step++) {
                int who = r.nextInt(peers.length);
                String peer = peers[who];
                List<BlockRequest> mine = out.get(who);
                int op = r.nextInt(12);
                if (op < 4) {
                    mine.addAll(p.pickBlocks(peer, has[who], 1 + r.nextInt(5), null));
                } else if (op < 8 && !mine.isEmpty()) {
                    BlockRequest q = mine.remove(r.nextInt(mine.size()));
                    BlockResult res = p.onBlockReceived(peer, q.piece(), q.begin());
                    for (Object other : res.cancelPeers()) {
                        out.get(List.of(peers).indexOf(other)).removeIf(x -> x.equals(q));
                    }
                    if (res.kind() == BlockResult.Kind.NEW && r.nextInt(6) == 0) {
                        p.onBlockAborted(q.piece(), q.begin()); // the payload never completed
                    } else if (res.pieceComplete()) {
                        if (r.nextInt(5) == 0) p.onPieceFailed(q.piece());
                        else p.onPieceVerified(q.piece());
                        for (List<BlockRequest> l : out) l.removeIf(x -> x.piece() == q.piece());
                    }
                } else if (op == 8 && !mine.isEmpty()) {
                    BlockRequest q = mine.remove(r.nextInt(mine.size()));
                    assertThat(p.onRequestRejected(peer, q.piece(), q.begin())).isTrue();
                } else if (op == 9) {
                    p.cancelAll(peer);
                    mine.clear();
                } else if (op == 10 && r.nextInt(4) == 0) {
                    p.onPeerGone(peer);
                    mine.clear();
                } else if (op == 11 && !mine.isEmpty() && r.nextInt(3) == 0) {
                    int piece = mine.get(r.nextInt(mine.size())).piece();
                    p.abandonPiece(piece);
                    for (List<BlockRequest> l : out) l.removeIf(x -> x.piece() == piece);
                }
                p.checkOrder();
                for (int i = 0; i < peers.length; i++) {
                    assertThat(p.outstandingCount(peers[i])).as("seed %d step %d peer %s", seed, step, peers[i])
                            .isEqualTo(out.get(i).size());
                }
            }
        }
    }

    @Test
    void aBlockFreedInAnOlderPieceIsTakenBeforeANewerPiecesBlocks() {
        int n = 8;
        PiecePicker p = new PiecePicker(4 * B, (long) n * 4 * B, new Bitfield(n), new Random(3), 1);
        Bitfield all = Bitfield.full(n);
        p.peerBitfield(all);
        List<BlockRequest> first = p.pickBlocks("a", all, 4, null); // one whole piece
        List<BlockRequest> second = p.pickBlocks("a", all, 2, null); // half of a second one
        int older = first.get(0).piece(), newer = second.get(0).piece();
        assertThat(first).allMatch(q -> q.piece() == older);
        assertThat(second).allMatch(q -> q.piece() == newer);
        // a block of the older piece comes back: it is no longer fully requested, and it goes first
        assertThat(p.onRequestRejected("a", older, 2 * B)).isTrue();
        p.checkOrder();
        List<BlockRequest> next = p.pickBlocks("b", all, 3, null);
        assertThat(next).containsExactly(new BlockRequest(older, 2 * B, B), new BlockRequest(newer, 2 * B, B),
                new BlockRequest(newer, 3 * B, B));
        p.checkOrder();
        // the lowest free block is found again after blocks below the hint came back
        p.cancelAll("a");
        p.checkOrder();
        assertThat(p.pickBlocks("c", all, 3, null)).containsExactly(new BlockRequest(older, 0, B),
                new BlockRequest(older, B, B), new BlockRequest(older, 3 * B, B));
        p.checkOrder();
    }
}
