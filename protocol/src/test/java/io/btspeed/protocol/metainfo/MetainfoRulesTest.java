package io.btspeed.protocol.metainfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a torrent may contain: one rule per test, each refused with its own message. */
class MetainfoRulesTest {
    static BDict.Builder single(long length, int pieceLength, int pieces) {
        return BDict.builder().put("length", length).put("name", "f.bin").put("piece length", pieceLength)
                .put("pieces", new byte[20 * pieces]);
    }

    static byte[] torrent(BDict info) {
        return Bencode.encode(BDict.builder().put("announce", "http://t/a").put("info", info).build());
    }

    static BDict file(long length, String... path) {
        return BDict.builder().put("length", length).put("path", list(path)).build();
    }

    static BList list(String... parts) {
        List<BValue> l = new ArrayList<>();
        for (String p : parts) l.add(BBytes.of(p));
        return new BList(l);
    }

    static BDict multi(BDict... files) {
        long total = 0;
        for (BDict f : files) total += f.integer("length");
        int pieces = (int) Math.max(1, (total + 16383) / 16384);
        return BDict.builder().put("files", new BList(List.of(files))).put("name", "dir").put("piece length", 16384)
                .put("pieces", new byte[20 * pieces]).build();
    }

    @Test
    void libtorrentSingleFileWithUtf8NamePrivateFlagAndTiers() throws IOException {
        // made with libtorrent 2.0.8 (v1_only, piece 16 KiB, set_priv, two tiers); lt reports this info-hash
        Metainfo m = Metainfo.parse(MetainfoTest.resource("lt-v1-single-utf8-private.torrent"));
        assertThat(m.infoHash().hex()).isEqualTo("10603c14357db4f1546cc9807ef1dc77a06de97a");
        assertThat(m.name()).isEqualTo("naïve ✓.bin");
        assertThat(m.isPrivate()).isTrue();
        assertThat(m.multiFile()).isFalse();
        assertThat(m.totalLength()).isEqualTo(50000);
        assertThat(m.pieceCount()).isEqualTo(4);
        assertThat(m.pieceSize(3)).isEqualTo(50000 - 3 * 16384);
        assertThat(m.announceTiers()).containsExactly(List.of("http://a.example/announce", "http://b.example/announce"),
                List.of("udp://c.example:80"));
        assertThat(m.createdBy()).isEqualTo("libtorrent test");
        assertThat(m.creationDate()).isPositive();
        assertThat(m.files()).containsExactly(new FileEntry(List.of("naïve ✓.bin"), 50000, 0, false));
        assertThat(InfoHash.of(m.rawInfo())).isEqualTo(m.infoHash());
    }

