package io.btspeed.core.bitfield;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitfieldTest {

    @Test
    void wireOrderIsHighBitFirst() {
        Bitfield b = new Bitfield(10);
        b.set(0);
        b.set(9);
        assertThat(b.toBytes()).containsExactly((byte) 0x80, (byte) 0x40);
        assertThat(Bitfield.fromBytes(new byte[] {(byte) 0x80, 0x40}, 10)).isEqualTo(b);
    }

    @Test
    void rejectsWrongLengthAndSpareBits() {
        assertThatThrownBy(() -> Bitfield.fromBytes(new byte[1], 10)).hasMessageContaining("expected 2");
        assertThatThrownBy(() -> Bitfield.fromBytes(new byte[3], 10)).hasMessageContaining("expected 2");
        assertThatThrownBy(() -> Bitfield.fromBytes(new byte[] {0, 0x20}, 10)).hasMessageContaining("spare bits");
        assertThat(Bitfield.fromBytes(new byte[0], 0).isComplete()).isTrue();
    }

    @Test
    void roundTripsRandomBitfieldsAndCounts() {
        Random r = new Random(42);
        for (int n : new int[] {1, 7, 8, 63, 64, 65, 127, 128, 1000, 65536}) {
            Bitfield b = new Bitfield(n);
            java.util.BitSet ref = new java.util.BitSet();
            for (int i = 0; i < n; i++) if (r.nextBoolean()) { b.set(i); ref.set(i); }
            Bitfield back = Bitfield.fromBytes(b.toBytes(), n);
            assertThat(back).isEqualTo(b);
            assertThat(back.cardinality()).isEqualTo(ref.cardinality());
            for (int i = 0; i < n; i++) {
                assertThat(b.nextSetBit(i)).isEqualTo(ref.nextSetBit(i));
                int c = ref.nextClearBit(i);
                assertThat(b.nextClearBit(i)).isEqualTo(c >= n ? -1 : c);
            }
        }
    }

    @Test
    void setClearReportChangesAndCompleteness() {
        Bitfield b = new Bitfield(65);
        assertThat(b.set(64)).isTrue();
        assertThat(b.set(64)).isFalse();
        assertThat(b.cardinality()).isEqualTo(1);
        b.setAll();
        assertThat(b.isComplete()).isTrue();
        assertThat(b.cardinality()).isEqualTo(65);
        assertThat(b.nextClearBit(0)).isEqualTo(-1);
        assertThat(b.clear(3)).isTrue();
        assertThat(b.clear(3)).isFalse();
        assertThat(b.isComplete()).isFalse();
        assertThatThrownBy(() -> b.get(65)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> b.set(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void setAlgebra() {
        Bitfield a = new Bitfield(70);
        Bitfield c = new Bitfield(70);
        a.set(1); a.set(2); a.set(69);
        c.set(2); c.set(69); c.set(5);
        assertThat(a.hasAnyMissingFrom(c)).isTrue();
        Bitfield and = a.copy();
        and.and(c);
        assertThat(and.cardinality()).isEqualTo(2);
        assertThat(and.get(2) && and.get(69)).isTrue();
        Bitfield diff = a.copy();
        diff.andNot(c);
        assertThat(diff.cardinality()).isEqualTo(1);
        assertThat(diff.get(1)).isTrue();
        a.or(c);
        assertThat(a.cardinality()).isEqualTo(4);
        assertThat(a.hasAnyMissingFrom(c)).isFalse();
        assertThatThrownBy(() -> a.and(new Bitfield(71))).hasMessageContaining("differ");
    }

    /** Outside bytes: either rejected with IllegalArgumentException or decoded to something that re-encodes identically. */
    @FuzzTest(maxDuration = "10s")
    void fromBytesFuzz(byte[] data) {
        if (data.length < 2) return;
        int pieceCount = ((data[0] & 0xFF) << 8 | (data[1] & 0xFF));
        byte[] payload = java.util.Arrays.copyOfRange(data, 2, data.length);
        Bitfield b;
        try {
            b = Bitfield.fromBytes(payload, pieceCount);
        } catch (IllegalArgumentException expected) {
            return;
        }
        assertThat(b.toBytes()).isEqualTo(payload);
        assertThat(b.cardinality()).isBetween(0, pieceCount);
    }
}
