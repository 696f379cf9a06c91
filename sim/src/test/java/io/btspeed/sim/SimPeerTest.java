package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SimPeerTest {
    static SimPeer bidder(String shading) {
        Scenario s = ScenarioLoader.parse("""
                name: t
                pieces: 10
                pieceSize: 16384
                groups:
                  - {name: b, count: 1, kind: bidder, budget: 1000, shading: %s, uploadKiBps: 100}
                """.formatted(shading), true, "t.yaml");
        return new SimPeer(0, 0, s.groups().getFirst(), 10);
    }

    @Test
    void aShadedBidIsTheTargetTimesTheShadingRoundedDownInWholeBaseUnits() {
        assertThat(bidder("1.0").shaded(123_456_789L)).isEqualTo(123_456_789L);
        assertThat(bidder("0.8").shaded(5)).isEqualTo(4);
        assertThat(bidder("0.8").shaded(7)).isEqualTo(5); // 5.6
        assertThat(bidder("0.29").shaded(100)).isEqualTo(29); // in doubles 28.999999999999996, floored to 28
        assertThat(bidder("0.333333").shaded(3_000_000)).isEqualTo(999_999);
        // past what a double holds exactly: still exact
        assertThat(bidder("0.9").shaded(9_007_199_254_740_993L)).isEqualTo(8_106_479_329_266_893L);
        assertThat(bidder("2.5").shaded(1_000_001)).isEqualTo(2_500_002);
        assertThat(bidder("0.5").shaded(0)).isZero();
    }

    @Test
    void aShadedBidThatWouldOverflowIsAnErrorNotAWrappedNumber() {
        assertThatThrownBy(() -> bidder("100").shaded(Long.MAX_VALUE / 10)).isInstanceOf(ArithmeticException.class);
    }
}
