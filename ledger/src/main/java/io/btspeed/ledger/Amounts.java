package io.btspeed.ledger;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Converts between what users type and read ("1.5" BTT) and base units (a {@code long}), exactly:
 * no floating point anywhere, too many decimals or values outside a long are errors, not rounding.
 */
public final class Amounts {
    private Amounts() {}

    /** Parses a non-negative decimal amount into base units; "1.5" with 6 decimals is 1500000. */
    public static long parse(String text, TokenInfo token) {
        if (text == null || !text.strip().matches("\\d+(\\.\\d+)?")) {
            throw new IllegalArgumentException("amount must be a non-negative decimal number like 12 or 0.5, got '" + text + "'");
        }
        BigDecimal d = new BigDecimal(text.strip());
        if (d.scale() > token.decimals()) {
            throw new IllegalArgumentException(token.symbol() + " has " + token.decimals() + " decimals; '" + text + "' has more");
        }
        BigInteger units = d.movePointRight(token.decimals()).toBigIntegerExact();
        if (units.bitLength() > 63) throw new IllegalArgumentException("amount " + text + " is too large");
        return units.longValueExact();
    }

    /** Base units as a decimal string with the token's decimals, trailing zeros trimmed: 1500000 → "1.5". */
    public static String format(long units, TokenInfo token) {
        BigDecimal d = BigDecimal.valueOf(units).movePointLeft(token.decimals()).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }

    /** As {@link #format} followed by the symbol. */
    public static String display(long units, TokenInfo token) {
        return format(units, token) + " " + token.symbol();
    }
}
