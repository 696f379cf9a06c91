package io.btspeed.engine.torrent;

import static org.assertj.core.api.Assertions.assertThat;

import io.btspeed.protocol.metainfo.InfoDictBuilder;
import io.btspeed.protocol.metainfo.Metainfo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
