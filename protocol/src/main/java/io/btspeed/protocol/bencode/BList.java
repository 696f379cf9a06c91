package io.btspeed.protocol.bencode;

import java.util.List;

/** A bencoded list. */
public record BList(List<BValue> items) implements BValue {
    public BList {
        items = List.copyOf(items);
    }
}
