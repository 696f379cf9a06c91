package io.btspeed.sim;

import static io.btspeed.sim.InFeedTest.peer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** An uploader's offers come from the links its downloaders counted, on whichever thread, as the throttle splits them. */
class RoundOffersTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void countsFromBothThreadsSplitTheUploadersRateAndStartAgainAtZero() {
        SimPeer u = peer(0, true), other = peer(1, true);
        SimPeer[] peers = {u, other};
        RoundOffers offers = new RoundOffers(peers, 2);
        Link[] links = new Link[5];
        for (int i = 0; i < links.length; i++) {
            links[i] = new Link(u, peer(2 + i, false), 0, i);
            links[i].piece = 7;
            links[i].paid = i < 2;
        }
        // two paid and three ordinary links, counted by two catch-up threads
        for (int i = 0; i < links.length; i++) offers.carrying(i % 2, links[i]);
        offers.split(1.0);
        double rate = 100 * 1024; // the uploader's 100 KiB/s
        for (int i = 0; i < links.length; i++) {
            double share = i < 2 ? UploadShares.paid(2, 3) : UploadShares.ordinary(2, 3);
            assertThat(offers.offer(links[i], 0, SECOND)).isEqualTo(rate * share);
        }
        // the throttle hands out the whole rate, paid links first
        double sum = 0;
        for (Link l : links) sum += offers.offer(l, 0, SECOND);
        assertThat(sum).isCloseTo(rate, within(1e-6));
        assertThat(offers.offer(links[0], 0, SECOND)).isGreaterThan(offers.offer(links[4], 0, SECOND));

        // next round only one ordinary link carries data: it gets the whole rate, so the counts started at 0
        offers.carrying(1, links[4]);
        offers.split(1.0);
        assertThat(offers.offer(links[4], 0, SECOND)).isEqualTo(rate);
    }

    @Test
    void aLinkWithoutAPieceOrStillWaitingForItsRoundTripIsOfferedNothingAndOneStartingMidRoundItsPart() {
        SimPeer u = peer(0, true);
        RoundOffers offers = new RoundOffers(new SimPeer[] {u}, 1);
        Link idle = new Link(u, peer(1, false), 0, 0), late = new Link(u, peer(2, false), 0, 1),
                half = new Link(u, peer(3, false), 0, 2);
        late.piece = half.piece = 3;
        late.startAt = 3 * SECOND; // after the round [1 s, 2 s)
        half.startAt = SECOND + SECOND / 2;
        offers.carrying(0, half);
        offers.split(1.0);
        assertThat(offers.offer(idle, SECOND, 2 * SECOND)).isZero();
        assertThat(offers.offer(late, SECOND, 2 * SECOND)).isZero();
        assertThat(offers.offer(half, SECOND, 2 * SECOND)).isEqualTo(100 * 1024 / 2.0);
    }
}
