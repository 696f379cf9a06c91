package io.btspeed.ledger.store;

/** An account's balance (base units) and the nonce its next signed transfer or channel open must carry. */
public record Account(long balance, long nonce) {
    public static final Account EMPTY = new Account(0, 0);
}
