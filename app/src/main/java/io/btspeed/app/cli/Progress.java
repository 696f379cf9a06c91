package io.btspeed.app.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows progress of long work: a live one-line bar (percent, rate, ETA, peers) redrawn in place on
 * a terminal, or a plain line every few seconds when the output goes to a file or a pipe, so logs
 * stay readable.
 */
public final class Progress {
    /** What one progress line shows. {@code rate} in bytes/s; {@code peers} &lt; 0 hides the field. */
    public record Snapshot(String label, long done, long total, long rate, int peers, String extra) {}

    private static final int BAR_WIDTH = 28;

    private final PrintStream out;
    private final boolean terminal;
    private final long plainIntervalNanos;
    private long lastPlain = Long.MIN_VALUE;
    private int lastWidth;

    public Progress(PrintStream out, boolean terminal, long plainIntervalMillis) {
        this.out = out;
        this.terminal = terminal;
        this.plainIntervalNanos = plainIntervalMillis * 1_000_000L;
    }

    /** A terminal is assumed when a console is attached and BTSPEED_PLAIN is not set. */
    public static Progress forStdout() {
        boolean tty = System.console() != null && System.console().isTerminal() && System.getenv("BTSPEED_PLAIN") == null;
        return new Progress(System.out, tty, 2000);
    }

    public boolean isTerminal() {
        return terminal;
    }

    public synchronized void update(Snapshot s) {
        long now = System.nanoTime();
        if (terminal) {
            String line = render(s, true);
            int pad = Math.max(0, lastWidth - line.length());
            out.print("\r" + line + " ".repeat(pad));
            out.flush();
            lastWidth = line.length();
        } else if (lastPlain == Long.MIN_VALUE || now - lastPlain >= plainIntervalNanos) {
            out.println(render(s, false));
            lastPlain = now;
        }
    }

    /** Prints the final state and moves to a fresh line. */
    public synchronized void finish(Snapshot s) {
        if (terminal) {
            update(s);
            out.println();
        } else {
            out.println(render(s, false));
        }
        lastWidth = 0;
    }

    /** Prints a message without tearing the live bar. */
    public synchronized void message(String text) {
        if (terminal && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            lastWidth = 0;
        }
        out.println(text);
    }

    static String render(Snapshot s, boolean bar) {
        double frac = s.total() <= 0 ? 0 : Math.min(1.0, (double) s.done() / s.total());
        StringBuilder b = new StringBuilder();
        b.append(s.label()).append(' ');
        if (bar) {
            int filled = (int) Math.round(frac * BAR_WIDTH);
            b.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        }
        b.append(String.format(Locale.ROOT, "%5.1f%%", frac * 100));
        b.append("  ").append(Sizes.format(s.done())).append('/').append(Sizes.format(s.total()));
        b.append("  ").append(Sizes.formatRate(s.rate()));
        long remaining = s.total() - s.done();
        long eta = remaining <= 0 ? 0 : (s.rate() > 0 ? remaining / s.rate() : -1);
        b.append("  ETA ").append(Sizes.formatDuration(eta));
        if (s.peers() >= 0) b.append("  peers ").append(s.peers());
        if (s.extra() != null && !s.extra().isEmpty()) b.append("  ").append(s.extra());
        return b.toString();
    }
}
