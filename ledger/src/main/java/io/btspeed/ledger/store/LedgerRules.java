package io.btspeed.ledger.store;

import static io.btspeed.ledger.LedgerException.Code.*;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry.Kind;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.LedgerOp;
import io.btspeed.ledger.op.Transfer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ledger's rules in one place. Pure: given the current state (through {@link View}) and the
 * ledger time, it either rejects an operation with a {@link LedgerException} or returns the
 * complete {@link Effect}. The SQLite and PostgreSQL stores apply that effect; the audit replays
 * the journal through the same function, so a rule can never differ between writing and checking.
 */
public final class LedgerRules {
    /** Longest channel lifetime accepted: bounds how long escrow can be locked away from its owner. */
    public static final long MAX_CHANNEL_LIFETIME_MILLIS = 30L * 24 * 60 * 60 * 1000;

    /** Read access to the state an operation is checked against. */
    public interface View {
        Account account(Address address);

        Optional<ChannelInfo> channel(ChannelId id);
    }

    private LedgerRules() {}

    /**
     * Signature checks already done by the caller, so a single writer thread does not have to do
     * them serially. {@code opSignature}: the operation's own signature verified; {@code stateKey}:
     * the payment state of a close verified against this payer key (used only if it is the
     * channel's recorded payer key).
     */
    public record Preverified(boolean opSignature, io.btspeed.ledger.crypto.PublicKey stateKey) {
        public static final Preverified NONE = new Preverified(false, null);
    }

    public static Effect apply(LedgerOp op, View state, long nowMillis) {
        return apply(op, state, nowMillis, Preverified.NONE);
    }

    public static Effect apply(LedgerOp op, View state, long nowMillis, Preverified pre) {
        return switch (op) {
            case LedgerOp.Genesis g -> throw new LedgerException(INVALID_REQUEST, "genesis only happens when a ledger is created");
            case LedgerOp.TransferOp t -> transfer(t.signed(), state, pre);
            case LedgerOp.OpenOp o -> open(o.signed(), state, nowMillis, pre);
            case LedgerOp.CloseOp c -> close(c.signed(), state, nowMillis, pre);
            case LedgerOp.RefundOp r -> refund(r.channel(), state, nowMillis);
        };
    }

    /**
     * Checks the signatures that do not depend on ledger state; safe to run on any thread before
     * the operation reaches the writer. Returns what it verified for {@link #apply}.
     */
    public static Preverified verifySignatures(LedgerOp op, View state) {
        switch (op) {
            case LedgerOp.TransferOp t -> {
                if (!t.signed().verify()) throw new LedgerException(BAD_SIGNATURE, "transfer signature does not verify for " + t.signed().transfer().from());
                return new Preverified(true, null);
            }
            case LedgerOp.OpenOp o -> {
                if (!o.signed().verify()) throw new LedgerException(BAD_SIGNATURE, "channel open signature does not verify for " + o.signed().open().payer());
                return new Preverified(true, null);
            }
            case LedgerOp.CloseOp c -> {
                io.btspeed.ledger.crypto.PublicKey stateKey = null;
                ChannelState.Signed best = c.signed().close().best();
                Optional<ChannelInfo> ch = state.channel(c.signed().close().channel());
                if (best != null && ch.isPresent() && best.verify(ch.get().payerKey())) stateKey = ch.get().payerKey();
                // a failed check here is left to the writer, which reports it with the right code and order
                return new Preverified(c.signed().verify(), stateKey);
            }
            default -> {
                return Preverified.NONE;
            }
        }
    }

    /** The state right after genesis: the whole supply on one account. */
    public static Effect genesis(LedgerOp.Genesis g) {
        return new Effect(Map.of(g.holder(), new Account(g.token().supply(), 0)), null,
                List.of(new Effect.Row(g.holder(), Kind.GENESIS, g.holder(), g.token().supply(), "genesis", null)));
    }

    private static Effect transfer(Transfer.Signed s, View state, Preverified pre) {
        Transfer t = s.transfer();
        if (t.from().equals(t.to())) throw new LedgerException(INVALID_REQUEST, "a transfer to the sender itself moves nothing");
        if (!pre.opSignature() && !s.verify()) throw new LedgerException(BAD_SIGNATURE, "transfer signature does not verify for " + t.from());
        Account from = state.account(t.from());
        checkNonce(t.from(), from, t.nonce());
        if (from.balance() < t.amount()) {
            throw new LedgerException(INSUFFICIENT_FUNDS, t.from() + " has " + from.balance() + ", transfer needs " + t.amount());
        }
        Account to = state.account(t.to());
        Map<Address, Account> out = new HashMap<>();
        out.put(t.from(), new Account(from.balance() - t.amount(), from.nonce() + 1));
        out.put(t.to(), new Account(add(to.balance(), t.amount()), to.nonce()));
        return new Effect(out, null, List.of(
                new Effect.Row(t.from(), Kind.TRANSFER_OUT, t.to(), -t.amount(), t.memo(), null),
                new Effect.Row(t.to(), Kind.TRANSFER_IN, t.from(), t.amount(), t.memo(), null)));
    }

