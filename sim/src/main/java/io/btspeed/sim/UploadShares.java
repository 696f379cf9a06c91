package io.btspeed.sim;

/**
 * How a rate-limited uploader's bandwidth divides between buyers in paid slots and ordinary unchoked
 * peers, as the engine's upload throttle divides it ({@code io.btspeed.engine.net.Throttle}): a paid
 * block takes tokens at once, an ordinary block first pauses for {@code PRIORITY_WEIGHT - 1} blocks'
 * time while paid uploads are active. Each connection has one block at the throttle at a time, so
 * with every link wanting data a paid connection's cycle is {@code x} block-times and an ordinary one's
 * {@code x + W - 1}, where the rate is used up: {@code P/x + O/(x + W - 1) = 1}.
 *
 * <p>Examples (2 paid + 3 ordinary, the validation swarm's seed): each paid link 27 %, each ordinary
 * one 15 % (an even split gives 20 %); 1 + 1: 77 % and 23 %. Without paid links, or without ordinary
 * ones, the split is even.
 */
final class UploadShares {
    /** The engine's {@code Throttle.PRIORITY_WEIGHT}. */
    static final int PRIORITY_WEIGHT = 4;

    private UploadShares() {}

    /** The fraction of the rate each of {@code paid} paid links gets next to {@code ordinary} ordinary links. */
    static double paid(int paid, int ordinary) {
        if (paid <= 0) return 0;
        if (ordinary <= 0) return 1.0 / paid;
        return 1 / cycle(paid, ordinary);
    }

    /** The fraction of the rate each of {@code ordinary} ordinary links gets next to {@code paid} paid links. */
    static double ordinary(int paid, int ordinary) {
        if (ordinary <= 0) return 0;
        if (paid <= 0) return 1.0 / ordinary;
        return 1 / (cycle(paid, ordinary) + PRIORITY_WEIGHT - 1);
    }

    /** The positive root x of P/x + O/(x + W - 1) = 1, i.e. x² + (W - 1 - P - O)x - (W - 1)P = 0. */
    private static double cycle(int p, int o) {
        double b = PRIORITY_WEIGHT - 1 - p - o, c = (double) (PRIORITY_WEIGHT - 1) * p;
        return (-b + Math.sqrt(b * b + 4 * c)) / 2;
    }
}
