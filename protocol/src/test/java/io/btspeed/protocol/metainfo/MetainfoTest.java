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
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Torrents made by other tools (mktorrent 1.1, libtorrent 2.0.8) with the info-hashes those tools
 * report; see src/test/resources/torrents.
 */
class MetainfoTest {
    static byte[] resource(String name) throws IOException {
        try (InputStream in = MetainfoTest.class.getResourceAsStream("/torrents/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void readsMktorrentSingleFile() throws IOException {
        Metainfo m = Metainfo.parse(resource("mktorrent-single.torrent"));
        assertThat(m.infoHash().hex()).isEqualTo("742e9718f12e55556ac6c48f0525b425acc5036e");
        assertThat(m.name()).isEqualTo("single.bin");
        assertThat(m.multiFile()).isFalse();
        assertThat(m.totalLength()).isEqualTo(300000);
        assertThat(m.pieceLength()).isEqualTo(32768);
        assertThat(m.pieceCount()).isEqualTo(10);
        assertThat(m.pieceSize(9)).isEqualTo(300000 - 9 * 32768);
        assertThat(m.announceTiers()).containsExactly(List.of("http://127.0.0.1:6969/announce"), List.of("udp://127.0.0.1:6969"));
        assertThat(m.files()).containsExactly(new FileEntry(List.of("single.bin"), 300000, 0, false));
    }

    @Test
    void readsMktorrentMultiFilePrivateWithTiers() throws IOException {
        Metainfo m = Metainfo.parse(resource("mktorrent-multi.torrent"));
        assertThat(m.infoHash().hex()).isEqualTo("7108704df2507107a8ddab3c477cd619604d7bb2");
        assertThat(m.isPrivate()).isTrue();
        assertThat(m.announceTiers()).containsExactly(List.of("http://t1/announce", "http://t2/announce"), List.of("udp://t3:80"));
        assertThat(m.files()).extracting(FileEntry::path).containsExactly(List.of("a.txt"), List.of("sub", "b.bin"));
        assertThat(m.files().get(1).offset()).isEqualTo(70000);
        assertThat(m.totalLength()).isEqualTo(193457);
    }

    @Test
    void readsLibtorrentV1AndTheV1PartOfAHybrid() throws IOException {
        Metainfo v1 = Metainfo.parse(resource("lt-v1-multi.torrent"));
        assertThat(v1.infoHash().hex()).isEqualTo("142ff58fe4676ab1c47c0171bd93e611fac5b240");
        assertThat(v1.pieceCount()).isEqualTo(6);
        Metainfo hybrid = Metainfo.parse(resource("lt-hybrid-multi.torrent"));
        assertThat(hybrid.infoHash().hex()).isEqualTo("7b9fa5c4d6b86496b34633eef4e818b909cf8a1d");
        assertThat(hybrid.totalLength()).isEqualTo(229376);
        assertThat(hybrid.files()).filteredOn(FileEntry::padding).hasSize(2);
        assertThat(hybrid.files()).filteredOn(f -> !f.padding()).extracting(FileEntry::length).containsExactly(70000L, 123457L);
    }

    @Test
    void rewritesTheSameInfoBytes() throws IOException {
        for (String f : List.of("mktorrent-single.torrent", "mktorrent-multi.torrent", "lt-hybrid-multi.torrent")) {
            Metainfo m = Metainfo.parse(resource(f));
            Metainfo again = Metainfo.parse(m.toTorrentFile());
            assertThat(again.infoHash()).isEqualTo(m.infoHash());
            assertThat(again.announceTiers()).isEqualTo(m.announceTiers());
            assertThat(again.rawInfo()).isEqualTo(m.rawInfo());
        }
    }

    static byte[] torrentWithFiles(BValue... paths) {
        List<BValue> files = new java.util.ArrayList<>();
        for (BValue p : paths) files.add(BDict.builder().put("length", 10).put("path", p).build());
        BDict info = BDict.builder().put("files", new BList(files)).put("name", "dir")
                .put("piece length", 16384).put("pieces", new byte[20]).build();
        return Bencode.encode(BDict.builder().put("info", info).build());
    }

    static BList path(String... c) {
        return new BList(java.util.Arrays.stream(c).<BValue>map(BBytes::of).toList());
    }

    @Test
    void refusesPathsThatEscapeTheDownloadFolder() {
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("..", "etc", "passwd")))).hasMessageContaining("'..'");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("/etc/passwd")))).hasMessageContaining("separator");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("a\\..\\b")))).hasMessageContaining("separator");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("C:", "x")))).hasMessageContaining("drive");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("a", "")))).hasMessageContaining("empty");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path()))).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> Metainfo.parse(torrentWithFiles(path("x"), path("x")))).hasMessageContaining("twice");
        assertThat(Metainfo.parse(torrentWithFiles(path("ok", "file..name"))).files()).hasSize(1);
    }

    @Test
    void refusesInconsistentSizes() {
        BDict.Builder info = BDict.builder().put("name", "x").put("piece length", 16384);
        byte[] twoHashes = new byte[40];
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("info",
                info.put("length", 100).put("pieces", twoHashes).build()).build()))).hasMessageContaining("need 1");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("info",
                info.put("length", -1).put("pieces", new byte[20]).build()).build()))).hasMessageContaining("negative");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("info",
                info.put("length", 5).put("pieces", new byte[19]).build()).build()))).hasMessageContaining("multiple of 20");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("info",
                info.put("length", 5).put("pieces", new byte[20]).put("piece length", 1000).build()).build())))
                .hasMessageContaining("piece length");
        assertThatThrownBy(() -> Metainfo.parse(Bencode.encode(BDict.builder().put("info", new BInt(1)).build())))
                .hasMessageContaining("'info'");
        assertThatThrownBy(() -> Metainfo.parse("garbage".getBytes())).isInstanceOf(MetainfoException.class)
                .hasMessageContaining("not valid bencode");
    }

    @Test
    void infoHashIsSha1OfTheRawInfo() {
        InfoHash h = InfoHash.of("d4:name1:xe".getBytes());
        assertThat(InfoHash.fromHex(h.hex())).isEqualTo(h);
        assertThatThrownBy(() -> InfoHash.fromHex("abc")).hasMessageContaining("40 hex");
        assertThatThrownBy(() -> new InfoHash(new byte[19])).hasMessageContaining("20 bytes");
    }
}
