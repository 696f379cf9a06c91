package io.btspeed.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DuplicateConnectionsTest {
    @Test
    void whenBothDialAtOnceBothSidesKeepTheSameConnection() {
        Random r = new Random(5);
        for (int i = 0; i < 1_000; i++) {
            byte[] a = new byte[20], b = new byte[20];
            r.nextBytes(a);
            r.nextBytes(b);
            if (i % 7 == 0) System.arraycopy(a, 0, b, 0, 19); // ids that differ in the last byte only
            if (java.util.Arrays.equals(a, b)) continue;
            // each side first has its own dial (outgoing), then the other's dial arrives (incoming)
            boolean aKeepsBsDial = DuplicateConnections.keepNew(true, false, a, b);
            boolean bKeepsItsOwnDial = !DuplicateConnections.keepNew(true, false, b, a);
            assertThat(aKeepsBsDial).as("both keep the connection B dialed, or both keep A's").isEqualTo(bKeepsItsOwnDial);
            // and the one kept is the one dialed by the lower id (unsigned bytes)
            boolean bIsLower = java.util.Arrays.compareUnsigned(b, a) < 0;
            assertThat(aKeepsBsDial).isEqualTo(bIsLower);
        }
    }

    @Test
    void aSecondConnectionDialedByTheSameSideIsRefused() {
        byte[] low = new byte[20], high = new byte[20];
        high[0] = (byte) 0xff; // unsigned: 0xff is the highest, not -1
        assertThat(DuplicateConnections.keepNew(true, true, low, high)).isFalse();
        assertThat(DuplicateConnections.keepNew(false, false, low, high)).isFalse();
        assertThat(DuplicateConnections.keepNew(true, false, low, high)).as("they (0xff..) dialed the new one: ours is lower").isFalse();
        assertThat(DuplicateConnections.keepNew(false, true, low, high)).as("we (0x00..) dialed the new one").isTrue();
    }
}
