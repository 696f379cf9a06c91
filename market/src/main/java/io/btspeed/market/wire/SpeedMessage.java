package io.btspeed.market.wire;

import java.util.List;

/**
 * Messages of the {@code bt_speed} extension (docs/spec/speed-extension.md), carried in BEP 10
 * extended messages as bencoded dictionaries with a type key {@code t}. Amounts and prices are
 * base units of the ledger's token; prices are per MiB of verified data.
 */
public sealed interface SpeedMessage {
    /** The extension's dictionary inside the BEP 10 handshake. */
    record Hello(int version, String ledger, String token, int decimals, byte[] address, byte[] publicKey,
                 List<String> clearingRules, int paidSlots) implements SpeedMessage {}

    /** Downloader → uploader: standing bid for one paid slot; price 0 withdraws it. */
    record BidMsg(long price) implements SpeedMessage {}

    /** Uploader → bidder: the outcome of a round for this bidder. */
    record Result(long round, boolean won, long price, String rule, int paidSlots) implements SpeedMessage {}

    /** Downloader → uploader: a channel to the uploader's address is open on the shared ledger. */
    record ChannelOpened(byte[] channelId, long escrow, long expiresAtMillis) implements SpeedMessage {}

    /** Downloader → uploader: a new payer-signed state (the ledger's ChannelState digest). */
    record Payment(byte[] channelId, long sequence, long cumulative, byte[] signature) implements SpeedMessage {}

    /** Uploader → downloader: state accepted; {@code owed} is what the uploader counts as still unpaid. */
    record Ack(byte[] channelId, long sequence, long owed) implements SpeedMessage {}

    /** Either direction: something was refused; the sender keeps serving as a plain peer. */
    record Error(int code, String message) implements SpeedMessage {}
}