    private static Effect open(ChannelOpen.Signed s, View state, long now, Preverified pre) {
        ChannelOpen o = s.open();
        if (!pre.opSignature() && !s.verify()) throw new LedgerException(BAD_SIGNATURE, "channel open signature does not verify for " + o.payer());
        Account payer = state.account(o.payer());
        checkNonce(o.payer(), payer, o.nonce());
        if (o.expiresAtMillis() <= now) throw new LedgerException(CHANNEL_EXPIRED, "channel expiry is in the past");
        if (o.expiresAtMillis() - now > MAX_CHANNEL_LIFETIME_MILLIS) {
            throw new LedgerException(INVALID_REQUEST, "channel lifetime exceeds 30 days");
        }
        if (payer.balance() < o.escrow()) {
            throw new LedgerException(INSUFFICIENT_FUNDS, o.payer() + " has " + payer.balance() + ", escrow needs " + o.escrow());
        }
        ChannelId id = o.channelId();
        if (state.channel(id).isPresent()) throw new LedgerException(INVALID_REQUEST, "channel " + id + " already exists");
        ChannelInfo ch = new ChannelInfo(id, o.payer(), s.payerKey(), o.payee(), o.escrow(), o.expiresAtMillis(),
                ChannelInfo.Status.OPEN, 0, 0, o.memo());
        return new Effect(Map.of(o.payer(), new Account(payer.balance() - o.escrow(), payer.nonce() + 1)), ch,
                List.of(new Effect.Row(o.payer(), Kind.CHANNEL_LOCK, o.payee(), -o.escrow(), o.memo(), id)));
    }

    private static Effect close(ChannelClose.Signed s, View state, long now, Preverified pre) {
        ChannelClose c = s.close();
        ChannelInfo ch = state.channel(c.channel())
                .orElseThrow(() -> new LedgerException(CHANNEL_NOT_FOUND, "no channel " + c.channel()));
        if (ch.status() != ChannelInfo.Status.OPEN) {
            throw new LedgerException(CHANNEL_NOT_OPEN, "channel " + ch.id() + " is already " + ch.status().name().toLowerCase());
        }
        if (!s.payeeKey().address().equals(ch.payee())) {
            throw new LedgerException(WRONG_PARTY, "only the payee " + ch.payee() + " may close channel " + ch.id());
        }
        if (!pre.opSignature() && !s.verify()) throw new LedgerException(BAD_SIGNATURE, "close signature does not verify for the payee");
        if (now >= ch.expiresAtMillis()) {
            throw new LedgerException(CHANNEL_EXPIRED, "channel " + ch.id() + " expired; the payer may reclaim the escrow");
        }
        ChannelState.Signed best = c.best();
        long amount = 0, seq = 0;
        if (best != null) {
            if (!ch.payerKey().equals(pre.stateKey()) && !best.verify(ch.payerKey())) throw new LedgerException(BAD_SIGNATURE, "payment state is not signed by the payer");
            amount = best.state().cumulativeAmount();
            seq = best.state().sequence();
            if (amount > ch.escrow()) {
                throw new LedgerException(OVER_ESCROW, "state pays " + amount + " but the escrow is " + ch.escrow());
            }
        }
        long rest = ch.escrow() - amount;
        Map<Address, Account> out = new HashMap<>();
        List<Effect.Row> rows = new java.util.ArrayList<>();
        if (amount > 0) {
            Account payee = state.account(ch.payee());
            out.put(ch.payee(), new Account(add(payee.balance(), amount), payee.nonce()));
            rows.add(new Effect.Row(ch.payee(), Kind.CHANNEL_PAYOUT, ch.payer(), amount, ch.memo(), ch.id()));
        }
        if (rest > 0) {
            Account payer = state.account(ch.payer());
            out.put(ch.payer(), new Account(add(payer.balance(), rest), payer.nonce()));
            rows.add(new Effect.Row(ch.payer(), Kind.CHANNEL_RETURN, ch.payee(), rest, ch.memo(), ch.id()));
        }
        ChannelInfo closed = new ChannelInfo(ch.id(), ch.payer(), ch.payerKey(), ch.payee(), ch.escrow(), ch.expiresAtMillis(),
                ChannelInfo.Status.CLOSED, amount, seq, ch.memo());
        return new Effect(out, closed, rows);
    }

    private static Effect refund(ChannelId id, View state, long now) {
        ChannelInfo ch = state.channel(id).orElseThrow(() -> new LedgerException(CHANNEL_NOT_FOUND, "no channel " + id));
        if (ch.status() != ChannelInfo.Status.OPEN) {
            throw new LedgerException(CHANNEL_NOT_OPEN, "channel " + id + " is already " + ch.status().name().toLowerCase());
        }
        if (now < ch.expiresAtMillis()) {
            throw new LedgerException(CHANNEL_NOT_EXPIRED, "channel " + id + " expires at " + java.time.Instant.ofEpochMilli(ch.expiresAtMillis()));
        }
        Account payer = state.account(ch.payer());
        ChannelInfo refunded = new ChannelInfo(ch.id(), ch.payer(), ch.payerKey(), ch.payee(), ch.escrow(), ch.expiresAtMillis(),
                ChannelInfo.Status.REFUNDED, 0, 0, ch.memo());
        return new Effect(Map.of(ch.payer(), new Account(add(payer.balance(), ch.escrow()), payer.nonce())), refunded,
                List.of(new Effect.Row(ch.payer(), Kind.CHANNEL_RETURN, ch.payee(), ch.escrow(), ch.memo(), ch.id())));
    }

    private static void checkNonce(Address who, Account a, long nonce) {
        if (nonce != a.nonce()) {
            throw new LedgerException(BAD_NONCE, "nonce " + nonce + " for " + who + " but the next is " + a.nonce()
                    + (nonce < a.nonce() ? " (already used: a replay?)" : ""));
        }
    }

    private static long add(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new LedgerException(INVALID_AMOUNT, "balance would overflow");
        }
    }
}
