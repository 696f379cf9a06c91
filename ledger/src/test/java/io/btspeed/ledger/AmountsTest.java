package io.btspeed.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AmountsTest {
    static final TokenInfo BTT = TokenInfo.DEFAULT;

    @Test
    void parsesExactlyWithTheTokensDecimals() {
        assertThat(Amounts.parse("1.5", BTT)).isEqualTo(1_500_000);
        assertThat(Amounts.parse("0.000001", BTT)).isEqualTo(1);
        assertThat(Amounts.parse("990000000000", BTT)).isEqualTo(BTT.supply());
        assertThat(Amounts.parse("7", new TokenInfo("X", 0, 10))).isEqualTo(7);
    }

    @Test
    void rejectsWhatWouldNeedRoundingOrDoesNotFit() {
        assertThatThrownBy(() -> Amounts.parse("0.0000001", BTT)).hasMessageContaining("6 decimals");
        assertThatThrownBy(() -> Amounts.parse("-1", BTT)).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> Amounts.parse("1e5", BTT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Amounts.parse("99999999999999999999", BTT)).hasMessageContaining("too large");
        assertThatThrownBy(() -> Amounts.parse("", BTT)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsWithoutTrailingZeros() {
        assertThat(Amounts.format(1_500_000, BTT)).isEqualTo("1.5");
        assertThat(Amounts.format(2_000_000, BTT)).isEqualTo("2");
        assertThat(Amounts.format(1, BTT)).isEqualTo("0.000001");
        assertThat(Amounts.display(-250_000, BTT)).isEqualTo("-0.25 BTT");
        assertThat(Amounts.format(0, BTT)).isEqualTo("0");
    }
}
