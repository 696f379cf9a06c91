package io.btspeed.engine.torrent;

import io.btspeed.protocol.metainfo.InfoHash;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

class AllowedFastSetTest {
    /** The worked example in BEP 6: 80.4.4.200, info-hash 0xaa × 20, 1313 pieces. */
    @Test
    void matchesTheSpecificationExample() throws Exception {
        InfoHash ih = new InfoHash(HexFormat.of().parseHex("aa".repeat(20)));
        InetAddress peer = InetAddress.getByAddress(new byte[]{80, 4, 4, (byte) 200});
        assertThat(AllowedFastSet.compute(peer, ih, 1313, 7)).containsExactly(1059, 431, 808, 1217, 287, 376, 1188);
        assertThat(AllowedFastSet.compute(peer, ih, 1313, 9)).containsExactly(1059, 431, 808, 1217, 287, 376, 1188, 353, 508);
    }

    @Test
    void sameSubnetSameSet() throws Exception {
        InfoHash ih = new InfoHash(new byte[20]);
        assertThat(AllowedFastSet.compute(InetAddress.getByName("10.1.2.3"), ih, 500, 10))
                .isEqualTo(AllowedFastSet.compute(InetAddress.getByName("10.1.2.99"), ih, 500, 10))
                .hasSize(10);
        assertThat(AllowedFastSet.compute(InetAddress.getByName("10.1.2.3"), ih, 3, 10)).hasSize(3);
    }
}
