package io.btspeed.protocol.bencode;

import io.btspeed.protocol.ProtocolException;

/** Malformed or non-canonical bencoded data. */
public class BencodeException extends ProtocolException {
    public BencodeException(String message) {
        super(message);
    }
}
