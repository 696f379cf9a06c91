package io.btspeed.core.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.session.SessionAction.*;
import io.btspeed.protocol.wire.*;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PeerSessionTest {
    static final int B = 16 * 1024;
    static final int PIECES = 10;
    static final int PLEN = 4 * B;
    static final long TOTAL = (long) (PIECES - 1) * PLEN + 100;
    final List<SessionAction> out = new ArrayList<>();

    static Bitfield have(int... p) {
        Bitfield b = new Bitfield(PIECES);
        for (int i : p) b.set(i);
        return b;
    }

    PeerSession session(boolean fast, int... ourPieces) {
        return new PeerSession(PLEN, TOTAL, have(ourPieces), fast, 3, 0);
    }

    Disconnect disconnect() {
        return out.stream().filter(a -> a instanceof Disconnect).map(a -> (Disconnect) a).findFirst().orElseThrow();
    }

    @Test
    void startSendsBitfieldOrFastShortcuts() {
        session(false, 1).start(0, out);
        assertThat(((Send) out.getFirst()).message()).isInstanceOf(BitfieldMsg.class);
        out.clear();
        new PeerSession(PLEN, TOTAL, Bitfield.full(PIECES), true, 3, 0).start(0, out);
        assertThat(out).containsExactly(new Send(new HaveAll()));
        out.clear();
        session(true).start(0, out);
        assertThat(out).containsExactly(new Send(new HaveNone()));
    }

    @Test
    void bitfieldMakesUsInterestedAndOnlyAllowedFirst() {
        PeerSession s = session(false, 0);
        s.onMessage(new BitfieldMsg(have(0, 3).toBytes()), 1, out);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).isInstanceOf(PeerBitfield.class);
        assertThat(out.get(1)).isEqualTo(new Send(new Interested()));
        assertThat(s.amInterested()).isTrue();
        out.clear();
        s.onMessage(new BitfieldMsg(have(0).toBytes()), 2, out);
        assertThat(disconnect().reason()).contains("first");
        out.clear();
        s.onMessage(new Unchoke(), 3, out);
        assertThat(out).as("ignored after disconnect").isEmpty();
    }

    @Test
    void badBitfieldAndIndexesDisconnect() {
        PeerSession s = session(false);
        s.onMessage(new BitfieldMsg(new byte[] {0, 0x3F}), 0, out); // spare bits set for 10 pieces
        assertThat(disconnect().reason()).contains("spare bits");
        out.clear();
        PeerSession t = session(false);
        t.onMessage(new Have(PIECES), 0, out);
        assertThat(disconnect().reason()).contains("out of range");
    }

    @Test
    void fastMessagesRequireFastExtension() {
        PeerSession s = session(false);
        s.onMessage(new HaveAll(), 0, out);
        assertThat(disconnect().reason()).contains("without the Fast");
        out.clear();
        PeerSession f = session(true);
        f.onMessage(new Have(2), 0, out);
        out.clear();
        f.onMessage(new HaveAll(), 0, out);
        assertThat(disconnect().reason()).contains("not the first");
    }

    @Test
    void requestsValidatedAndServedWhenUnchoked() {
        PeerSession s = session(true, 2, 9);
        s.onMessage(new Interested(), 0, out);
        s.onMessage(new Request(2, 0, B), 0, out);
        assertThat(out).containsExactly(new Send(new RejectRequest(2, 0, B))); // choked: Fast rejects explicitly
        out.clear();
        s.setChoked(false, 1, out);
        assertThat(out).containsExactly(new Send(new Unchoke()));
        out.clear();
        s.onMessage(new Request(2, B, B), 1, out);
        assertThat(out).containsExactly(new Serve(2, B, B));
        out.clear();
        s.onMessage(new Request(5, 0, B), 1, out);
        assertThat(out).containsExactly(new Send(new RejectRequest(5, 0, B))); // we don't have it
        out.clear();
        s.onMessage(new Cancel(2, B, B), 1, out);
        assertThat(out).containsExactly(new CancelServe(2, B, B));
        out.clear();
        s.onMessage(new Request(9, 0, 101), 1, out); // last piece is 100 bytes
        assertThat(disconnect().reason()).contains("beyond piece");
        out.clear();
        PeerSession t = session(true, 2);
        t.setChoked(false, 0, out);
        t.onMessage(new Request(2, 0, PeerSession.MAX_REQUEST + 1), 0, out);
        assertThat(disconnect().reason()).contains("length");
    }

    @Test
    void chokingRejectsQueuedUploadsWithFast() {
        PeerSession s = session(true, 2);
        s.setChoked(false, 0, out);
        s.onMessage(new Request(2, 0, B), 0, out);
        out.clear();
        s.setChoked(true, 1, out);
        assertThat(out).containsExactly(new Send(new Choke()), new CancelServe(2, 0, B), new Send(new RejectRequest(2, 0, B)));
        assertThat(s.queuedUploads()).isZero();
    }

    @Test
    void blocksMatchedAgainstOurRequests() {
        PeerSession s = session(false);
        s.onMessage(new BitfieldMsg(have(1).toBytes()), 0, out);
        s.onMessage(new Unchoke(), 0, out);
        out.clear();
        s.request(List.of(new BlockRequest(1, 0, B), new BlockRequest(1, B, B)), 0, out);
        assertThat(out).containsExactly(new Send(new Request(1, 0, B)), new Send(new Request(1, B, B)));
        out.clear();
        ByteBuffer data = ByteBuffer.allocate(B);
        s.onMessage(new Piece(1, 0, data), 1, out);
        assertThat(out).containsExactly(new BlockReceived(1, 0, data));
        out.clear();
        // the same block again, and blocks never requested: counted, disconnect after 3
        for (int i = 0; i < 3; i++) s.onMessage(new Piece(1, 0, ByteBuffer.allocate(B)), 1, out);
        assertThat(out).isEmpty();
        s.onMessage(new Piece(3, 0, ByteBuffer.allocate(B)), 1, out);
        assertThat(disconnect().reason()).contains("unrequested");
    }

    @Test
    void chokeWithoutFastDropsOurRequests() {
        PeerSession s = session(false);
        s.onMessage(new BitfieldMsg(have(1).toBytes()), 0, out);
        s.onMessage(new Unchoke(), 0, out);
        s.request(List.of(new BlockRequest(1, 0, B)), 0, out);
        out.clear();
        s.onMessage(new Choke(), 1, out);
        assertThat(out).containsExactly(new RequestDropped(1, 0, B));
        assertThat(s.outstandingRequests()).isZero();
        assertThatThrownBy(() -> s.request(List.of(new BlockRequest(1, 0, B)), 1, out)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void fastRejectAndAllowedFast() {
        PeerSession s = session(true);
        s.onMessage(new HaveAll(), 0, out);
        out.clear();
        s.onMessage(new AllowedFast(4), 0, out);
        assertThat(out).containsExactly(new CanRequest());
        assertThat(s.requestablePiecesWhileChoked().get(4)).isTrue();
        out.clear();
        s.request(List.of(new BlockRequest(4, 0, B)), 0, out);
        s.onMessage(new RejectRequest(4, 0, B), 1, out);
        assertThat(out).contains(new RequestDropped(4, 0, B));
        assertThat(s.outstandingRequests()).isZero();
    }

    @Test
    void keepAliveAndIdleTimeout() {
        PeerSession s = session(false);
        s.tick(PeerSession.KEEPALIVE_NANOS, out);
        assertThat(out).containsExactly(new Send(new KeepAlive()));
        out.clear();
        s.tick(PeerSession.IDLE_TIMEOUT_NANOS, out);
        assertThat(disconnect().reason()).contains("idle");
    }

    @Test
    void weHaveAnnouncesAndDropsInterest() {
        PeerSession s = session(false);
        s.onMessage(new BitfieldMsg(have(1).toBytes()), 0, out);
        out.clear();
        s.weHave(1, 1, out);
        assertThat(out).containsExactly(new Send(new Have(1)), new Send(new NotInterested()));
    }
}
