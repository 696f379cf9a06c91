package io.btspeed.dht.krpc;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Objects;

/** One KRPC datagram (BEP 5): a query, a response or an error, each tagged by its transaction id. */
public sealed interface KrpcMessage permits KrpcMessage.Query, KrpcMessage.Response, KrpcMessage.Error {
    TransactionId transactionId();

    /** The four BEP 5 queries; {@link #sender()} is the querying node's id. */
    sealed interface Query extends KrpcMessage permits Ping, FindNode, GetPeers, AnnouncePeer {
        NodeId sender();

        String method();

        /**
         * BEP 43 read-only: the sender cannot answer queries (behind a NAT, say), so it must not
         * enter our routing table.
         */
        boolean readOnly();
    }

    record Ping(TransactionId transactionId, NodeId sender, boolean readOnly) implements Query {
        public Ping {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(sender);
        }

        public String method() {
            return "ping";
        }
    }

    record FindNode(TransactionId transactionId, NodeId sender, NodeId target, Want want, boolean readOnly) implements Query {
        public FindNode {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(sender);
            Objects.requireNonNull(target);
            Objects.requireNonNull(want);
        }

        public String method() {
            return "find_node";
        }
    }

    record GetPeers(TransactionId transactionId, NodeId sender, InfoHash infoHash, Want want, boolean readOnly) implements Query {
        public GetPeers {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(sender);
            Objects.requireNonNull(infoHash);
            Objects.requireNonNull(want);
        }

        public String method() {
            return "get_peers";
        }
    }

    /**
     * @param impliedPort when true the receiver uses the UDP source port instead of {@code port}
     *                    (peers behind NAT with uTP on the DHT port)
     */
    record AnnouncePeer(TransactionId transactionId, NodeId sender, InfoHash infoHash, int port, boolean impliedPort,
                        Token token, boolean readOnly) implements Query {
        public AnnouncePeer {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(sender);
            Objects.requireNonNull(infoHash);
            Objects.requireNonNull(token);
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
        }

        public String method() {
            return "announce_peer";
        }
    }

    /**
     * Every response has the same shape; which fields are filled depends on the query it answers,
     * which only the transaction table knows.
     *
     * @param nodes  IPv4 compact nodes ("nodes"), empty when absent
     * @param nodes6 IPv6 compact nodes ("nodes6", BEP 32), empty when absent
     * @param values peers ("values"), IPv4 and IPv6 mixed, empty when absent
     * @param token  write token of a get_peers response, null when absent
     */
    record Response(TransactionId transactionId, NodeId sender, List<NodeInfo> nodes, List<NodeInfo> nodes6,
                    List<InetSocketAddress> values, Token token) implements KrpcMessage {
        public Response {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(sender);
            nodes = List.copyOf(nodes);
            nodes6 = List.copyOf(nodes6);
            values = List.copyOf(values);
        }

        public static Response pong(TransactionId t, NodeId self) {
            return new Response(t, self, List.of(), List.of(), List.of(), null);
        }
    }

    record Error(TransactionId transactionId, int code, String message) implements KrpcMessage {
        public Error {
            Objects.requireNonNull(transactionId);
            Objects.requireNonNull(message);
        }
    }
}
