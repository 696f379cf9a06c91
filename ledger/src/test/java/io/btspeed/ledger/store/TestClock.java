package io.btspeed.ledger.store;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A ledger clock the test moves by hand (channel expiry). */
final class TestClock implements InstantSource {
    final AtomicLong millis = new AtomicLong(1_800_000_000_000L);

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    void advance(long ms) {
        millis.addAndGet(ms);
    }
}
