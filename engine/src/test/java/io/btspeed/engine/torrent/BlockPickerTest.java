package io.btspeed.engine.torrent;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BlockPickerTest {
    private static final int PIECE = 4 * Blocks.SIZE;

    private static BitSet all(int n) {
        BitSet b = new BitSet();
        b.set(0, n);
        return b;
    }

    private static int nextKey;

    private static Peer peerWith(int... pieces) {
        Peer p = new Peer(nextKey++, null, true, null);
        for (int i : pieces) p.has.set(i);
        return p;
    }

    private static List<Long> pick(BlockPicker picker, Peer p, int max) {
        List<Long> out = new ArrayList<>();
        picker.pick(p, max, false, out::add);
        return out;
    }

    @Test
    void rarestPieceFirstThenFinishesItBeforeStartingAnother() {
        BitSet have = new BitSet();
        BlockPicker picker = new BlockPicker(4, PIECE, i -> PIECE, have, all(4), 1, 64L << 20);
        Peer common = peerWith(0, 1, 2, 3);
        picker.addAvailability(common.has, false, 1);
        Peer other = peerWith(0, 1, 3);
        picker.addAvailability(other.has, false, 1);
        // Piece 2 is held by one peer only: it goes first, all 4 blocks of it.
        List<Long> first = pick(picker, common, 4);
        assertThat(first).extracting(Blocks::piece).containsOnly(2);
        assertThat(first).extracting(Blocks::begin).containsExactly(0, Blocks.SIZE, 2 * Blocks.SIZE, 3 * Blocks.SIZE);
        // The next pick starts exactly one new piece and never repeats a block.
        List<Long> second = pick(picker, common, 4);
        assertThat(second).hasSize(4).doesNotContainAnyElementsOf(first);
        assertThat(second.stream().map(Blocks::piece).distinct().toList()).hasSize(1).doesNotContain(2);
    }

    @Test
    void endgameDuplicatesOnlyWhenNothingElseIsLeftAndReleasesFreeBlocks() {
        BitSet have = new BitSet();
        BlockPicker picker = new BlockPicker(1, PIECE, i -> PIECE, have, all(1), 1, 64L << 20);
        Peer a = peerWith(0), b = peerWith(0);
        assertThat(pick(picker, a, 2)).hasSize(2);
        // b first gets the two free blocks, then endgame copies of a's two.
        List<Long> forB = pick(picker, b, 10);
        assertThat(forB).hasSize(4);
        assertThat(pick(picker, b, 10)).isEmpty();
        // a leaves: its blocks stay requested by b, so nothing is free for a third peer except endgame copies.
        for (long k : a.outstanding) picker.release(a, k);
        Peer c = peerWith(0);
        assertThat(pick(picker, c, 10)).hasSize(4);
    }

    @Test
    void memoryBudgetLimitsPiecesInFlight() {
        BitSet have = new BitSet();
        // Budget for 4 pieces (the minimum), torrent of 10.
        BlockPicker picker = new BlockPicker(10, PIECE, i -> PIECE, have, all(10), 1, PIECE);
        Peer p = peerWith(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        List<Long> got = pick(picker, p, 100);
        assertThat(got.stream().map(Blocks::piece).distinct()).hasSize(4);
    }

    @Test
    void unwantedPiecesAreNeverRequested() {
        BitSet have = new BitSet(), wanted = new BitSet();
        wanted.set(3);
        BlockPicker picker = new BlockPicker(5, PIECE, i -> PIECE, have, wanted, 1, 64L << 20);
        Peer p = peerWith(0, 1, 2, 3, 4);
        assertThat(pick(picker, p, 100)).extracting(Blocks::piece).containsOnly(3);
        assertThat(picker.interesting(peerWith(0, 1))).isFalse();
        assertThat(picker.interesting(peerWith(3))).isTrue();
    }
}
