package io.btspeed.app.cli;

import io.btspeed.app.UserException;
import io.btspeed.protocol.metainfo.FileEntry;
import io.btspeed.protocol.metainfo.Metainfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --files 0,2-4}: which files of a torrent to download, numbered as {@code btspeed info} lists them (BEP 47
 * padding files are not listed, so the numbers skip them), turned into indexes of {@link Metainfo#files()}.
 */
final class FileSelection {
    private FileSelection() {
    }

    /** The metainfo file indexes the list names; empty for {@code null} (everything). A magnet has no file list yet. */
    static Set<Integer> parse(String list, TorrentSource source) {
        if (list == null) return Set.of();
        return switch (source) {
            case TorrentSource.File f -> parse(list, f.metainfo());
            case TorrentSource.Magnet m -> throw new UserException("--files needs a .torrent file: a magnet link's file list is not known yet");
        };
    }

    private static Set<Integer> parse(String list, Metainfo m) {
        List<Integer> listed = new ArrayList<>();
        List<FileEntry> files = m.files();
        for (int i = 0; i < files.size(); i++) if (!files.get(i).padding()) listed.add(i);
        Set<Integer> chosen = new TreeSet<>();
        for (String part : list.split(",", -1)) {
            String p = part.strip();
            if (p.isEmpty()) throw new UserException("--files: empty entry in '" + list + "' (write e.g. 0,2-4)");
            int dash = p.indexOf('-', 1);
            int from = number(p.substring(0, dash < 0 ? p.length() : dash), list);
            int to = dash < 0 ? from : number(p.substring(dash + 1), list);
            if (to < from) throw new UserException("--files: range " + p + " runs backwards");
            for (int n = from; n <= to; n++) {
                if (n >= listed.size()) {
                    throw new UserException("--files: there is no file " + n + ": this torrent has " + listed.size()
                            + (listed.size() == 1 ? " file (0)" : " files (0-" + (listed.size() - 1) + ")") + "; `btspeed info` lists them");
                }
                chosen.add(listed.get(n));
            }
        }
        return Set.copyOf(chosen);
    }

    private static int number(String s, String list) {
        try {
            int n = Integer.parseInt(s.strip());
            if (n < 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new UserException("--files: '" + s.strip() + "' in '" + list + "' is not a file number (write e.g. 0,2-4)");
        }
    }
}
