package io.btspeed.ledger.crypto;

/** A key, address, signature or keystore that cannot be used; the message says what is wrong. */
public class CryptoException extends RuntimeException {
    public CryptoException(String message) {
        super(message);
    }

    public CryptoException(String message, Throwable cause) {
        super(message, cause);
    }
}
