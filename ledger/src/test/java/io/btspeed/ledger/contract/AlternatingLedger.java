package io.btspeed.ledger.contract;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.Transfer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spreads calls over two ledgers that share one database (round robin), as clients of a
 * load-balanced pair of ledger servers would: whatever one writes, the other must see.
 */
final class AlternatingLedger implements Ledger {
    private final Ledger a;
    private final Ledger b;
    private final AtomicLong calls = new AtomicLong();

    AlternatingLedger(Ledger a, Ledger b) {
        this.a = a;
        this.b = b;
    }

    private Ledger next() {
        return (calls.getAndIncrement() & 1) == 0 ? a : b;
    }

    @Override public TokenInfo token() { return next().token(); }
    @Override public String id() { return next().id(); }
    @Override public long balance(Address account) { return next().balance(account); }
    @Override public long nextNonce(Address account) { return next().nextNonce(account); }
    @Override public Receipt transfer(Transfer.Signed t) { return next().transfer(t); }
    @Override public Receipt openChannel(ChannelOpen.Signed o) { return next().openChannel(o); }
    @Override public Receipt closeChannel(ChannelClose.Signed c) { return next().closeChannel(c); }
    @Override public Receipt refundExpired(ChannelId id) { return next().refundExpired(id); }
    @Override public Optional<ChannelInfo> channel(ChannelId id) { return next().channel(id); }
    @Override public List<ChannelInfo> openChannels(Address account) { return next().openChannels(account); }
    @Override public List<HistoryEntry> history(Address account, int limit) { return next().history(account, limit); }
    @Override public AuditReport audit() { return next().audit(); }

    @Override
    public void close() {
        a.close();
        b.close();
    }
}
