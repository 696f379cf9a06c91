package io.btspeed.ledger.contract;

import io.btspeed.ledger.AuditReport;
import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerException.Code;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.Transfer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A transport test fixture: a small, synchronized, non-durable {@link Ledger} so the HTTP server
 * and client can be exercised end to end in unit tests without a database. It is not a store and
 * ships nowhere; the stores' own rules are tested against SQLite and PostgreSQL.
 */
public final class InMemoryLedger implements Ledger {
    private final TokenInfo token;
    private final InstantSource clock;
    private final Map<Address, Long> balances = new HashMap<>();
    private final Map<Address, Long> nonces = new HashMap<>();
    private final Map<ChannelId, ChannelInfo> channels = new HashMap<>();
    private final Map<String, Receipt> receipts = new HashMap<>();
    private final Map<Address, List<HistoryEntry>> history = new HashMap<>();
    private long journal;

    public InMemoryLedger(TokenInfo token, Address genesis, InstantSource clock) {
        this.token = token;
        this.clock = clock;
        balances.put(genesis, token.supply());
        journal = 1;
        entry(genesis, new HistoryEntry(0, clock.millis(), HistoryEntry.Kind.GENESIS, null, token.supply(), "genesis", null));
    }

    @Override
    public TokenInfo token() {
        return token;
    }

    @Override
    public synchronized long balance(Address account) {
        return balances.getOrDefault(account, 0L);
    }

    @Override
    public synchronized long nextNonce(Address account) {
        return nonces.getOrDefault(account, 0L);
    }

    @Override
    public synchronized Receipt transfer(Transfer.Signed s) {
        Receipt seen = receipts.get(HexFormat.of().formatHex(s.id()));
        if (seen != null) {
            return seen;
        }
        if (!s.verify()) {
            throw new LedgerException(Code.BAD_SIGNATURE, "transfer signature does not verify for " + s.transfer().from());
        }
        Transfer t = s.transfer();
        spendNonce(t.from(), t.nonce());
        if (balance(t.from()) < t.amount()) {
            throw new LedgerException(Code.INSUFFICIENT_FUNDS, "balance below " + t.amount());
        }
        nonces.merge(t.from(), 1L, Long::sum);
        Receipt r = receipt(s.id());
        balances.merge(t.from(), -t.amount(), Long::sum);
        balances.merge(t.to(), t.amount(), Long::sum);
        entry(t.from(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.TRANSFER_OUT, t.to(), -t.amount(), t.memo(), null));
        entry(t.to(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.TRANSFER_IN, t.from(), t.amount(), t.memo(), null));
        return r;
    }

    @Override
    public synchronized Receipt openChannel(ChannelOpen.Signed s) {
        Receipt seen = receipts.get(HexFormat.of().formatHex(s.id()));
        if (seen != null) {
            return seen;
        }
        if (!s.verify()) {
            throw new LedgerException(Code.BAD_SIGNATURE, "open signature does not verify");
        }
        ChannelOpen o = s.open();
        spendNonce(o.payer(), o.nonce());
        if (o.expiresAtMillis() <= clock.millis()) {
            throw new LedgerException(Code.CHANNEL_EXPIRED, "expiry in the past");
        }
        if (balance(o.payer()) < o.escrow()) {
            throw new LedgerException(Code.INSUFFICIENT_FUNDS, "balance below escrow " + o.escrow());
        }
        nonces.merge(o.payer(), 1L, Long::sum);
        Receipt r = receipt(s.id());
        balances.merge(o.payer(), -o.escrow(), Long::sum);
        ChannelId id = o.channelId();
        channels.put(id, new ChannelInfo(id, o.payer(), s.payerKey(), o.payee(), o.escrow(), o.expiresAtMillis(),
                ChannelInfo.Status.OPEN, 0, 0, o.memo()));
        entry(o.payer(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.CHANNEL_LOCK, o.payee(), -o.escrow(), o.memo(), id));
        return r;
    }

