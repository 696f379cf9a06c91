package io.btspeed.interop;

import io.btspeed.engine.ext.PeerHandle;
import io.btspeed.engine.ext.TorrentExtension;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.market.pay.Pricing;
import io.btspeed.market.wire.SpeedCodec;
import io.btspeed.market.wire.SpeedMessage;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.ext.ExtendedHandshake;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test-only buyer speaking {@code bt_speed} through the codec inside a real engine session: it
 * bids, wins, opens a real channel on the ledger, pays honestly for its first pieces and then
 * cheats in one way. It keeps its own books of what it received in the paid slot, so the test can
 * tell what the seller lost.
 */
final class CheatingBuyer implements TorrentExtension {
    enum Cheat { STOP_PAYING, FORGE, REPLAY, OVER_ESCROW }

    static final long BID = 1_048_576; // one base unit per byte

    private final KeyPair key;
    private final KeyPair mallory = KeyPair.fromPrivateKey(BigInteger.valueOf(4242));
    private final Ledger ledger;
    private final String ledgerId;
    private final Cheat cheat;
    private final int honestPieces;
    private final long escrow;
    private PeerHandle seller;
    private Address sellerAddress;
    private boolean bidSent;
    private boolean won;
    private long price;
    private ChannelId channel;
    private boolean opening;
    private long sequence;
    private long cumulative;
    private SpeedMessage.Payment lastHonest;
    /** Σ cost of what the seller sent us in its paid slot, and what we promised honestly. */
    long owedForPaidData;
    long paidHonestly;
    int honestStates;
    long maxPrice;
    final List<Integer> errors = new CopyOnWriteArrayList<>();
    volatile boolean lostSlotAfterCheating;
    volatile int acks;

    CheatingBuyer(KeyPair key, Ledger ledger, Cheat cheat, int honestPieces, long escrow) {
        this.key = key;
        this.ledger = ledger;
        this.ledgerId = ledger.id();
        this.cheat = cheat;
        this.honestPieces = honestPieces;
        this.escrow = escrow;
    }

    @Override
    public String name() {
        return SpeedCodec.EXTENSION_NAME;
    }

    @Override
    public boolean marksMarketPeers() {
        return true;
    }

    @Override
    public BValue handshakeEntry() {
        return Bencode.decode(SpeedCodec.encode(new SpeedMessage.Hello(1, ledgerId, ledger.token().symbol(), ledger.token().decimals(),
                key.address().bytes(), key.publicKey(), List.of("lowest-winning"), 0)));
    }

    @Override
    public synchronized void onHandshake(PeerHandle peer, ExtendedHandshake hs) {
        if (hs.raw() == null || hs.raw().get(name()) == null) return;
        SpeedMessage.Hello h = SpeedCodec.decodeHello(hs.raw().get(name()));
        seller = peer;
        sellerAddress = new Address(h.address());
    }

    @Override
    public synchronized void onTick(long nowNanos) {
        if (seller != null && !bidSent) {
            bidSent = true;
            send(new SpeedMessage.BidMsg(BID));
        }
    }

    @Override
    public synchronized void onMessage(PeerHandle peer, byte[] payload) {
        switch (SpeedCodec.decode(payload)) {
            case SpeedMessage.Result r -> {
                if (won && !r.won() && honestStates >= honestPieces) lostSlotAfterCheating = true;
                won = r.won();
                price = r.price();
                maxPrice = Math.max(maxPrice, price);
                if (won && price > 0 && channel == null && !opening) {
                    opening = true;
                    Thread.ofVirtual().start(this::openChannel); // never call the ledger under the torrent's lock
                }
            }
            case SpeedMessage.Error e -> errors.add(e.code());
            case SpeedMessage.Ack a -> acks++;
            default -> { }
        }
    }

    private void openChannel() {
        ChannelOpen open = new ChannelOpen(key.address(), sellerAddress, escrow, System.currentTimeMillis() + ChannelOpen.DEFAULT_LIFETIME_MILLIS,
                ledger.nextNonce(key.address()), "cheat");
        ledger.openChannel(open.sign(key));
        synchronized (this) {
            channel = open.channelId();
            send(new SpeedMessage.ChannelOpened(channel.bytes(), escrow, open.expiresAtMillis()));
            if (owedForPaidData > 0) payHonestly(); // what was owed while the channel was being opened
        }
    }

    @Override
    public synchronized void onPieceVerified(int piece, int size, Map<PeerHandle, Long> bytesByPeer) {
        Long bytes = bytesByPeer.get(seller);
        if (bytes == null || !won || price == 0) return;
        long cost = Pricing.cost(price, bytes);
        owedForPaidData += cost;
        if (channel == null) return; // not funded yet: paid when the channel opens
        if (honestStates < honestPieces) {
            payHonestly();
            return;
        }
        switch (cheat) {
            case STOP_PAYING -> { }
            case FORGE -> send(state(channel, ++sequence, owedForPaidData, mallory));
            case REPLAY -> send(lastHonest);
            case OVER_ESCROW -> send(state(channel, ++sequence, escrow + 1, key));
        }
    }

    private void payHonestly() {
        sequence++;
        cumulative = Math.min(escrow, owedForPaidData);
        paidHonestly = cumulative;
        lastHonest = state(channel, sequence, cumulative, key);
        honestStates++;
        send(lastHonest);
    }

    private static SpeedMessage.Payment state(ChannelId ch, long seq, long amount, KeyPair signer) {
        return new SpeedMessage.Payment(ch.bytes(), seq, amount, new ChannelState(ch.bytes(), seq, amount).sign(signer).signature().encode());
    }

    private void send(SpeedMessage m) {
        seller.sendExtended(name(), SpeedCodec.encode(m));
    }
}
