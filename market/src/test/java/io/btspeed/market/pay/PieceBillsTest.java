package io.btspeed.market.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PieceBillsTest {
    @Test
    void keepsTheLatestBillOfEveryPieceLikeAMap() {
        PieceBills bills = new PieceBills();
        Map<Integer, long[]> model = new HashMap<>();
        Random r = new Random(7);
        for (int k = 0; k < 20_000; k++) {
            int piece = r.nextInt(5_000) * (r.nextBoolean() ? 1 : 4096);
            long b = r.nextInt(1 << 20), c = r.nextLong(1L << 40);
            bills.put(piece, b, c);
            model.put(piece, new long[] {b, c});
        }
        assertThat(bills.size()).isEqualTo(model.size());
        for (Map.Entry<Integer, long[]> e : model.entrySet()) {
            assertThat(bills.bytes(e.getKey())).isEqualTo(e.getValue()[0]);
            assertThat(bills.cost(e.getKey())).isEqualTo(e.getValue()[1]);
        }
        assertThat(bills.bytes(Integer.MAX_VALUE)).as("never billed").isZero();
        assertThat(bills.cost(3)).isEqualTo(model.containsKey(3) ? model.get(3)[1] : 0);
    }

    @Test
    void theWidestPieceNumbersAndByteCountsComeBackWhole() {
        PieceBills bills = new PieceBills();
        bills.put(Integer.MAX_VALUE, PieceBills.MAX_BYTES, Long.MAX_VALUE);
        bills.put(0, 0, 0);
        bills.put(1, 1L << 31, -5);
        assertThat(bills.bytes(Integer.MAX_VALUE)).isEqualTo(PieceBills.MAX_BYTES);
        assertThat(bills.cost(Integer.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(bills.bytes(0)).isZero();
        assertThat(bills.size()).as("a bill of 0 bytes is still a bill").isEqualTo(3);
        assertThat(bills.bytes(1)).isEqualTo(1L << 31);
        assertThat(bills.cost(1)).isEqualTo(-5);
    }

    @Test
    void rejectsWhatItCannotHoldAndKeepsTheBillsItHas() {
        PieceBills bills = new PieceBills();
        bills.put(7, 100, 9);
        assertThatThrownBy(() -> bills.put(7, PieceBills.MAX_BYTES + 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bills.put(7, -1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> bills.put(-3, 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(bills.bytes(7)).isEqualTo(100);
        assertThat(bills.cost(7)).isEqualTo(9);
        assertThat(bills.size()).isEqualTo(1);
    }
}
