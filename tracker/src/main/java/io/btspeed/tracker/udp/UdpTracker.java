package io.btspeed.tracker.udp;

import io.btspeed.tracker.SwarmRegistry;
import io.btspeed.tracker.TrackerCounters;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP front end (BEP 15) on one DatagramChannel served by one thread: a request is a few
 * microseconds of work, so one thread keeps up with a busy tracker and needs no locking around the
 * connection-id MAC. The rules are in {@link UdpHandler}.
 */
public final class UdpTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpTracker.class);

    private final DatagramChannel channel;
    private final UdpHandler handler;
    private final LongSupplier clockMillis;
    private final Thread thread;

    private UdpTracker(DatagramChannel channel, UdpHandler handler, LongSupplier clockMillis) {
        this.channel = channel;
        this.handler = handler;
        this.clockMillis = clockMillis;
        this.thread = Thread.ofPlatform().name("udp-tracker").daemon().unstarted(this::loop);
    }

    public static UdpTracker start(InetSocketAddress bind, SwarmRegistry registry, TrackerCounters counters,
                                   LongSupplier clockMillis) throws IOException {
        DatagramChannel ch = DatagramChannel.open();
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20); // absorb bursts of announces
            ch.bind(bind);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        UdpTracker t = new UdpTracker(ch, new UdpHandler(registry, counters, new ConnectionIds(new SecureRandom())), clockMillis);
        t.thread.start();
        return t;
    }

    public int port() {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void loop() {
        // one byte more than the largest request, so an oversized datagram shows as a full buffer
        ByteBuffer in = ByteBuffer.allocateDirect(UdpCodec.MAX_PACKET + 1);
        while (channel.isOpen()) {
            try {
                in.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(in);
                if (from == null) continue;
                in.flip();
                ByteBuffer reply = handler.handle(in, from, clockMillis.getAsLong());
                if (reply != null) channel.send(reply, from);
            } catch (ClosedChannelException closed) {
                return;
            } catch (IOException e) {
                // ICMP-unreachable from an earlier reply and the like: one client's problem, not ours
                log.debug("udp tracker i/o: {}", e.toString());
            } catch (RuntimeException e) {
                log.warn("udp tracker request failed", e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            channel.close();
        } catch (IOException e) {
            log.debug("closing udp tracker: {}", e.toString());
        }
        thread.join(5_000);
    }
}
