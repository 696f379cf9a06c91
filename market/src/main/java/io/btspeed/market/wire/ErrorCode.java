package io.btspeed.market.wire;

/** The error codes of the {@code err} message (spec §6). Receivers accept codes they do not know. */
public enum ErrorCode {
    MALFORMED(1),
    NO_CHANNEL(2),
    STALE_SEQUENCE(3),
    AMOUNT_DECREASED(4),
    OVER_ESCROW(5),
    BAD_SIGNATURE(6),
    WRONG_CHANNEL(7),
    LEDGER(8),
    TOO_MANY_BIDS(9),
    CHANNEL_CLOSED(10),
    PRICE_ABOVE_BID(11);

    private final int code;

    ErrorCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The message to send for this code. */
    public SpeedMessage.Error message(String text) {
        return new SpeedMessage.Error(code, text);
    }
}
