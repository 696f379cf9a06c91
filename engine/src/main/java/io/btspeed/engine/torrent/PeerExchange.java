package io.btspeed.engine.torrent;

import io.btspeed.protocol.ext.PexMessage;
import io.btspeed.protocol.wire.Extended;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/** BEP 11 (ut_pex): telling peers whom else we are connected to, and learning addresses from what they tell us. */
final class PeerExchange {
    static final long INTERVAL_NANOS = 60_000_000_000L;
    /** Addresses taken from (and sent in) one message: a flood must not fill our address book. */
    static final int MAX_ADDED = 50;

    private PeerExchange() {
    }

    /** Sends the peer what changed among our connected peers' listen addresses since the last message. */
    static void send(Peer p, List<Peer> peers) {
        Set<InetSocketAddress> now = new HashSet<>();
        for (Peer q : peers) if (q != p && q.listenAddress != null) now.add(q.listenAddress);
        List<InetSocketAddress> added = new ArrayList<>(), dropped = new ArrayList<>();
        List<InetSocketAddress> added6 = new ArrayList<>(), dropped6 = new ArrayList<>();
        for (InetSocketAddress a : now) {
            if (!p.pexSent.contains(a) && added.size() + added6.size() < MAX_ADDED) {
                (a.getAddress() instanceof Inet6Address ? added6 : added).add(a);
            }
        }
        for (InetSocketAddress a : p.pexSent) {
            if (!now.contains(a)) (a.getAddress() instanceof Inet6Address ? dropped6 : dropped).add(a);
        }
        if (added.isEmpty() && dropped.isEmpty() && added6.isEmpty() && dropped6.isEmpty()) return;
        p.pexSent.addAll(added);
        p.pexSent.addAll(added6);
        dropped.forEach(p.pexSent::remove);
        dropped6.forEach(p.pexSent::remove);
        PexMessage msg = new PexMessage(added, new byte[added.size()], dropped, added6, new byte[added6.size()], dropped6);
        p.conn.send(new Extended(p.pexExtId, msg.encode()));
    }

    /** Hands at most {@link #MAX_ADDED} of the message's added addresses to {@code learn}. */
    static void receive(byte[] payload, Consumer<InetSocketAddress> learn) {
        PexMessage pex = PexMessage.decode(payload);
        int n = 0;
        for (InetSocketAddress a : pex.added()) {
            if (n++ >= MAX_ADDED) break;
            learn.accept(a);
        }
        for (InetSocketAddress a : pex.added6()) {
            if (n++ >= MAX_ADDED) break;
            learn.accept(a);
        }
    }
}
