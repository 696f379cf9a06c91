package io.btspeed.engine.tracker;

import java.nio.charset.StandardCharsets;

/** Text that a tracker sends us (failure reasons, warnings) ends up in logs and UIs: keep it short and printable. */
final class TrackerText {
    static final int MAX_CHARS = 300;

    private TrackerText() {}

    static String clean(byte[] raw, int off, int len) {
        String s = new String(raw, off, len, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(Math.min(s.length(), MAX_CHARS + 3));
        for (int i = 0; i < s.length() && sb.length() < MAX_CHARS; i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) ? ' ' : c);
        }
        if (sb.length() >= MAX_CHARS && s.length() > MAX_CHARS) sb.append("...");
        return sb.toString().strip();
    }

    static String clean(byte[] raw) {
        return clean(raw, 0, raw.length);
    }
}
