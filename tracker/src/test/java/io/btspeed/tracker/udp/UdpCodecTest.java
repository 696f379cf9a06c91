package io.btspeed.tracker.udp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.tracker.AnnounceEvent;
import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerConfig;
import io.btspeed.tracker.TrackerCounters;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * BEP 15 packet decoding. Fuzz for longer: JAZZER_FUZZ=1 ./mvnw -pl tracker test -Dtest=UdpCodecTest#fuzzPacket
 */
class UdpCodecTest {
    static ByteBuffer announce(long conn, int tx, int event, long left, int port, byte[] options) {
        ByteBuffer b = ByteBuffer.allocate(98 + options.length);
        b.putLong(conn).putInt(1).putInt(tx);
        for (int i = 0; i < 20; i++) b.put((byte) i);
        for (int i = 0; i < 20; i++) b.put((byte) (100 + i));
        b.putLong(5).putLong(left).putLong(7).putInt(event).putInt(0).putInt(0xabcdef).putInt(-1).putShort((short) port);
        b.put(options);
        return b.flip();
    }

    @Test
    void decodesConnect() {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(UdpCodec.PROTOCOL_ID).putInt(0).putInt(42).flip();
        assertThat(UdpCodec.decode(b)).isEqualTo(new UdpRequest.Connect(42));
    }

    @Test
    void connectWithoutMagicIsDroppedSilently() {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(12345).putInt(0).putInt(42).flip();
        assertThatThrownBy(() -> UdpCodec.decode(b)).isInstanceOfSatisfying(UdpRequestException.class,
                e -> assertThat(e.transactionId()).isEmpty());
    }

    @Test
    void decodesAnnounceWithBep41Options() {
        // URLData "/announce" split over two options, a NOP, then end-of-options and trailing bytes
        byte[] opts = {2, 5, '/', 'a', 'n', 'n', 'o', 2, 4, 'u', 'n', 'c', 'e', 1, 0, 9, 9};
        var a = (UdpRequest.Announce) UdpCodec.decode(announce(77, 3, 2, 1000, 6881, opts));
        assertThat(a.connectionId()).isEqualTo(77);
        assertThat(a.transactionId()).isEqualTo(3);
        assertThat(a.event()).isEqualTo(AnnounceEvent.STARTED);
        assertThat(a.left()).isEqualTo(1000);
        assertThat(a.downloaded()).isEqualTo(5);
        assertThat(a.uploaded()).isEqualTo(7);
        assertThat(a.port()).isEqualTo(6881);
        assertThat(a.numWant()).isEqualTo(-1);
        assertThat(a.infoHash().bytes()[19]).isEqualTo((byte) 19);
        assertThat(a.peerId()[0]).isEqualTo((byte) 100);
    }

    @Test
    void rejectsBadAnnounceFieldsWithTheirTransactionId() {
        expectError(announce(1, 9, 5, 0, 1, new byte[0]), "unknown event 5");
        assertThat(((UdpRequest.Announce) UdpCodec.decode(announce(1, 9, 4, 0, 1, new byte[0]))).event()).isEqualTo(AnnounceEvent.NONE);
        expectError(announce(1, 9, 0, -5, 1, new byte[0]), "negative");
        expectError(announce(1, 9, 0, 0, 0, new byte[0]), "port 0");
        expectError(announce(1, 9, 0, 0, 1, new byte[] {2, 10, 'x'}), "runs past");
        expectError(announce(1, 9, 0, 0, 1, new byte[] {7}), "without a length");
        expectError(ByteBuffer.wrap(java.util.Arrays.copyOf(announce(1, 9, 0, 0, 1, new byte[0]).array(), 97)), "at least 98");
        expectError(ByteBuffer.allocate(16).putLong(1).putInt(2).putInt(9).flip(), "1..74");
        expectError(ByteBuffer.allocate(16 + 30).putLong(1).putInt(2).putInt(9).position(0), "1..74");
        expectError(ByteBuffer.allocate(16).putLong(1).putInt(7).putInt(9).flip(), "unknown action 7");
        expectError(ByteBuffer.allocate(20).putLong(UdpCodec.PROTOCOL_ID).putInt(0).putInt(9).putInt(0).flip(), "16 bytes");
    }

    @Test
    void rejectsTooShortAndTooLongPackets() {
        assertThatThrownBy(() -> UdpCodec.decode(ByteBuffer.allocate(15))).hasMessageContaining("shorter");
        assertThatThrownBy(() -> UdpCodec.decode(ByteBuffer.allocate(UdpCodec.MAX_PACKET + 1))).hasMessageContaining("longer");
        ByteBuffer scrape = ByteBuffer.allocate(UdpCodec.MAX_PACKET).putLong(1).putInt(2).putInt(3).position(0);
        assertThat(((UdpRequest.Scrape) UdpCodec.decode(scrape)).infoHashes()).hasSize(UdpCodec.MAX_SCRAPE_HASHES);
    }

    private static void expectError(ByteBuffer packet, String message) {
        assertThatThrownBy(() -> UdpCodec.decode(packet)).isInstanceOfSatisfying(UdpRequestException.class, e -> {
            assertThat(e.getMessage()).contains(message);
            assertThat(e.transactionId()).hasValue(9);
        });
    }

    private static final UdpHandler FUZZ_HANDLER = new UdpHandler(
            new SwarmRegistry(TrackerConfig.defaults(), new Random(1)), new TrackerCounters(), new ConnectionIds(new SecureRandom()));
    private static final InetSocketAddress FROM = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 4000);

    /**
     * Any datagram: the decoder rejects it only with a ProtocolException, and the handler answers
     * with nothing or one bounded reply (never more than a full peer list).
     */
    @FuzzTest(maxDuration = "10s")
    void fuzzPacket(byte[] data) {
        try {
            UdpCodec.decode(ByteBuffer.wrap(data));
        } catch (ProtocolException expected) {
            // rejected cleanly
        }
        ByteBuffer reply = FUZZ_HANDLER.handle(ByteBuffer.wrap(data), FROM, 0);
        if (reply != null && reply.remaining() > UdpCodec.MAX_REPLY) throw new AssertionError("reply of " + reply.remaining() + " bytes");
    }
}
