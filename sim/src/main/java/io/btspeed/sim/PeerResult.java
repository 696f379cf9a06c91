package io.btspeed.sim;

/**
 * What happened to one peer. Times are seconds of virtual time; NaN when it never happened.
 *
 * @param downloadSeconds completion − arrival (NaN if it never completed or started complete)
 * @param usefulBytes     verified piece bytes received (duplicates in endgame and bytes lost to a choke excluded)
 * @param paidBytes       piece bytes received through paid slots
 */
public record PeerResult(int id, String group, Kind kind, boolean startedComplete, double arrived, double completed,
        double departed, double downloadSeconds, long bytesDown, long bytesUp, long usefulBytes, long paidBytes,
        long budget, long spent, long earned, long unpaid, long balance, double shading) {}
