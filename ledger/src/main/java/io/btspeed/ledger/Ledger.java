package io.btspeed.ledger;

import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.Transfer;
import java.util.List;
import java.util.Optional;

/**
 * The token ledger, as every caller sees it: the embedded SQLite store, the PostgreSQL store and
 * the HTTP client of a ledger server all implement this one interface, so the wallet CLI and the
 * market never know which one they talk to.
 *
 * <p>Rules every implementation keeps:
 * <ul>
 *   <li>Every state-changing call takes an operation signed by the account whose tokens move (the
 *       payee for a close, which only pays out what the payer signed). Nothing is trusted unsigned
 *       except {@link #refundExpired}, whose only possible effect is returning escrow to its payer.
 *   <li>Validation happens before any state changes; a rejected operation changes nothing and
 *       throws {@link LedgerException} with a {@link LedgerException.Code}.
 *   <li>Idempotent: submitting an already-accepted operation again returns the original receipt.
 *   <li>Σ balances + Σ open escrow = supply, always; every accepted operation is appended to a
 *       hash-chained journal that {@link #audit()} re-verifies.
 *   <li>A receipt is returned only after the operation is durable.
 * </ul>
 */
public interface Ledger extends AutoCloseable {

    /** Token symbol, decimals and total supply (base units). */
    TokenInfo token();

    /**
     * Identifies this ledger to peers (the same for everyone using it, whatever path or address
     * they reach it by): peers only trade with peers that name the same ledger.
     */
    default String id() {
        return token().symbol();
    }

    /** Balance in base units; 0 for an account never seen. Escrow locked in open channels is not included. */
    long balance(Address account);

    /** The nonce the account's next transfer or channel open must carry (0 for a new account). */
    long nextNonce(Address account);

    Receipt transfer(Transfer.Signed transfer);

    /** Locks the escrow from the payer's balance; the channel id is {@link ChannelOpen#channelId()}. */
    Receipt openChannel(ChannelOpen.Signed open);

    /**
     * The payee closes an open, unexpired channel with the best state it holds (or none): the payee
     * gets the state's cumulative amount, the payer the rest of the escrow.
     */
    Receipt closeChannel(ChannelClose.Signed close);

    /** After expiry, returns the whole escrow of a still-open channel to its payer. Anyone may call it. */
    Receipt refundExpired(ChannelId channel);

    Optional<ChannelInfo> channel(ChannelId channel);

    /** Open channels where the account is payer or payee. */
    List<ChannelInfo> openChannels(Address account);

    /** Most recent first; at most {@code limit} entries. */
    List<HistoryEntry> history(Address account, int limit);

    /** Recomputes the supply invariant and re-verifies the journal's hash chain and signatures. */
    AuditReport audit();

    @Override
    void close();
}
