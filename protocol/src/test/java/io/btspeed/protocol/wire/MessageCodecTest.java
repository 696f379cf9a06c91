package io.btspeed.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.metainfo.InfoHash;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    static byte[] encode(PeerMessage m) {
        ByteBuffer b = ByteBuffer.allocate(MessageCodec.encodedSize(m));
        MessageCodec.encode(m, b);
        assertThat(b.hasRemaining()).as("encodedSize matches").isFalse();
        return b.array();
    }

    @Test
    void everyMessageRoundTripsThroughTheFrameReader() {
        List<PeerMessage> all = List.of(new KeepAlive(), new Choke(), new Unchoke(), new Interested(), new NotInterested(),
                new Have(7), new Request(1, 16384, 16384), new Cancel(1, 0, 16384), new Port(6881), new SuggestPiece(3),
                new HaveAll(), new HaveNone(), new RejectRequest(2, 0, 100), new AllowedFast(9));
        FrameReader r = new FrameReader();
        for (PeerMessage m : all) r.feed(encode(m));
        for (PeerMessage m : all) assertThat(r.next()).isEqualTo(m);
        assertThat(r.next()).isNull();
    }

    @Test
    void variableLengthMessagesKeepTheirBytes() {
        FrameReader r = new FrameReader();
        r.feed(encode(new BitfieldMsg(new byte[] {(byte) 0xff, 0x01})));
        r.feed(encode(new Piece(5, 32768, ByteBuffer.wrap(new byte[] {1, 2, 3}))));
        r.feed(encode(new Extended(3, new byte[] {'d', 'e'})));
        assertThat(((BitfieldMsg) r.next()).bits()).containsExactly(0xff, 0x01);
        Piece p = (Piece) r.next();
        assertThat(p.piece()).isEqualTo(5);
        assertThat(p.begin()).isEqualTo(32768);
        byte[] data = new byte[p.data().remaining()];
        p.data().get(data);
        assertThat(data).containsExactly(1, 2, 3);
        Extended e = (Extended) r.next();
        assertThat(e.extId()).isEqualTo(3);
        assertThat(e.payload()).containsExactly('d', 'e');
    }

    @Test
    void framesSplitAnywhereStillDecode() {
        byte[] a = encode(new Request(1, 2, 3));
        FrameReader r = new FrameReader();
        for (byte x : a) {
            assertThat(r.next()).isNull();
            r.feed(new byte[] {x});
        }
        assertThat(r.next()).isEqualTo(new Request(1, 2, 3));
    }

    @Test
    void oversizedLengthPrefixIsRefusedBeforeBuffering() {
        FrameReader r = new FrameReader();
        assertThatThrownBy(() -> r.feed(new byte[] {(byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(WireException.class).hasMessageContaining("exceeds");
        assertThat(r.buffered()).isZero();
        FrameReader neg = new FrameReader();
        assertThatThrownBy(() -> neg.feed(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff}))
                .isInstanceOf(WireException.class).hasMessageContaining("4294967295");
    }

    @Test
    void wrongPayloadSizesAndUnknownIdsAreProtocolErrors() {
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[] {4, 0, 0}))).hasMessageContaining("must carry 4");
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[] {0, 1}))).hasMessageContaining("must carry 0");
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[14]).put(0, (byte) 6))).hasMessageContaining("must carry 12");
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[] {7, 0, 0, 0}))).hasMessageContaining("too short");
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[] {20}))).hasMessageContaining("without an extension id");
        assertThatThrownBy(() -> MessageCodec.decode(ByteBuffer.wrap(new byte[] {99}))).hasMessageContaining("unknown message id 99");
    }

    @Test
    void handshakeRoundTripsAndRejectsOtherProtocols() {
        InfoHash ih = InfoHash.of(new byte[] {1});
        byte[] id = "-BS0100-abcdefghijkl".getBytes();
        Handshake h = new Handshake(Handshake.reserved(true, true, false), ih, id);
        Handshake back = Handshake.decode(h.encode());
        assertThat(back.infoHash()).isEqualTo(ih);
        assertThat(back.peerId()).isEqualTo(id);
        assertThat(back.supportsExtensions()).isTrue();
        assertThat(back.supportsFast()).isTrue();
        assertThat(back.supportsDht()).isFalse();
        byte[] enc = h.encode();
        enc[3] = 'X';
        assertThatThrownBy(() -> Handshake.decode(enc)).hasMessageContaining("not a BitTorrent handshake");
        assertThatThrownBy(() -> Handshake.decode(new byte[10])).hasMessageContaining("68 bytes");
    }

    @Test
    void pieceHeaderMatchesTheFullEncoding() {
        ByteBuffer h = ByteBuffer.allocate(MessageCodec.PIECE_HEADER);
        MessageCodec.writePieceHeader(h, 4, 16384, 3);
        byte[] full = encode(new Piece(4, 16384, ByteBuffer.wrap(new byte[] {9, 9, 9})));
        assertThat(h.array()).isEqualTo(java.util.Arrays.copyOf(full, 13));
    }
}
