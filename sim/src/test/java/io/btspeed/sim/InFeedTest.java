package io.btspeed.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A downloader's feed keeps every open incoming link's cursor, hint and flag at the link's slot, through removals and growth. */
class InFeedTest {
    static SimPeer peer(int id, boolean complete) {
        Scenario s = ScenarioLoader.parse("""
                name: t
                pieces: 100
                pieceSize: 16384
                groups:
                  - {name: g, count: 1, kind: plain, complete: %s, uploadKiBps: 100}
                """.formatted(complete), true, "t.yaml");
        return new SimPeer(id, 0, s.groups().getFirst(), 100);
    }

    @Test
    void slotsFollowRemovalsAndGrowthAndEachLinkKeepsItsOwnState() {
        SimPeer d = peer(0, false);
        List<Link> open = new ArrayList<>();
        for (int i = 1; i <= 40; i++) { // past the initial capacity: the state array is replaced
            Link l = new Link(peer(i, false), d, 0, i);
            d.feed.add(l, i);
            l.nothingToPick(i % 3 == 0);
            open.add(l);
        }
        for (int i = 0; i < open.size(); i += 2) d.feed.remove(open.get(i)); // every other one, from the front
        open.removeIf(l -> l.slot < 0);
        assertThat(d.feed.size).isEqualTo(20);
        for (Link l : open) {
            int id = (int) l.seq;
            assertThat(d.feed.links[l.slot]).isSameAs(l);
            assertThat(l.feedState).isSameAs(d.feed.state);
            assertThat(d.feed.logs[l.slot]).isSameAs(l.up.log);
            assertThat(l.cursor()).isEqualTo(id);
            assertThat(l.nothingToPick()).isEqualTo(id % 3 == 0);
        }
        d.feed.clearNothing();
        assertThat(open).noneMatch(Link::nothingToPick);
        assertThatThrownBy(() -> d.feed.remove(new Link(peer(99, false), d, 0, 99))).isInstanceOf(RuntimeException.class);
    }

    @Test
    void retiredLinksGoBehindTheVisitedOnesAndKeepTheirStateThroughAddsAndRemovals() {
        SimPeer d = peer(0, false);
        List<Link> open = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            Link l = new Link(peer(i, false), d, 0, i);
            d.feed.add(l, i);
            l.nothingToPick(i % 2 == 0);
            open.add(l);
        }
        // retire links 3, 4, 10 and the last visited one
        for (int id : new int[] {3, 4, 10, 20}) d.feed.retire(open.get(id - 1).slot);
        assertThat(d.feed.active).isEqualTo(16);
        assertThat(d.feed.size).isEqualTo(20);
        // new links are visited; a removal in either part keeps both parts whole
        for (int i = 21; i <= 40; i++) { // past the capacity: the state array is replaced
            Link l = new Link(peer(i, false), d, 0, i);
            d.feed.add(l, i);
            l.nothingToPick(i % 2 == 0);
            open.add(l);
        }
        d.feed.remove(open.get(3)); // retired
        d.feed.remove(open.get(0)); // visited
        d.feed.remove(open.get(39)); // visited, added last
        open.removeIf(l -> l.slot < 0);
        assertThat(d.feed.size).isEqualTo(37);
        assertThat(d.feed.active).isEqualTo(34);
        for (Link l : open) {
            int id = (int) l.seq;
            boolean retired = id == 3 || id == 10 || id == 20;
            assertThat(l.slot < d.feed.active).as("link %d visited", id).isEqualTo(!retired);
            assertThat(d.feed.links[l.slot]).isSameAs(l);
            assertThat(l.feedState).isSameAs(d.feed.state);
            assertThat(d.feed.logs[l.slot]).isSameAs(l.up.log);
            assertThat(d.feed.state[l.slot * InFeed.STRIDE + InFeed.UP]).isEqualTo(id);
            assertThat(l.cursor()).isEqualTo(id);
            assertThat(l.nothingToPick()).isEqualTo(id % 2 == 0);
        }
        for (int s = d.feed.size; s < d.feed.links.length; s++) assertThat(d.feed.links[s]).isNull();
        d.feed.clearNothing(); // retired ones too
        assertThat(open).noneMatch(Link::nothingToPick);
        assertThatThrownBy(() -> d.feed.retire(d.feed.active)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLogEndsInMinusOneAfterItsLastEntryAndASeedLinkReadsNothing() {
        SimPeer u = peer(1, false), d = peer(0, false), seed = peer(2, true);
        assertThat(u.log).hasSize(101).containsOnly(-1);
        Link l = new Link(seed, d, 0, 0);
        l.countedAsSeed = true;
        d.feed.add(l, 4096);
        assertThat(l.cursor()).isZero();
        assertThat(d.feed.logs[l.slot][l.cursor()]).isEqualTo(-1);
    }
}