    @Test
    void pieceHashesAreSlicedPerPiece() throws IOException {
        Metainfo m = Metainfo.parse(MetainfoTest.resource("mktorrent-single.torrent"));
        byte[] all = m.pieceHashes();
        for (int i = 0; i < m.pieceCount(); i++) {
            assertThat(m.pieceHash(i)).isEqualTo(java.util.Arrays.copyOfRange(all, 20 * i, 20 * i + 20));
            assertThat(m.pieceHashEquals(i, m.pieceHash(i))).isTrue();
        }
        assertThatThrownBy(() -> m.pieceHash(m.pieceCount())).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> m.pieceSize(-1)).isInstanceOf(IndexOutOfBoundsException.class);
        long sum = 0;
        for (int i = 0; i < m.pieceCount(); i++) sum += m.pieceSize(i);
        assertThat(sum).isEqualTo(m.totalLength());
    }

    @Test
    void pieceLengthMustBeAPowerOfTwoOfAtLeast16KiB() {
        assertThat(Metainfo.parse(torrent(single(100, 1 << 24, 1).build())).pieceLength()).isEqualTo(1 << 24);
        for (int bad : new int[] {8192, 49152, 16385, 0, -16384}) {
            assertThatThrownBy(() -> Metainfo.parse(torrent(single(100, bad, 1).build())))
                    .isInstanceOf(MetainfoException.class).hasMessageContaining("piece length " + bad);
        }
    }

    @Test
    void lastPieceMayBeShortButCountMustMatch() {
        assertThat(Metainfo.parse(torrent(single(16384 * 3, 16384, 3).build())).pieceSize(2)).isEqualTo(16384);
        assertThat(Metainfo.parse(torrent(single(16384 * 3 + 1, 16384, 4).build())).pieceSize(3)).isEqualTo(1);
        assertThatThrownBy(() -> Metainfo.parse(torrent(single(16384 * 3 + 1, 16384, 3).build())))
                .hasMessageContaining("'pieces' has 3 hashes but 49153 bytes need 4");
        assertThatThrownBy(() -> Metainfo.parse(torrent(single(0, 16384, 1).build()))).hasMessageContaining("no data");
    }

    @Test
    void privateFlagIsOnlyTheInteger1() {
        assertThat(Metainfo.parse(torrent(single(10, 16384, 1).put("private", 0).build())).isPrivate()).isFalse();
        assertThat(Metainfo.parse(torrent(single(10, 16384, 1).put("private", 1).build())).isPrivate()).isTrue();
        assertThat(Metainfo.parse(torrent(single(10, 16384, 1).build())).isPrivate()).isFalse();
    }

    @Test
    void utf8VariantsOfNameAndPathArePreferred() {
        BDict f = BDict.builder().put("length", 10).put("path", list("legacy")).put("path.utf-8", list("ünï", "cödé")).build();
        BDict info = BDict.builder().put("files", new BList(List.of(f))).put("name", "old").put("name.utf-8", "nëw")
                .put("piece length", 16384).put("pieces", new byte[20]).build();
        Metainfo m = Metainfo.parse(torrent(info));
        assertThat(m.name()).isEqualTo("nëw");
        assertThat(m.files().get(0).path()).containsExactly("ünï", "cödé");
    }

    @Test
    void multiFileOffsetsAndPaddingFollowTheByteStream() {
        BDict pad = BDict.builder().put("attr", "p").put("length", 16384 - 100).put("path", list(".pad", "16284")).build();
        Metainfo m = Metainfo.parse(torrent(multi(file(100, "a"), pad, file(5, "b", "c"))));
        assertThat(m.files()).containsExactly(
                new FileEntry(List.of("a"), 100, 0, false),
                new FileEntry(List.of(".pad", "16284"), 16284, 100, true),
                new FileEntry(List.of("b", "c"), 5, 16384, false));
        assertThat(m.totalLength()).isEqualTo(16389);
        assertThat(m.pieceCount()).isEqualTo(2);
        assertThat(m.multiFile()).isTrue();
    }

    @Test
    void fileAndFolderOfTheSameNameAreRefused() {
        assertThatThrownBy(() -> Metainfo.parse(torrent(multi(file(1, "a"), file(1, "a", "b")))))
                .hasMessageContaining("'a' is both a file and a folder");
        assertThatThrownBy(() -> Metainfo.parse(torrent(multi(file(1, "a", "b"), file(1, "a")))))
                .hasMessageContaining("'a' is both a file and a folder");
        assertThat(Metainfo.parse(torrent(multi(file(1, "a", "b"), file(1, "a", "c")))).files()).hasSize(2);
    }

    @Test
    void structuralProblemsHaveTheirOwnMessages() {
        assertThatThrownBy(() -> Metainfo.parse(torrent(single(10, 16384, 1).put("files", new BList(List.of())).build())))
                .hasMessageContaining("both 'length' and 'files'");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("files", new BList(List.of())).put("name", "d")
                .put("piece length", 16384).put("pieces", new byte[20]).build()))).hasMessageContaining("non-empty list");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("name", "d").put("piece length", 16384)
                .put("pieces", new byte[20]).build()))).hasMessageContaining("'length' missing");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("length", 5).put("piece length", 16384)
                .put("pieces", new byte[20]).build()))).hasMessageContaining("'name' missing");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("length", 5).put("name", "x")
                .put("pieces", new byte[20]).build()))).hasMessageContaining("'piece length' missing");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("file tree", BDict.builder().build())
                .put("meta version", 2).put("name", "x").put("piece length", 16384).build())))
                .hasMessageContaining("v2-only torrent");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("announce", "x").build())))
                .hasMessageContaining("no 'info' dictionary");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(new BList(List.of())))).hasMessageContaining("is a dictionary");
        assertThatThrownBy(() -> Metainfo.parse(torrent(multi(BDict.builder().put("length", 1).put("path", list("a"))
                .put("path.utf-8", list("..")).build())))).hasMessageContaining("'..'");
        assertThatThrownBy(() -> Metainfo.parse(torrent(single(10, 16384, 1).put("name", "a\u0000b").build())))
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> Metainfo.parse(torrent(single(10, 16384, 1).put("name", "..").build())))
                .hasMessageContaining("'..'");
    }

    @Test
    void totalLengthOverflowAndDeepPathsAreRefused() {
        BDict huge = file(Long.MAX_VALUE, "a");
        assertThatThrownBy(() -> Metainfo.parse(torrent(BDict.builder().put("files", new BList(List.of(huge, file(1, "b"))))
                .put("name", "d").put("piece length", 16384).put("pieces", new byte[20]).build())))
                .hasMessageContaining("overflows");
        String[] deep = new String[Metainfo.MAX_PATH_DEPTH + 1];
        java.util.Arrays.fill(deep, "d");
        assertThatThrownBy(() -> Metainfo.parse(torrent(multi(file(1, deep))))).hasMessageContaining("deeper than");
    }

    @Test
    void keysOutOfOrderAreAcceptedAndHashedAsWrittenButDuplicatesAreNot() {
        String info = "d4:name1:x6:lengthi10e12:piece lengthi16384e6:pieces20:" + "\u0000".repeat(20) + "e";
        byte[] file = ("d4:info" + info + "8:announce3:urle").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Metainfo m = Metainfo.parse(file);
        byte[] raw = info.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(m.rawInfo()).isEqualTo(raw);
        assertThat(m.infoHash()).isEqualTo(InfoHash.of(raw));
        assertThat(m.announceTiers()).containsExactly(List.of("url"));
        byte[] dup = ("d4:info" + info + "4:info" + info + "e").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> Metainfo.parse(dup)).isInstanceOf(MetainfoException.class).hasMessageContaining("duplicate");
    }

    @Test
    void trackerTiersSkipBadEntriesAndFallBackToAnnounce() {
        BDict info = single(10, 16384, 1).build();
        byte[] t = Bencode.encode(BDict.builder().put("announce", "http://only/a")
                .put("announce-list", new BList(List.of(new BInt(3), list(" ", "http://x/a "), new BList(List.of()))))
                .put("info", info).build());
        assertThat(Metainfo.parse(t).announceTiers()).containsExactly(List.of("http://x/a"));
        byte[] onlyAnnounce = Bencode.encode(BDict.builder().put("announce", "http://only/a").put("info", info).build());
        assertThat(Metainfo.parse(onlyAnnounce).announceTiers()).containsExactly(List.of("http://only/a"));
    }

    @Test
    void fromInfoDictGivesTheSameTorrentAsTheFile() throws IOException {
        Metainfo file = Metainfo.parse(MetainfoTest.resource("lt-v1-multi.torrent"));
        Metainfo fetched = Metainfo.fromInfoDict(file.rawInfo(), file.announceTiers());
        assertThat(fetched.infoHash()).isEqualTo(file.infoHash());
        assertThat(fetched.files()).isEqualTo(file.files());
        assertThat(fetched.pieceHashes()).isEqualTo(file.pieceHashes());
        assertThat(Metainfo.parse(fetched.toTorrentFile()).announceTiers()).isEqualTo(file.announceTiers());
        assertThat(Metainfo.parse(file.toTorrentFile())).isEqualTo(file).hasSameHashCodeAs(file);
        assertThat(fetched).isNotEqualTo(file); // no comment/creator/date after a metadata fetch
    }

    @Test
    void infoDictBuilderMatchesAHandWrittenDictAndRefusesInvalidTorrents() {
        byte[] hashes = new byte[40];
        byte[] built = new InfoDictBuilder("dir", 16384).addFile(List.of("a"), 100).addPadding(16284)
                .addFile(List.of("b", "c"), 5).pieceHashes(hashes).privateFlag(true).build();
        BDict pad = BDict.builder().put("attr", "p").put("length", 16284).put("path", list(".pad", "16284")).build();
        byte[] byHand = Bencode.encode(BDict.builder().put("files", new BList(List.of(file(100, "a"), pad, file(5, "b", "c"))))
                .put("name", "dir").put("piece length", 16384).put("pieces", hashes).put("private", 1).build());
        assertThat(built).isEqualTo(byHand);
        Metainfo m = new InfoDictBuilder("one.bin", 32768).length(40000).pieceHashes(hashes).toMetainfo(List.of(List.of("http://t/a")));
        assertThat(m.multiFile()).isFalse();
        assertThat(m.infoHash()).isEqualTo(InfoHash.of(m.rawInfo()));
        assertThat(m.announceTiers()).containsExactly(List.of("http://t/a"));
        assertThatThrownBy(() -> new InfoDictBuilder("x", 16384).length(40000).pieceHashes(hashes).build())
                .isInstanceOf(MetainfoException.class).hasMessageContaining("need 3");
        assertThatThrownBy(() -> new InfoDictBuilder("x", 16384).addFile(List.of("..", "y"), 1).pieceHashes(new byte[20]).build())
                .isInstanceOf(MetainfoException.class);
        assertThatThrownBy(() -> new InfoDictBuilder("x", 16384).length(1).addFile(List.of("y"), 1))
                .isInstanceOf(IllegalStateException.class);
    }
}
