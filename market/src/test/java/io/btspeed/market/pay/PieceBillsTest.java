package io.btspeed.market.pay;

import static org.assertj.core.api.Assertions.assertThat;

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
}
