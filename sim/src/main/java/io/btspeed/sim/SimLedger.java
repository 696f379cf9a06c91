package io.btspeed.sim;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.crypto.PublicKey;
import java.util.HashMap;
import java.util.Map;

/**
 * The ledger as the simulator models it: an in-memory exact-balance book over {@link Tokens}. Opening a
 * channel locks its escrow out of the payer's balance; closing pays the payee the amount of the state it
 * closes with and returns the rest to the payer; each channel settles once. No signatures: simulated
 * peers are honest, so the flows' signature checks are stood in for (see {@link SimPayments}).
 */
final class SimLedger {
    private record Channel(int payer, int payee, long escrow, long expiresAtMillis, ChannelInfo info) {}

    private final Tokens tokens;
    private final PublicKey anyKey;
    private final Map<ChannelId, Channel> open = new HashMap<>();
    private long nextId;

    SimLedger(Tokens tokens, PublicKey anyKey) {
        this.tokens = tokens;
        this.anyKey = anyKey;
    }

    /** A peer's ledger address: its id in the last four bytes. */
    static Address address(int peer) {
        byte[] b = new byte[Address.LENGTH];
        b[16] = (byte) (peer >>> 24);
        b[17] = (byte) (peer >>> 16);
        b[18] = (byte) (peer >>> 8);
        b[19] = (byte) peer;
        return new Address(b);
    }

    static int peer(Address a) {
        byte[] b = a.bytes();
        return (b[16] & 0xff) << 24 | (b[17] & 0xff) << 16 | (b[18] & 0xff) << 8 | (b[19] & 0xff);
    }

    /** Opens a channel, or returns null when the payer's balance cannot lock the escrow (the ledger refuses). */
    ChannelInfo open(int payer, int payee, long escrow, long expiresAtMillis) {
        if (escrow <= 0 || !tokens.lock(payer, escrow)) return null;
        byte[] id = new byte[32];
        long n = ++nextId;
        for (int i = 0; i < 8; i++) id[31 - i] = (byte) (n >>> (8 * i));
        ChannelId cid = new ChannelId(id);
        ChannelInfo info = new ChannelInfo(cid, address(payer), anyKey, address(payee), escrow, expiresAtMillis,
                ChannelInfo.Status.OPEN, 0, 0, "");
        open.put(cid, new Channel(payer, payee, escrow, expiresAtMillis, info));
        return info;
    }

    /** The ledger's record of an open channel, or null once it settled. */
    ChannelInfo channel(ChannelId id) {
        Channel c = open.get(id);
        return c == null ? null : c.info();
    }

    /** Settles a channel paying {@code amount} to its payee; a second close of the same channel is refused (ignored). */
    void close(ChannelId id, long amount) {
        Channel c = open.remove(id);
        if (c == null) return;
        tokens.release(c.payer(), c.payee(), c.escrow(), amount);
    }

    long opened() {
        return nextId;
    }

    int openChannels() {
        return open.size();
    }
}
