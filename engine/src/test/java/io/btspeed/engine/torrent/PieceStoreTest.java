package io.btspeed.engine.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoDictBuilder;
import io.btspeed.protocol.metainfo.Metainfo;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PieceStoreTest {
    private static Metainfo multiFile() {
        return new InfoDictBuilder("tree", 16 * 1024).addFile(List.of("a", "b.bin"), 100).addFile(List.of("c.bin"), 50)
                .pieceHashes(new byte[20]).toMetainfo(List.of());
    }

    @Test
    void aRelativeDownloadDirectoryLikeDotIsAccepted() throws Exception {
        // "." normalises to the empty path; the containment check must still see files inside it
        try (PieceStore store = new PieceStore(multiFile(), Path.of("."))) {
            assertThat(store.pieceOffset(0)).isZero();
        }
        Metainfo single = new InfoDictBuilder("one.bin", 16 * 1024).length(10).pieceHashes(new byte[20]).toMetainfo(List.of());
        try (PieceStore store = new PieceStore(single, Path.of("."))) {
            assertThat(store.pieceOffset(0)).isZero();
        }
    }

    @Test
    void aFileShorterThanTheTorrentSaysIsNotAPiece(@TempDir Path dir) throws Exception {
        // 100 + 50 bytes in one piece; c.bin holds only 20 of its 50
        Files.createDirectories(dir.resolve("tree/a"));
        Files.write(dir.resolve("tree/a/b.bin"), new byte[100]);
        Files.write(dir.resolve("tree/c.bin"), new byte[20]);
        try (PieceStore store = new PieceStore(multiFile(), dir)) {
            assertThat(store.readPiece(0, ByteBuffer.allocate(150))).isFalse();
            ByteBuffer inFirstFile = ByteBuffer.allocate(64);
            store.readBlock(0, 10, 64, inFirstFile);
            assertThat(inFirstFile.position()).isEqualTo(64);
            assertThatThrownBy(() -> store.readBlock(0, 100, 40, ByteBuffer.allocate(40)))
                    .isInstanceOf(IOException.class).hasMessageContaining("not on disk");
        }
        // once the file has all its bytes the piece reads whole
        Files.write(dir.resolve("tree/c.bin"), new byte[50]);
        try (PieceStore store = new PieceStore(multiFile(), dir)) {
            ByteBuffer whole = ByteBuffer.allocate(150);
            assertThat(store.readPiece(0, whole)).isTrue();
            assertThat(whole.position()).isEqualTo(150);
        }
    }
}
