package io.btspeed.app.cli;

import java.math.BigDecimal;
import java.util.Locale;

/** Parses and formats byte sizes and rates the way users type them: 512K, 10M, 1.5G, 1048576. */
public final class Sizes {
    private Sizes() {}

    /**
     * Parses a size with an optional binary suffix (K, M, G, T; "iB", "B" and "/s" are accepted and
     * ignored). Rejects negatives, fractions of a byte and overflow with a message for the user.
     */
    public static long parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty size");
        }
        String s = text.trim().toUpperCase(Locale.ROOT);
        if (s.endsWith("/S")) s = s.substring(0, s.length() - 2);
        if (s.endsWith("IB")) s = s.substring(0, s.length() - 2);
        else if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        long mult = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'K' -> mult = 1L << 10;
                case 'M' -> mult = 1L << 20;
                case 'G' -> mult = 1L << 30;
                case 'T' -> mult = 1L << 40;
                default -> mult = 1;
            }
            if (mult != 1) s = s.substring(0, s.length() - 1);
        }
        BigDecimal value;
        try {
            value = new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: '" + text + "' (examples: 1048576, 512K, 10M, 1.5G)");
        }
        if (value.signum() < 0) {
            throw new IllegalArgumentException("size must not be negative: '" + text + "'");
        }
        BigDecimal bytes = value.multiply(BigDecimal.valueOf(mult));
        try {
            return bytes.setScale(0, java.math.RoundingMode.UNNECESSARY).longValueExact();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("size is not a whole number of bytes or too large: '" + text + "'");
        }
    }

    /** 1536 → "1.5 KiB". */
    public static String format(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
    }

    public static String formatRate(long bytesPerSecond) {
        return format(bytesPerSecond) + "/s";
    }

    /** Seconds → "1h02m", "3m05s", "42s"; "--" when unknown. */
    public static String formatDuration(long seconds) {
        if (seconds < 0) return "--";
        if (seconds >= 3600) return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
        if (seconds >= 60) return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        return seconds + "s";
    }
}
