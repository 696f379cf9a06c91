package io.btspeed.dht.krpc;

/**
 * BEP 32 "want": which address families of nodes the querier asks for. Absent means "the family
 * the query arrived on", which {@link #DEFAULT} stands for.
 */
public record Want(boolean v4, boolean v6) {
    public static final Want DEFAULT = new Want(false, false);
    public static final Want BOTH = new Want(true, true);

    public boolean isDefault() {
        return !v4 && !v6;
    }

    /** Whether IPv4 nodes belong in the answer to a query that arrived over {@code ipv6} or not. */
    public boolean wantsV4(boolean arrivedOverIpv6) {
        return isDefault() ? !arrivedOverIpv6 : v4;
    }

    public boolean wantsV6(boolean arrivedOverIpv6) {
        return isDefault() ? arrivedOverIpv6 : v6;
    }
}
