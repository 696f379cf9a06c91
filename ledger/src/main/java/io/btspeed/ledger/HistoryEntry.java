package io.btspeed.ledger;

import io.btspeed.ledger.crypto.Address;

/**
 * One movement on one account. {@code delta} is signed: negative when tokens leave the account's
 * balance (a transfer sent, escrow locked), positive when they arrive (received, paid out of a
 * channel, escrow returned). {@code memo} carries e.g. a torrent's info-hash so spent and earned
 * can be summed per torrent; {@code channel} is null for plain transfers.
 */
public record HistoryEntry(long journalSeq, long atMillis, Kind kind, Address counterparty, long delta,
                           String memo, ChannelId channel) {
    public enum Kind { GENESIS, TRANSFER_OUT, TRANSFER_IN, CHANNEL_LOCK, CHANNEL_PAYOUT, CHANNEL_RETURN }
}
