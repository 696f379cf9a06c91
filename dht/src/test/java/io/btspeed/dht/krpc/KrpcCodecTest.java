package io.btspeed.dht.krpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * KRPC decoding of hostile datagrams. Fuzz for longer:
 * JAZZER_FUZZ=1 ./mvnw -pl dht test -Dtest=KrpcCodecTest#fuzzDecode
 */
class KrpcCodecTest {
    static final NodeId A = id(1);
    static final NodeId B = id(2);
    static final TransactionId T = new TransactionId(new byte[] {'a', 'a'});

    static NodeId id(int fill) {
        byte[] b = new byte[20];
        Arrays.fill(b, (byte) fill);
        return new NodeId(b);
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static InetSocketAddress addr(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    private static KrpcMessage roundTrip(KrpcMessage m) {
        return KrpcCodec.decode(KrpcCodec.encode(m));
    }

    @Test
    void bep5PingExampleDecodes() {
        // the example from BEP 5, byte for byte
        KrpcMessage m = KrpcCodec.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"));
        assertThat(m).isEqualTo(new KrpcMessage.Ping(T, new NodeId(ascii("abcdefghij0123456789")), false));
    }

    @Test
    void bep5GetPeersResponseWithValuesDecodes() {
        byte[] raw = ascii("d1:rd2:id20:abcdefghij01234567895:token8:aoeusnth6:valuesl6:axje.u6:idhtnmee1:t2:aa1:y1:re");
        KrpcMessage.Response r = (KrpcMessage.Response) KrpcCodec.decode(raw);
        assertThat(r.token()).isEqualTo(new Token(ascii("aoeusnth")));
        assertThat(r.values()).containsExactly(addr("97.120.106.101", ('.' << 8) | 'u'), addr("105.100.104.116", ('n' << 8) | 'm'));
    }

    @Test
    void everyQueryRoundTrips() {
        InfoHash ih = new InfoHash(id(9).bytes());
        List<KrpcMessage> all = List.of(
                new KrpcMessage.Ping(T, A, false),
                new KrpcMessage.Ping(T, A, true),
                new KrpcMessage.FindNode(T, A, B, Want.DEFAULT, false),
                new KrpcMessage.FindNode(T, A, B, Want.BOTH, false),
                new KrpcMessage.GetPeers(T, A, ih, new Want(false, true), false),
                new KrpcMessage.AnnouncePeer(T, A, ih, 6881, false, new Token(ascii("tok")), false),
                new KrpcMessage.AnnouncePeer(T, A, ih, 1, true, new Token(ascii("tok")), false),
                new KrpcMessage.Error(T, 203, "bad token"));
        for (KrpcMessage m : all) assertThat(roundTrip(m)).isEqualTo(m);
    }

    @Test
    void responseWithIpv4AndIpv6NodesAndPeersRoundTrips() {
        KrpcMessage.Response r = new KrpcMessage.Response(T, A,
                List.of(new NodeInfo(B, addr("10.0.0.1", 6881)), new NodeInfo(id(3), addr("192.168.1.2", 1))),
                List.of(new NodeInfo(id(4), addr("2001:db8::1", 51413))),
                List.of(addr("1.2.3.4", 80), addr("2001:db8::7", 443)), new Token(ascii("12345678")));
        assertThat(roundTrip(r)).isEqualTo(r);
        byte[] raw = KrpcCodec.encode(r);
        // 2 × 26-byte IPv4 entries, 1 × 38-byte IPv6 entry, as BEP 5 / BEP 32 lay them out
        assertThat(new String(raw, StandardCharsets.ISO_8859_1)).contains("5:nodes52:").contains("6:nodes638:");
    }

    @Test
    void unknownMethodIsAnsweredWith204() {
        assertThatThrownBy(() -> KrpcCodec.decode(ascii("d1:ad2:id20:abcdefghij0123456789e1:q4:vote1:t2:aa1:y1:qe")))
                .isInstanceOfSatisfying(KrpcException.class, e -> {
                    assertThat(e.code()).isEqualTo(204);
                    assertThat(e.toReply()).isEqualTo(new KrpcMessage.Error(T, 204, e.getMessage()));
                });
    }

    @Test
    void queryWithShortIdIsAnsweredWith203() {
        assertThatThrownBy(() -> KrpcCodec.decode(ascii("d1:ad2:id19:abcdefghij012345678e1:q4:ping1:t2:aa1:y1:qe")))
                .isInstanceOfSatisfying(KrpcException.class, e -> {
                    assertThat(e.getMessage()).contains("'id' is 19 bytes");
                    assertThat(e.toReply().code()).isEqualTo(203);
                });
    }

    @Test
    void brokenResponsesAreRefusedWithoutAReply() {
        String[] bad = {
                "d1:rd2:id20:abcdefghij01234567895:nodes25:abcdefghij0123456789abcdee1:t2:aa1:y1:re", // 25 is not 26·n
                "d1:rd2:id20:abcdefghij01234567896:nodes626:abcdefghij0123456789abcdefe1:t2:aa1:y1:re", // 26 is not 38·n
                "d1:rd2:id20:abcdefghij01234567896:valuesl5:abcdeee1:t2:aa1:y1:re", // peer of 5 bytes
                "d1:rd2:id20:abcdefghij01234567896:valuesi5ee1:t2:aa1:y1:re", // values not a list
                "d1:rd2:id20:abcdefghij01234567895:token0:e1:t2:aa1:y1:re", // empty token
                "d1:r0:1:t2:aa1:y1:re", // r not a dict
                "d1:eli201ee1:t2:aa1:y1:ee", // error without message
        };
        for (String s : bad) {
            assertThatThrownBy(() -> KrpcCodec.decode(ascii(s))).as(s)
                    .isInstanceOfSatisfying(KrpcException.class, e -> assertThat(e.toReply()).isNull());
        }
    }

    @Test
    void messagesWithoutUsableTransactionIdAreDropped() {
        String[] bad = {
                "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:y1:qe", // no t
                "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t0:1:y1:qe", // empty t
                "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t17:aaaaaaaaaaaaaaaaa1:y1:qe", // t too long
                "d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:ti5e1:y1:qe", // t not a string
                "le", "i1e", "", "d", "garbage",
        };
        for (String s : bad) {
            assertThatThrownBy(() -> KrpcCodec.decode(ascii(s))).as(s)
                    .isInstanceOfSatisfying(KrpcException.class, e -> assertThat(e.toReply()).isNull());
        }
    }

    @Test
    void oversizedDatagramAndOversizedListsAreRefused() {
        byte[] huge = new byte[KrpcCodec.MAX_PACKET + 1];
        assertThatThrownBy(() -> KrpcCodec.decode(huge)).isInstanceOf(KrpcException.class).hasMessageContaining("exceeds");
        byte[] nodes = new byte[26 * (KrpcCodec.MAX_NODES + 1)];
        Arrays.fill(nodes, (byte) 1);
        String raw = "d1:rd2:id20:abcdefghij01234567895:nodes" + nodes.length + ":" + new String(nodes, StandardCharsets.ISO_8859_1)
                + "e1:t2:aa1:y1:re";
        assertThatThrownBy(() -> KrpcCodec.decode(ascii(raw))).isInstanceOf(KrpcException.class).hasMessageContaining("at most");
    }

    @Test
    void announceNeedsValidPortUnlessImplied() {
        String base = "d1:ad2:id20:abcdefghij01234567899:info_hash20:mnopqrstuvwxyz123456%s5:token2:tke1:q13:announce_peer1:t2:aa1:y1:qe";
        assertThatThrownBy(() -> KrpcCodec.decode(ascii(base.formatted("4:porti0e")))).isInstanceOf(KrpcException.class);
        assertThatThrownBy(() -> KrpcCodec.decode(ascii(base.formatted("4:porti65536e")))).isInstanceOf(KrpcException.class);
        assertThatThrownBy(() -> KrpcCodec.decode(ascii(base.formatted("")))).isInstanceOf(KrpcException.class);
        var implied = (KrpcMessage.AnnouncePeer) KrpcCodec.decode(ascii(base.formatted("12:implied_porti1e4:porti0e")));
        assertThat(implied.impliedPort()).isTrue();
    }

    @Test
    void portZeroEntriesAreSkippedAndMappedAddressesLeaveNodes6() {
        byte[] n4 = new byte[26];
        n4[20] = 10; // 10.0.0.0:0
        byte[] n6 = new byte[38];
        n6[30] = (byte) 0xff;
        n6[31] = (byte) 0xff;
        n6[32] = 1;
        n6[37] = 1; // ::ffff:1.0.0.0 port 1: IPv4 in disguise
        assertThat(CompactAddresses.decodeNodes(n4, false, 8, "nodes")).isEmpty();
        assertThat(CompactAddresses.decodeNodes(n6, true, 8, "nodes6")).isEmpty();
    }

    @FuzzTest(maxDuration = "10s")
    void fuzzDecode(byte[] data) {
        try {
            KrpcMessage m = KrpcCodec.decode(data);
            // whatever decodes must encode and decode to the same message
            assertThat(KrpcCodec.decode(KrpcCodec.encode(m))).isEqualTo(m);
        } catch (KrpcException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }
}
