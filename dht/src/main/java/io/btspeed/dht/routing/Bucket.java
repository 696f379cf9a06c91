package io.btspeed.dht.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * One k-bucket: up to k live entries and a small replacement cache of nodes seen while the bucket
 * was full, newest last, which take the place of entries that go bad.
 */
final class Bucket {
    final List<NodeEntry> entries = new ArrayList<>();
    final List<NodeEntry> replacements = new ArrayList<>();
    /** When a node in this bucket last answered or was added (refresh clock, BEP 5). */
    long lastChanged;

    Bucket(long now) {
        this.lastChanged = now;
    }
}
