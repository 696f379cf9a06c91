package io.btspeed.protocol.metainfo;

/**
 * What a file name from a torrent may be. A torrent is outside input: a component like "..", "/etc"
 * or "C:" would let it write outside the download folder, so such torrents are refused outright.
 */
final class PathRules {
    private PathRules() {}

    static void component(String c, String field) {
        if (c.isEmpty()) throw new MetainfoException(field + " has an empty component");
        if (c.equals(".") || c.equals("..")) throw new MetainfoException(field + " component '" + c + "' is not allowed");
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            if (ch == '/' || ch == '\\') throw new MetainfoException(field + " component '" + c + "' contains a path separator");
            if (ch == 0) throw new MetainfoException(field + " component contains a NUL byte");
        }
        if (c.length() >= 2 && c.charAt(1) == ':' && Character.isLetter(c.charAt(0))) {
            throw new MetainfoException(field + " component '" + c + "' looks like a drive letter");
        }
        if (c.length() > 255 * 4) throw new MetainfoException(field + " component is too long");
    }
}
