package io.btspeed.protocol.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every message id with every wrong payload size, and the frame limits. */
class WireValidationTest {
    static ByteBuffer body(int id, int payload) {
        byte[] b = new byte[1 + payload];
        b[0] = (byte) id;
        return ByteBuffer.wrap(b);
    }

    @ParameterizedTest(name = "id {0} carries exactly {1} bytes")
    @CsvSource({"0,0", "1,0", "2,0", "3,0", "4,4", "6,12", "8,12", "9,2", "13,4", "14,0", "15,0", "16,12", "17,4"})
    void fixedSizeMessagesAcceptOnlyTheirSize(int id, int size) {
        assertThat(MessageCodec.decode(body(id, size))).isNotNull();
        for (int wrong : new int[] {size - 1, size + 1, size + 13}) {
            if (wrong < 0) continue;
            assertThatThrownBy(() -> MessageCodec.decode(body(id, wrong))).isInstanceOf(WireException.class)
                    .hasMessage("message id " + id + " must carry " + size + " payload bytes, got " + wrong);
        }
    }

    @Test
    void unassignedIdsAreRejected() {
        for (int id : new int[] {10, 11, 12, 18, 19, 21, 255}) {
            assertThatThrownBy(() -> MessageCodec.decode(body(id, 0))).hasMessage("unknown message id " + id);
        }
    }

    @Test
    void decodedFieldsAreBigEndianAndUnsignedWhereTheSpecSaysSo() {
        ByteBuffer b = ByteBuffer.allocate(13).put((byte) 6).putInt(0x01020304).putInt(0x7fffffff).putInt(16384).flip();
        assertThat(MessageCodec.decode(b)).isEqualTo(new Request(0x01020304, 0x7fffffff, 16384));
        assertThat(MessageCodec.decode(ByteBuffer.wrap(new byte[] {9, (byte) 0xff, (byte) 0xfe}))).isEqualTo(new Port(65534));
        // decode reads from position without consuming the caller's buffer
        ByteBuffer have = ByteBuffer.wrap(new byte[] {4, 0, 0, 0, 5});
        MessageCodec.decode(have);
        assertThat(have.position()).isZero();
    }

    @Test
    void pieceDataIsAViewOfExactlyThePayload() {
        ByteBuffer b = ByteBuffer.allocate(12).put((byte) 7).putInt(1).putInt(2).put(new byte[] {7, 8, 9}).flip();
        Piece p = (Piece) MessageCodec.decode(b);
        assertThat(p.data().remaining()).isEqualTo(3);
        assertThat(p.data().get(0)).isEqualTo((byte) 7);
        assertThat(MessageCodec.decode(ByteBuffer.wrap(new byte[] {7, 0, 0, 0, 1, 0, 0, 0, 2}))).isInstanceOf(Piece.class);
    }

    @Test
    void messagesWithArraysAreValues() {
        assertThat(new BitfieldMsg(new byte[] {1, 2})).isEqualTo(new BitfieldMsg(new byte[] {1, 2}))
                .hasSameHashCodeAs(new BitfieldMsg(new byte[] {1, 2})).isNotEqualTo(new BitfieldMsg(new byte[] {1, 3}));
        assertThat(new Extended(1, new byte[] {5})).isEqualTo(new Extended(1, new byte[] {5})).isNotEqualTo(new Extended(2, new byte[] {5}));
        assertThatThrownBy(() -> new Extended(256, new byte[0])).isInstanceOf(WireException.class);
    }

    @Test
    void frameReaderEnforcesItsLimitAtTheLengthPrefix() {
        FrameReader r = new FrameReader(100);
        // the prefix arrives in two pieces; the feed that completes it is refused and buffers nothing
        r.feed(new byte[] {0, 0});
        assertThatThrownBy(() -> r.feed(ByteBuffer.allocate(1000).put(0, (byte) 0).put(1, (byte) 101)))
                .isInstanceOf(WireException.class).hasMessage("length prefix 101 exceeds 100");
        assertThat(r.buffered()).isEqualTo(2);
        // a later frame in the same feed is caught when it reaches the head
        FrameReader later = new FrameReader(100);
        later.feed(ByteBuffer.allocate(5 + 4).putInt(1).put((byte) 2).putInt(-1).flip());
        assertThat(later.next()).isEqualTo(new Interested());
        assertThatThrownBy(later::next).isInstanceOf(WireException.class).hasMessage("length prefix 4294967295 exceeds 100");
        FrameReader ok = new FrameReader(100);
        ByteBuffer frame = ByteBuffer.allocate(104).putInt(100).put((byte) 5).flip();
        frame.limit(104);
        ok.feed(frame);
        assertThat(ok.next()).isEqualTo(new BitfieldMsg(new byte[99]));
        assertThat(ok.buffered()).isZero();
    }

    @Test
    void keepAlivesAndBackToBackFramesInOneFeed() {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 5 + 4).putInt(0).putInt(5).put((byte) 4).putInt(42).putInt(0).flip();
        FrameReader r = new FrameReader();
        r.feed(b);
        assertThat(r.next()).isEqualTo(new KeepAlive());
        assertThat(r.next()).isEqualTo(new Have(42));
        assertThat(r.next()).isEqualTo(new KeepAlive());
        assertThat(r.next()).isNull();
    }
}
