package io.btspeed.tracker;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.metainfo.InfoHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The info-hashes a private tracker serves. File format: one 40-digit hex info-hash per line;
 * blank lines and lines starting with '#' are ignored; anything after the hash (a name) is ignored.
 */
public final class AllowList {
    private final Set<InfoHash> hashes;

    private AllowList(Set<InfoHash> hashes) {
        this.hashes = Set.copyOf(hashes);
    }

    public static AllowList of(Set<InfoHash> hashes) {
        return new AllowList(hashes);
    }

    public static AllowList parse(List<String> lines) {
        Set<InfoHash> out = new HashSet<>();
        int n = 0;
        for (String raw : lines) {
            n++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String hex = line.split("\\s+", 2)[0];
            try {
                out.add(InfoHash.fromHex(hex.toLowerCase(java.util.Locale.ROOT)));
            } catch (ProtocolException e) {
                throw new ProtocolException("allow-list line " + n + ": " + e.getMessage());
            }
        }
        return new AllowList(out);
    }

    public static AllowList read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public boolean allows(InfoHash h) {
        return hashes.contains(h);
    }

    public int size() {
        return hashes.size();
    }
}
