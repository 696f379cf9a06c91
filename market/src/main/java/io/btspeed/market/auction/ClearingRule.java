package io.btspeed.market.auction;

/**
 * How the uniform price of an auction round is set; every winner pays the same price.
 * <ul>
 *   <li>{@link #LOWEST_WINNING}: the lowest winning bid (the rule the original product described:
 *       "the N users who have placed more pay the minimum winning bid").
 *   <li>{@link #HIGHEST_LOSING}: the highest losing bid, i.e. the (N+1)-th bid (the whitepaper's
 *       rule; truthful bidding is a dominant strategy for one-slot demand).
 * </ul>
 */
public enum ClearingRule {
    LOWEST_WINNING("lowest-winning"),
    HIGHEST_LOSING("highest-losing");

    private final String wireName;

    ClearingRule(String wireName) {
        this.wireName = wireName;
    }

    /** The name used on the wire and on the command line. */
    public String wireName() {
        return wireName;
    }

    public static ClearingRule fromWireName(String s) {
        for (ClearingRule r : values()) if (r.wireName.equals(s)) return r;
        throw new IllegalArgumentException("unknown clearing rule '" + s + "' (lowest-winning or highest-losing)");
    }
}
