package io.btspeed.ledger;

/** A rejected operation or request; nothing changed. The code travels over the wire unchanged. */
public class LedgerException extends RuntimeException {
    public enum Code {
        BAD_SIGNATURE, BAD_NONCE, INSUFFICIENT_FUNDS, INVALID_AMOUNT, INVALID_REQUEST,
        CHANNEL_NOT_FOUND, CHANNEL_NOT_OPEN, CHANNEL_EXPIRED, CHANNEL_NOT_EXPIRED,
        STALE_STATE, OVER_ESCROW, WRONG_PARTY, UNAVAILABLE, INTERNAL
    }

    private final Code code;

    public LedgerException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public LedgerException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }
}
