package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class UploadSharesTest {
    @Test
    void theSharesUseTheWholeRate() {
        for (int p = 0; p <= 6; p++) {
            for (int o = 0; o <= 6; o++) {
                if (p + o == 0) continue;
                assertThat(p * UploadShares.paid(p, o) + o * UploadShares.ordinary(p, o)).as(p + " paid, " + o + " ordinary")
                        .isCloseTo(1.0, within(1e-12));
            }
        }
    }

    @Test
    void paidLinksGoFirstButOrdinaryOnesKeepAShare() {
        // 2 paid + 3 ordinary: x = 1 + sqrt(7) block-times per paid block, x + 3 per ordinary block
        assertThat(UploadShares.paid(2, 3)).isCloseTo(1 / (1 + Math.sqrt(7)), within(1e-12));
        assertThat(UploadShares.ordinary(2, 3)).isCloseTo(1 / (4 + Math.sqrt(7)), within(1e-12));
        // 1 paid + 4 ordinary: x = 3
        assertThat(UploadShares.paid(1, 4)).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(UploadShares.ordinary(1, 4)).isCloseTo(1 / 6.0, within(1e-12));
        for (int p = 1; p <= 6; p++) {
            for (int o = 1; o <= 6; o++) {
                assertThat(UploadShares.paid(p, o)).isGreaterThan(UploadShares.ordinary(p, o));
                assertThat(UploadShares.ordinary(p, o)).isPositive();
            }
        }
    }

    @Test
    void oneKindAloneSplitsEvenly() {
        assertThat(UploadShares.paid(2, 0)).isEqualTo(0.5);
        assertThat(UploadShares.ordinary(0, 5)).isEqualTo(0.2);
        assertThat(UploadShares.paid(0, 5)).isZero();
        assertThat(UploadShares.ordinary(3, 0)).isZero();
    }
}
