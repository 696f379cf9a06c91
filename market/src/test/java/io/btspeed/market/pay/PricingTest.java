package io.btspeed.market.pay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PricingTest {
    /** The reference: price × bytes ÷ 2^20 rounded down, in arbitrary precision. */
    private static BigInteger exact(long price, long bytes) {
        return BigInteger.valueOf(price).multiply(BigInteger.valueOf(bytes)).shiftRight(20);
    }

    @Test
    void examples() {
        assertThat(Pricing.cost(1_000_000, Pricing.MIB)).isEqualTo(1_000_000);
        assertThat(Pricing.cost(1_000_000, 16 * 1024)).isEqualTo(15_625);
        assertThat(Pricing.cost(3, 1)).as("rounded down").isZero();
        assertThat(Pricing.cost(0, Long.MAX_VALUE)).isZero();
        assertThat(Pricing.cost(Long.MAX_VALUE, 1 << 20)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void agreesWithArbitraryPrecisionAndRefusesOverflow() {
        Random r = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            long price = r.nextLong() >>> (1 + r.nextInt(63)), bytes = r.nextLong() >>> (1 + r.nextInt(63));
            BigInteger want = exact(price, bytes);
            if (want.bitLength() > 63) {
                assertThatThrownBy(() -> Pricing.cost(price, bytes)).isInstanceOf(ArithmeticException.class);
            } else {
                assertThat(Pricing.cost(price, bytes)).as("%d × %d", price, bytes).isEqualTo(want.longValueExact());
            }
        }
        assertThatThrownBy(() -> Pricing.cost(Long.MAX_VALUE, (1 << 20) + 1)).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Pricing.cost(-1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
