package io.btspeed.ledger;

/** What the ledger counts: all amounts anywhere are {@code long} base units; decimals are for display. */
public record TokenInfo(String symbol, int decimals, long supply) {
    /** The TRC-10 BTT figures: 990,000,000,000 tokens with 6 decimals. */
    public static final TokenInfo DEFAULT = new TokenInfo("BTT", 6, 990_000_000_000L * 1_000_000L);

    public TokenInfo {
        if (symbol == null || !symbol.matches("[A-Za-z0-9]{1,12}")) {
            throw new IllegalArgumentException("token symbol must be 1-12 letters or digits");
        }
        if (decimals < 0 || decimals > 18) {
            throw new IllegalArgumentException("decimals must be 0..18, got " + decimals);
        }
        if (supply <= 0) {
            throw new IllegalArgumentException("supply must be positive");
        }
    }
}
