package io.btspeed.engine.net;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/** Where a connection's writer takes piece payloads from: the torrent's storage. */
public interface BlockSource {
    /** Writes exactly {@code length} bytes of piece {@code piece} starting at {@code begin} to {@code out}. */
    void transferBlock(int piece, int begin, int length, WritableByteChannel out) throws IOException;

    /** Copies exactly {@code length} bytes of piece {@code piece} starting at {@code begin} into {@code dst} (advancing its position). */
    void readBlock(int piece, int begin, int length, java.nio.ByteBuffer dst) throws IOException;
}
