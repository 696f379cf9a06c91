package io.btspeed.ledger.wire;

import io.btspeed.ledger.LedgerException;

/** The body of every failed request: {"error": CODE, "message": text}. */
public record ErrorBody(LedgerException.Code code, String message) {
    public LedgerException toException() {
        return new LedgerException(code, message);
    }

    /**
     * HTTP status for a code. Clients read the code from the body, never the status; the status is
     * for people with curl and for proxies (5xx = worth retrying, 4xx = fix the request).
     */
    public static int httpStatus(LedgerException.Code code) {
        return switch (code) {
            case INVALID_REQUEST, INVALID_AMOUNT -> 400;
            case BAD_SIGNATURE, WRONG_PARTY -> 403;
            case CHANNEL_NOT_FOUND -> 404;
            case BAD_NONCE, INSUFFICIENT_FUNDS, CHANNEL_NOT_OPEN, CHANNEL_EXPIRED, CHANNEL_NOT_EXPIRED,
                 STALE_STATE, OVER_ESCROW -> 409;
            case UNAVAILABLE -> 503;
            case INTERNAL -> 500;
        };
    }
}
