package io.btspeed.engine.lsd;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** Announce timing and inbound admission, driven by hand. */
class LsdScheduleTest {
    static final InfoHash A = InfoHash.fromHex("a".repeat(40)), B = InfoHash.fromHex("b".repeat(40));

    @Test
    void announcesAtOnceThenEveryIntervalAndNeverTwiceWithinTheGap() {
        LsdSchedule s = new LsdSchedule(300_000, 60_000);
        assertThat(s.nextDue()).isEqualTo(Long.MAX_VALUE);
        s.add(A, 1000);
        assertThat(s.due(1000, 10)).containsExactly(A);
        assertThat(s.due(1001, 10)).isEmpty();
        assertThat(s.nextDue()).isEqualTo(301_000);
        s.add(A, 2000); // re-adding right after an announce waits for the minimum gap
        assertThat(s.nextDue()).isEqualTo(61_000);
        assertThat(s.due(60_999, 10)).isEmpty();
        assertThat(s.due(61_000, 10)).containsExactly(A);
        s.poke(A, 61_001);
        assertThat(s.nextDue()).isEqualTo(121_000);
        s.add(B, 70_000);
        assertThat(s.due(70_000, 10)).containsExactly(B);
        assertThat(s.due(121_000, 10)).containsExactly(A);
        s.remove(A);
        assertThat(s.nextDue()).isEqualTo(370_000);
    }

    @Test
    void batchesAreCapped() {
        LsdSchedule s = new LsdSchedule(300_000, 60_000);
        for (int i = 0; i < 30; i++) s.add(InfoHash.fromHex(String.format("%040x", i)), 0);
        assertThat(s.due(0, LsdMessage.MAX_HASHES)).hasSize(LsdMessage.MAX_HASHES);
        assertThat(s.due(0, LsdMessage.MAX_HASHES)).hasSize(30 - LsdMessage.MAX_HASHES);
    }

    @Test
    void inboundReportsAPeerOncePerRepeatTimeAndRateLimitsDatagrams() {
        LsdInbound in = new LsdInbound(60_000, 3, 2);
        InetSocketAddress p1 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
        InetSocketAddress p2 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 2);
        assertThat(in.admitPeer(A, p1, 0)).isTrue();
        assertThat(in.admitPeer(A, p1, 59_999)).isFalse();
        assertThat(in.admitPeer(B, p1, 1)).isTrue();
        assertThat(in.admitPeer(A, p1, 60_000)).isTrue();
        assertThat(in.admitPeer(A, p2, 60_000)).isTrue();
        assertThat(in.remembered()).isEqualTo(2); // bounded memory: the oldest pair was forgotten
        assertThat(in.admitDatagram(0)).isTrue();
        assertThat(in.admitDatagram(1)).isTrue();
        assertThat(in.admitDatagram(2)).isTrue();
        assertThat(in.admitDatagram(3)).isFalse();
        assertThat(in.admitDatagram(1000)).isTrue();
    }
}
