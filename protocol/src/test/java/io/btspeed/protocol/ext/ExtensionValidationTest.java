package io.btspeed.protocol.ext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.Bencode;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** BEP 9/10/11 messages: what a hostile or sloppy peer can send, and what we make of it. */
class ExtensionValidationTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void msgTypeIsCheckedBeforeItIsNarrowedToAnInt() {
        // 2^32 + 1 would read as msg_type 1 (data) if narrowed first
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei4294967297e5:piecei0e10:total_sizei1ee")))
                .isInstanceOf(ExtensionException.class).hasMessageContaining("unknown ut_metadata msg_type 4294967297");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei-1e5:piecei0ee"))).hasMessageContaining("msg_type -1");
    }

    @Test
    void metadataMessagesRefuseTrailingBytesAndMissingFields() {
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei0e5:piecei0eeX"))).hasMessageContaining("trailing");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei2e5:piecei0eeX"))).hasMessageContaining("trailing");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d5:piecei0ee"))).hasMessageContaining("without msg_type");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei1e5:piecei0ee"))).hasMessageContaining("total_size");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei1e5:piecei0e10:total_sizei0ee"))).hasMessageContaining("total_size");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei1e5:piecei0e10:total_sizei" + (ExtendedHandshake.MAX_METADATA_SIZE + 1) + "ee")))
                .hasMessageContaining("total_size");
        assertThatThrownBy(() -> MetadataCodec.decode(b("d8:msg_typei0e5:piecei" + (Integer.MAX_VALUE / 16384 + 1) + "ee")))
                .hasMessageContaining("valid piece");
        assertThatThrownBy(() -> MetadataCodec.decode(b("x"))).isInstanceOf(ExtensionException.class);
        assertThatThrownBy(() -> MetadataCodec.decode(b("i1e"))).hasMessageContaining("not a dictionary");
    }

    @Test
    void metadataDataKeepsTheBytesAfterTheDictionaryExactly() {
        byte[] tail = new byte[] {'d', 'e', 0, (byte) 0xff, 'e'}; // looks like bencode; must stay raw
        byte[] wire = MetadataCodec.encode(new MetadataData(0, 5, tail));
        assertThat(new String(wire, StandardCharsets.ISO_8859_1)).startsWith("d8:msg_typei1e5:piecei0e10:total_sizei5ee");
        assertThat(MetadataCodec.decode(wire)).isEqualTo(new MetadataData(0, 5, tail));
    }

    @Test
    void extendedHandshakeKeepsUnknownFieldsAndBoundsNumbers() {
        byte[] in = b("d1:md11:ut_metadatai3e6:ut_pexi256e5:weirdli1eee13:metadata_sizei31235e4:reqqi99999999e1:v3:abc6:yourip4:\u007f\u0000\u0000\u0001e");
        ExtendedHandshake h = ExtendedHandshake.decode(in);
        assertThat(h.m()).isEqualTo(Map.of("ut_metadata", 3));
        assertThat(h.metadataSize()).isEqualTo(31235);
        assertThat(h.reqq()).isEqualTo(100_000);
        assertThat(h.client()).isEqualTo("abc");
        assertThat(h.raw().bytes("yourip")).containsExactly(127, 0, 0, 1);
        // re-encoding keeps fields this module does not model
        BDict again = (BDict) Bencode.decode(h.encode());
        assertThat(again.bytes("yourip")).containsExactly(127, 0, 0, 1);
        assertThat(ExtendedHandshake.decode(b("d13:metadata_sizei" + (ExtendedHandshake.MAX_METADATA_SIZE + 1) + "ee")).metadataSize())
                .isEqualTo(-1);
        assertThat(ExtendedHandshake.decode(b("d1:pi65536ee")).port()).isZero();
        assertThat(ExtendedHandshake.decode(b("de")).m()).isEmpty();
    }

    @Test
    void extendedHandshakeDisablesWithIdZero() {
        ExtendedHandshake h = ExtendedHandshake.decode(b("d1:md6:ut_pexi0eee"));
        assertThat(h.m()).containsEntry("ut_pex", 0);
        assertThat(h.idOf("ut_pex")).isZero();
    }

    @Test
    void pexKeepsIpv4MappedPeersInTheIpv6List() throws Exception {
        byte[] mapped = new byte[18];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 1;
        mapped[16] = 0x1a;
        mapped[17] = (byte) 0xe1;
        byte[] payload = Bencode.encode(BDict.builder().put("added6", mapped).put("added6.f", new byte[] {0x10}).build());
        PexMessage m = PexMessage.decode(payload);
        assertThat(m.added6()).hasSize(1);
        assertThat(m.added6().get(0).getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(m.added6().get(0).getPort()).isEqualTo(6881);
        assertThat(m.added6Flags()).containsExactly(0x10);
        assertThat(PexMessage.decode(m.encode())).isEqualTo(m);
    }

    @Test
    void pexFlagsArePairedWithPeersAndLimitsHold() throws Exception {
        InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {1, 2, 3, 4}), 5);
        // missing flags become zeros; extra flags are cut to the peer count
        assertThat(PexMessage.decode(b("d5:added6:\u0001\u0002\u0003\u0004\u0000\u0005e")).addedFlags()).containsExactly(0);
        assertThat(PexMessage.decode(b("d5:added6:\u0001\u0002\u0003\u0004\u0000\u00057:added.f3:\u0001\u0002\u0003e"))
                .addedFlags()).containsExactly(1);
        assertThatThrownBy(() -> new PexMessage(List.of(a), new byte[2], List.of(), List.of(), null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        byte[] tooMany = new byte[6 * (PexMessage.MAX_PEERS + 1)];
        assertThatThrownBy(() -> PexMessage.decode(Bencode.encode(BDict.builder().put("dropped", tooMany).build())))
                .hasMessageContaining("more than " + PexMessage.MAX_PEERS);
        assertThatThrownBy(() -> PexMessage.decode(b("d6:added617:01234567890123456e"))).hasMessageContaining("multiple of 18");
        PexMessage empty = PexMessage.decode(b("de"));
        assertThat(empty).isEqualTo(new PexMessage(List.of(), null, List.of(), List.of(), null, Collections.emptyList()));
    }

    @Test
    void assemblerIgnoresPiecesThatDoNotFit() {
        byte[] info = b("d4:name1:xe");
        MetadataAssembler a = new MetadataAssembler(io.btspeed.protocol.metainfo.InfoHash.of(info));
        assertThat(a.setSize(0)).isFalse();
        assertThat(a.setSize(ExtendedHandshake.MAX_METADATA_SIZE + 1)).isFalse();
        assertThat(a.nextMissing()).isEqualTo(-1);
        assertThat(a.add(new MetadataData(0, info.length, new byte[info.length - 1]))).isEqualTo(MetadataAssembler.Result.IGNORED);
        assertThat(a.add(new MetadataData(1, info.length, new byte[0]))).isEqualTo(MetadataAssembler.Result.IGNORED);
        assertThat(a.setSize(info.length + 1)).isFalse();
        assertThat(a.add(new MetadataData(0, info.length, info))).isEqualTo(MetadataAssembler.Result.COMPLETE);
        assertThat(a.result()).isEqualTo(info);
        assertThat(a.add(new MetadataData(0, info.length, info))).isEqualTo(MetadataAssembler.Result.IGNORED);
    }
}
