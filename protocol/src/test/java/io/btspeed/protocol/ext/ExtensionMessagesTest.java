package io.btspeed.protocol.ext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExtensionMessagesTest {
    @Test
    void extendedHandshakeRoundTrips() {
        ExtendedHandshake h = new ExtendedHandshake(Map.of("ut_metadata", 2, "ut_pex", 1), 6881, "btspeed 0.1", 12345, 500, null);
        ExtendedHandshake back = ExtendedHandshake.decode(h.encode());
        assertThat(back.m()).isEqualTo(Map.of("ut_metadata", 2, "ut_pex", 1));
        assertThat(back.port()).isEqualTo(6881);
        assertThat(back.client()).isEqualTo("btspeed 0.1");
        assertThat(back.metadataSize()).isEqualTo(12345);
        assertThat(back.reqq()).isEqualTo(500);
        assertThat(back.idOf("ut_metadata")).isEqualTo(2);
        assertThat(back.idOf("lt_donthave")).isZero();
    }

    @Test
    void extendedHandshakeIgnoresOddOptionalFieldsButNotBadStructure() {
        ExtendedHandshake h = ExtendedHandshake.decode("d1:md6:ut_pexi999ee13:metadata_sizei-1e1:pi-5ee".getBytes());
        assertThat(h.m()).isEmpty();
        assertThat(h.port()).isZero();
        assertThat(h.metadataSize()).isEqualTo(-1);
        // some clients do not sort keys; nothing here is hashed, so that is accepted
        assertThat(ExtendedHandshake.decode("d1:pi7e1:md6:ut_pexi1eee".getBytes()).port()).isEqualTo(7);
        assertThatThrownBy(() -> ExtendedHandshake.decode("d1:pi7e1:pi8ee".getBytes())).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> ExtendedHandshake.decode("li1ee".getBytes())).isInstanceOf(ExtensionException.class);
        assertThatThrownBy(() -> ExtendedHandshake.decode("d1:m".getBytes())).isInstanceOf(ExtensionException.class);
    }

    @Test
    void metadataMessagesRoundTripAndValidateSizes() {
        byte[] piece = new byte[MetadataMessage.PIECE_SIZE];
        MetadataData d = new MetadataData(0, 20000, piece);
        MetadataData back = (MetadataData) MetadataCodec.decode(MetadataCodec.encode(d));
        assertThat(back.data()).isEqualTo(piece);
        assertThat(MetadataCodec.decode(MetadataCodec.encode(new MetadataRequest(1)))).isEqualTo(new MetadataRequest(1));
        assertThat(MetadataCodec.decode(MetadataCodec.encode(new MetadataReject(1)))).isEqualTo(new MetadataReject(1));
        // last piece must be exactly the remainder
        assertThatThrownBy(() -> MetadataCodec.decode(MetadataCodec.encode(new MetadataData(1, 20000, new byte[10]))))
                .hasMessageContaining("expected 3616");
        assertThatThrownBy(() -> MetadataCodec.decode(MetadataCodec.encode(new MetadataData(5, 20000, new byte[10]))))
                .hasMessageContaining("past total_size");
        assertThatThrownBy(() -> MetadataCodec.decode("d8:msg_typei7e5:piecei0ee".getBytes())).hasMessageContaining("unknown");
        assertThatThrownBy(() -> MetadataCodec.decode("d8:msg_typei0e5:piecei-1ee".getBytes())).hasMessageContaining("valid piece");
    }

    @Test
    void assemblerVerifiesTheInfoHash() {
        byte[] info = new byte[40000];
        new Random(1).nextBytes(info);
        InfoHash ih = InfoHash.of(info);
        MetadataAssembler a = new MetadataAssembler(ih);
        assertThat(a.setSize(info.length)).isTrue();
        assertThat(a.pieceCount()).isEqualTo(3);
        for (int p = 0; p < 3; p++) {
            int from = p * MetadataMessage.PIECE_SIZE;
            byte[] chunk = Arrays.copyOfRange(info, from, Math.min(info.length, from + MetadataMessage.PIECE_SIZE));
            MetadataAssembler.Result r = a.add(new MetadataData(p, info.length, chunk));
            assertThat(r).isEqualTo(p == 2 ? MetadataAssembler.Result.COMPLETE : MetadataAssembler.Result.ACCEPTED);
        }
        assertThat(a.result()).isEqualTo(info);

        MetadataAssembler liar = new MetadataAssembler(ih);
        liar.setSize(info.length);
        for (int p = 0; p < 3; p++) {
            int from = p * MetadataMessage.PIECE_SIZE;
            byte[] chunk = new byte[Math.min(MetadataMessage.PIECE_SIZE, info.length - from)];
            MetadataAssembler.Result r = liar.add(new MetadataData(p, info.length, chunk));
            if (p == 2) assertThat(r).isEqualTo(MetadataAssembler.Result.HASH_MISMATCH);
        }
        assertThat(liar.nextMissing()).isZero();
        assertThat(liar.add(new MetadataData(0, 999, new byte[999]))).isEqualTo(MetadataAssembler.Result.IGNORED);
    }

    @Test
    void pexRoundTripsAndRejectsBadLengths() {
        PexMessage m = new PexMessage(List.of(new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.1.2.3", 80)),
                new byte[] {1, 2}, List.of(new InetSocketAddress("127.0.0.2", 1)),
                List.of(new InetSocketAddress("::1", 7000)), new byte[] {0}, List.of());
        PexMessage back = PexMessage.decode(m.encode());
        assertThat(back.added()).isEqualTo(m.added());
        assertThat(back.addedFlags()).containsExactly(1, 2);
        assertThat(back.dropped()).isEqualTo(m.dropped());
        assertThat(back.added6()).isEqualTo(m.added6());
        assertThatThrownBy(() -> PexMessage.decode("d5:added5:abcdee".getBytes())).hasMessageContaining("multiple of 6");
        assertThatThrownBy(() -> PexMessage.decode("d5:addedi1ee".getBytes())).hasMessageContaining("not a string");
    }
}
