package io.btspeed.ledger.store;

import io.btspeed.ledger.ChannelInfo;
import io.btspeed.ledger.HistoryEntry;
import io.btspeed.ledger.crypto.Address;
import java.util.List;
import java.util.Map;

/**
 * What one accepted operation changes, computed in full before anything is written: the new state
 * of every touched account, the channel's new state (or null), and one history row per account
 * movement. A store applies it verbatim, so every backend changes exactly the same things.
 */
public record Effect(Map<Address, Account> accounts, ChannelInfo channel, List<Row> history) {
    /** A history row before it has a journal position. */
    public record Row(Address account, HistoryEntry.Kind kind, Address counterparty, long delta, String memo,
                      io.btspeed.ledger.ChannelId channel) {}

    public Effect {
        accounts = Map.copyOf(accounts);
        history = List.copyOf(history);
    }
}
