package io.btspeed.market.wire;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Messages of the {@code bt_speed} extension (docs/spec/speed-extension.md), carried in BEP 10
 * extended messages as bencoded dictionaries with a type key {@code t}. Amounts and prices are
 * base units of the ledger's token; prices are per MiB of verified data. Records holding bytes
 * compare them by content, so two decodings of the same message are equal.
 */
public sealed interface SpeedMessage {
    /** The extension's dictionary inside the BEP 10 handshake. */
    record Hello(int version, String ledger, String token, int decimals, byte[] address, byte[] publicKey,
                 List<String> clearingRules, int paidSlots) implements SpeedMessage {
        public Hello {
            clearingRules = List.copyOf(clearingRules);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Hello h && version == h.version && ledger.equals(h.ledger) && token.equals(h.token)
                    && decimals == h.decimals && Arrays.equals(address, h.address) && Arrays.equals(publicKey, h.publicKey)
                    && clearingRules.equals(h.clearingRules) && paidSlots == h.paidSlots;
        }

        @Override
        public int hashCode() {
            return Objects.hash(version, ledger, token, decimals, Arrays.hashCode(address), Arrays.hashCode(publicKey), clearingRules,
                    paidSlots);
        }

        @Override
        public String toString() {
            return "Hello[v=" + version + ", ledger=" + ledger + ", token=" + token + ", decimals=" + decimals + ", addr="
                    + hex(address) + ", rules=" + clearingRules + ", slots=" + paidSlots + "]";
        }
    }

    /** Downloader → uploader: standing bid for one paid slot; price 0 withdraws it. */
    record BidMsg(long price) implements SpeedMessage {}

    /** Uploader → bidder: the outcome of a round for this bidder. */
    record Result(long round, boolean won, long price, String rule, int paidSlots) implements SpeedMessage {}

    /** Downloader → uploader: a channel to the uploader's address is open on the shared ledger. */
    record ChannelOpened(byte[] channelId, long escrow, long expiresAtMillis) implements SpeedMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof ChannelOpened c && Arrays.equals(channelId, c.channelId) && escrow == c.escrow
                    && expiresAtMillis == c.expiresAtMillis;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(channelId), escrow, expiresAtMillis);
        }

        @Override
        public String toString() {
            return "ChannelOpened[ch=" + hex(channelId) + ", escrow=" + escrow + ", exp=" + expiresAtMillis + "]";
        }
    }

    /** Downloader → uploader: a new payer-signed state (the ledger's ChannelState digest). */
    record Payment(byte[] channelId, long sequence, long cumulative, byte[] signature) implements SpeedMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Payment p && Arrays.equals(channelId, p.channelId) && sequence == p.sequence
                    && cumulative == p.cumulative && Arrays.equals(signature, p.signature);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(channelId), sequence, cumulative, Arrays.hashCode(signature));
        }

        @Override
        public String toString() {
            return "Payment[ch=" + hex(channelId) + ", seq=" + sequence + ", amt=" + cumulative + "]";
        }
    }

    /** Uploader → downloader: state accepted; {@code owed} is what the uploader counts as still unpaid. */
    record Ack(byte[] channelId, long sequence, long owed) implements SpeedMessage {
        @Override
        public boolean equals(Object o) {
            return o instanceof Ack a && Arrays.equals(channelId, a.channelId) && sequence == a.sequence && owed == a.owed;
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(channelId), sequence, owed);
        }

        @Override
        public String toString() {
            return "Ack[ch=" + hex(channelId) + ", seq=" + sequence + ", owed=" + owed + "]";
        }
    }

    /** Either direction: something was refused; the sender keeps serving as a plain peer. */
    record Error(int code, String message) implements SpeedMessage {}

    private static String hex(byte[] b) {
        return b == null ? "null" : HexFormat.of().formatHex(b);
    }
}