    @Override
    public synchronized Receipt closeChannel(ChannelClose.Signed s) {
        Receipt seen = receipts.get(HexFormat.of().formatHex(s.id()));
        if (seen != null) {
            return seen;
        }
        ChannelClose c = s.close();
        ChannelInfo ch = channels.get(c.channel());
        if (ch == null) {
            throw new LedgerException(Code.CHANNEL_NOT_FOUND, "no channel " + c.channel());
        }
        if (!s.payeeKey().address().equals(ch.payee())) {
            throw new LedgerException(Code.WRONG_PARTY, "only the payee closes");
        }
        if (!s.verify()) {
            throw new LedgerException(Code.BAD_SIGNATURE, "close signature does not verify");
        }
        if (ch.status() != ChannelInfo.Status.OPEN) {
            throw new LedgerException(Code.CHANNEL_NOT_OPEN, "channel is " + ch.status());
        }
        if (clock.millis() >= ch.expiresAtMillis()) {
            throw new LedgerException(Code.CHANNEL_EXPIRED, "channel expired");
        }
        if (c.best() != null && !c.best().verify(ch.payerKey())) {
            throw new LedgerException(Code.BAD_SIGNATURE, "state not signed by the payer");
        }
        if (c.amount() > ch.escrow()) {
            throw new LedgerException(Code.OVER_ESCROW, "state pays more than the escrow");
        }
        Receipt r = receipt(s.id());
        balances.merge(ch.payee(), c.amount(), Long::sum);
        balances.merge(ch.payer(), ch.escrow() - c.amount(), Long::sum);
        channels.put(ch.id(), new ChannelInfo(ch.id(), ch.payer(), ch.payerKey(), ch.payee(), ch.escrow(), ch.expiresAtMillis(),
                ChannelInfo.Status.CLOSED, c.amount(), c.sequence(), ch.memo()));
        entry(ch.payee(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.CHANNEL_PAYOUT, ch.payer(), c.amount(), ch.memo(), ch.id()));
        entry(ch.payer(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.CHANNEL_RETURN, ch.payee(), ch.escrow() - c.amount(), ch.memo(), ch.id()));
        return r;
    }

    @Override
    public synchronized Receipt refundExpired(ChannelId id) {
        ChannelInfo ch = channels.get(id);
        if (ch == null) {
            throw new LedgerException(Code.CHANNEL_NOT_FOUND, "no channel " + id);
        }
        if (ch.status() != ChannelInfo.Status.OPEN) {
            throw new LedgerException(Code.CHANNEL_NOT_OPEN, "channel is " + ch.status());
        }
        if (clock.millis() < ch.expiresAtMillis()) {
            throw new LedgerException(Code.CHANNEL_NOT_EXPIRED, "channel not expired");
        }
        Receipt r = receipt(("refund" + id).getBytes(StandardCharsets.UTF_8));
        balances.merge(ch.payer(), ch.escrow(), Long::sum);
        channels.put(id, new ChannelInfo(id, ch.payer(), ch.payerKey(), ch.payee(), ch.escrow(), ch.expiresAtMillis(),
                ChannelInfo.Status.REFUNDED, 0, 0, ch.memo()));
        entry(ch.payer(), new HistoryEntry(r.journalSeq(), r.atMillis(), HistoryEntry.Kind.CHANNEL_RETURN, ch.payee(), ch.escrow(), ch.memo(), id));
        return r;
    }

    @Override
    public synchronized Optional<ChannelInfo> channel(ChannelId id) {
        return Optional.ofNullable(channels.get(id));
    }

    @Override
    public synchronized List<ChannelInfo> openChannels(Address a) {
        return channels.values().stream().filter(c -> c.status() == ChannelInfo.Status.OPEN)
                .filter(c -> c.payer().equals(a) || c.payee().equals(a)).toList();
    }

    @Override
    public synchronized List<HistoryEntry> history(Address a, int limit) {
        List<HistoryEntry> all = new ArrayList<>(history.getOrDefault(a, List.of()));
        java.util.Collections.reverse(all);
        return List.copyOf(all.subList(0, Math.min(limit, all.size())));
    }

    @Override
    public synchronized AuditReport audit() {
        long sum = balances.values().stream().mapToLong(Long::longValue).sum();
        long escrow = channels.values().stream().filter(c -> c.status() == ChannelInfo.Status.OPEN).mapToLong(ChannelInfo::escrow).sum();
        return new AuditReport(token.supply(), sum, escrow, journal, List.of());
    }

    @Override
    public void close() {
    }

    private void spendNonce(Address who, long nonce) {
        if (nonce != nextNonce(who)) {
            throw new LedgerException(Code.BAD_NONCE, "expected nonce " + nextNonce(who) + ", got " + nonce);
        }
    }

    private Receipt receipt(byte[] id) {
        byte[] opId = java.util.Arrays.copyOf(io.btspeed.ledger.crypto.Keccak.keccak256(id), 32);
        Receipt r = new Receipt(opId, journal++, clock.millis());
        receipts.put(HexFormat.of().formatHex(id), r);
        return r;
    }

    private void entry(Address a, HistoryEntry e) {
        history.computeIfAbsent(a, k -> new ArrayList<>()).add(e);
    }
}
