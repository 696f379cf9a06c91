package io.btspeed.protocol.metainfo;

import io.btspeed.protocol.ProtocolException;

/** A .torrent or info dictionary that is not a valid v1 torrent. */
public class MetainfoException extends ProtocolException {
    public MetainfoException(String message) {
        super(message);
    }

    public MetainfoException(String message, Throwable cause) {
        super(message, cause);
    }
}
