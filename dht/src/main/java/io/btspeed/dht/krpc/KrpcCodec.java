package io.btspeed.dht.krpc;

import io.btspeed.dht.NodeId;
import io.btspeed.dht.NodeInfo;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import io.btspeed.protocol.metainfo.InfoHash;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * KRPC over bencode (BEP 5, BEP 32 "nodes6"/"want", BEP 43 "ro"). Every datagram is hostile until
 * decoded: size, ids, compact formats, transaction id and token lengths are all bounded, and every
 * refusal is a {@link KrpcException} saying what was wrong.
 */
public final class KrpcCodec {
    /** Largest datagram we decode. Real responses stay far below (8 nodes = 208 bytes, 100 peers = 600). */
    public static final int MAX_PACKET = 8192;
    /** Most nodes per "nodes"/"nodes6" we accept: a response has k = 8, a few clients send 16. */
    public static final int MAX_NODES = 64;
    /** Most "values" entries accepted from one response. */
    public static final int MAX_VALUES = 512;
    /** Error texts are for logs only; longer ones are refused. */
    public static final int MAX_ERROR_TEXT = 512;
    /** Our client version, "v" (BEP 20 style two letters + version). */
    private static final byte[] VERSION = {'B', 'S', 0, 1};

    private KrpcCodec() {}

    public static KrpcMessage decode(byte[] data) {
        return decode(data, 0, data.length);
    }

    public static KrpcMessage decode(byte[] data, int off, int len) {
        if (len > MAX_PACKET) throw protocol("datagram of " + len + " bytes exceeds " + MAX_PACKET, null, false);
        if (len == 0) throw protocol("empty datagram", null, false);
        BValue v;
        try {
            // lenient: some clients do not sort keys, and nothing in KRPC is hashed
            v = Bencode.decodeLenient(java.util.Arrays.copyOfRange(data, off, off + len));
        } catch (ProtocolException e) {
            throw protocol("not bencode: " + e.getMessage(), null, false);
        }
        if (!(v instanceof BDict top)) throw protocol("top level is not a dictionary", null, false);
        TransactionId t = transactionId(top);
        String y = optShortString(top, "y", t, false);
        if (y == null) throw protocol("missing 'y' (message type)", t, false);
        boolean query = y.equals("q");
        try {
            return switch (y) {
                case "q" -> query(top, t);
                case "r" -> response(top, t);
                case "e" -> error(top, t);
                default -> throw protocol("unknown message type 'y' = '" + printable(y) + "'", t, false);
            };
        } catch (KrpcException e) {
            if (e.transactionId() == null && t != null) {
                throw new KrpcException(e.getMessage(), e.code(), t, query);
            }
            throw e;
        } catch (ProtocolException | IllegalArgumentException e) {
            throw protocol(e.getMessage(), t, query);
        }
    }

    private static TransactionId transactionId(BDict top) {
        BValue t = top.get("t");
        if (t == null) throw protocol("missing transaction id 't'", null, false);
        if (!(t instanceof BBytes b)) throw protocol("transaction id 't' is not a string", null, false);
        if (b.length() == 0 || b.length() > TransactionId.MAX_LENGTH) {
            throw protocol("transaction id of " + b.length() + " bytes (1.." + TransactionId.MAX_LENGTH + ")", null, false);
        }
        return new TransactionId(b.bytes());
    }

    private static KrpcMessage.Query query(BDict top, TransactionId t) {
        String q = optShortString(top, "q", t, true);
        if (q == null) throw protocol("query without method 'q'", t, true);
        BValue av = top.get("a");
        if (!(av instanceof BDict a)) throw protocol("query without argument dictionary 'a'", t, true);
        NodeId sender = nodeId(a, "id", t, true);
        boolean ro = top.get("ro") instanceof BInt ri && ri.value() == 1;
        return switch (q) {
            case "ping" -> new KrpcMessage.Ping(t, sender, ro);
            case "find_node" -> new KrpcMessage.FindNode(t, sender, nodeId(a, "target", t, true), want(a, t), ro);
            case "get_peers" -> new KrpcMessage.GetPeers(t, sender, new InfoHash(nodeId(a, "info_hash", t, true).bytes()), want(a, t), ro);
            case "announce_peer" -> announce(a, t, sender, ro);
            default -> throw new KrpcException("method unknown: '" + printable(q) + "'", KrpcException.METHOD_UNKNOWN, t, true);
        };
    }

    private static KrpcMessage.AnnouncePeer announce(BDict a, TransactionId t, NodeId sender, boolean ro) {
        InfoHash ih = new InfoHash(nodeId(a, "info_hash", t, true).bytes());
        boolean implied = a.get("implied_port") instanceof BInt ip && ip.value() != 0;
        long port = 0;
        BValue pv = a.get("port");
        if (pv instanceof BInt p) port = p.value();
        else if (pv != null) throw protocol("'port' is not an integer", t, true);
        else if (!implied) throw protocol("announce_peer without 'port'", t, true);
        if (!implied && (port < 1 || port > 65535)) throw protocol("announce_peer port " + port + " out of range", t, true);
        if (implied) port = Math.max(0, Math.min(port, 65535)); // ignored by the receiver anyway
        BValue tv = a.get("token");
        if (!(tv instanceof BBytes tb) || tb.length() == 0 || tb.length() > Token.MAX_LENGTH) {
            throw protocol("announce_peer without a valid 'token' (1.." + Token.MAX_LENGTH + " bytes)", t, true);
        }
        return new KrpcMessage.AnnouncePeer(t, sender, ih, (int) port, implied, new Token(tb.bytes()), ro);
    }

    private static Want want(BDict a, TransactionId t) {
        BValue w = a.get("want");
        if (w == null) return Want.DEFAULT;
        if (!(w instanceof BList l)) throw protocol("'want' is not a list", t, true);
        boolean v4 = false;
        boolean v6 = false;
        if (l.items().size() > 8) throw protocol("'want' has " + l.items().size() + " entries", t, true);
        for (BValue item : l.items()) {
            if (item instanceof BBytes b) {
                String s = new String(b.bytes(), StandardCharsets.ISO_8859_1);
                if (s.equals("n4")) v4 = true;
                else if (s.equals("n6")) v6 = true;
                // other entries are extensions we do not know: ignored, as BEP 32 asks
            }
        }
        return v4 || v6 ? new Want(v4, v6) : Want.DEFAULT;
    }

    private static KrpcMessage.Response response(BDict top, TransactionId t) {
        BValue rv = top.get("r");
        if (!(rv instanceof BDict r)) throw protocol("response without dictionary 'r'", t, false);
        NodeId sender = nodeId(r, "id", t, false);
        List<NodeInfo> nodes = optBytes(r, "nodes", t) instanceof byte[] b
                ? CompactAddresses.decodeNodes(b, false, MAX_NODES, "nodes") : List.of();
        List<NodeInfo> nodes6 = optBytes(r, "nodes6", t) instanceof byte[] b6
                ? CompactAddresses.decodeNodes(b6, true, MAX_NODES, "nodes6") : List.of();
        List<InetSocketAddress> values = new ArrayList<>();
        BValue vv = r.get("values");
        if (vv != null) {
            if (!(vv instanceof BList vl)) throw protocol("'values' is not a list", t, false);
            if (vl.items().size() > MAX_VALUES) throw protocol("'values' holds " + vl.items().size() + " peers, at most " + MAX_VALUES, t, false);
            for (BValue e : vl.items()) {
                if (!(e instanceof BBytes eb)) throw protocol("a 'values' entry is not a string", t, false);
                InetSocketAddress peer = CompactAddresses.decodePeer(eb.bytes());
                if (peer != null) values.add(peer);
            }
        }
        Token token = null;
        BValue tv = r.get("token");
        if (tv != null) {
            if (!(tv instanceof BBytes tb) || tb.length() == 0 || tb.length() > Token.MAX_LENGTH) {
                throw protocol("'token' must be 1.." + Token.MAX_LENGTH + " bytes", t, false);
            }
            token = new Token(tb.bytes());
        }
        return new KrpcMessage.Response(t, sender, nodes, nodes6, values, token);
    }

    private static KrpcMessage.Error error(BDict top, TransactionId t) {
        BValue ev = top.get("e");
        if (!(ev instanceof BList l) || l.items().size() < 2
                || !(l.items().get(0) instanceof BInt code) || !(l.items().get(1) instanceof BBytes msg)) {
            throw protocol("error 'e' must be a list [code, message]", t, false);
        }
        String text = msg.asString();
        // measured after UTF-8 repair, so what we accept re-encodes within the same bound
        int textBytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (textBytes > MAX_ERROR_TEXT) throw protocol("error message of " + textBytes + " bytes", t, false);
        long c = code.value();
        if (c < 0 || c > 999) throw protocol("error code " + c + " out of range", t, false);
        return new KrpcMessage.Error(t, (int) c, text);
    }

    private static NodeId nodeId(BDict d, String key, TransactionId t, boolean query) {
        BValue v = d.get(key);
        if (!(v instanceof BBytes b)) throw protocol("'" + key + "' missing or not a string", t, query);
        if (b.length() != NodeId.LENGTH) throw protocol("'" + key + "' is " + b.length() + " bytes, want 20", t, query);
        return new NodeId(b.bytes());
    }

    private static byte[] optBytes(BDict d, String key, TransactionId t) {
        BValue v = d.get(key);
        if (v == null) return null;
        if (!(v instanceof BBytes b)) throw protocol("'" + key + "' is not a string", t, false);
        return b.bytes();
    }

    private static String optShortString(BDict d, String key, TransactionId t, boolean query) {
        BValue v = d.get(key);
        if (v == null) return null;
        if (!(v instanceof BBytes b) || b.length() > 32) throw protocol("'" + key + "' must be a short string", t, query);
        return new String(b.bytes(), StandardCharsets.ISO_8859_1);
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) sb.append(c >= 0x20 && c < 0x7f ? c : '?');
        return sb.toString();
    }

    private static KrpcException protocol(String msg, TransactionId t, boolean query) {
        return new KrpcException(msg, KrpcException.PROTOCOL_ERROR, t, query);
    }

    public static byte[] encode(KrpcMessage m) {
        BDict.Builder top = BDict.builder().put("t", m.transactionId().bytes()).put("v", VERSION);
        switch (m) {
            case KrpcMessage.Query q -> {
                BDict.Builder a = BDict.builder().put("id", q.sender().bytes());
                switch (q) {
                    case KrpcMessage.Ping p -> { }
                    case KrpcMessage.FindNode f -> {
                        a.put("target", f.target().bytes());
                        putWant(a, f.want());
                    }
                    case KrpcMessage.GetPeers g -> {
                        a.put("info_hash", g.infoHash().bytes());
                        putWant(a, g.want());
                    }
                    case KrpcMessage.AnnouncePeer ap -> {
                        a.put("info_hash", ap.infoHash().bytes()).put("port", ap.port()).put("token", ap.token().bytes());
                        if (ap.impliedPort()) a.put("implied_port", 1);
                    }
                }
                top.put("y", "q").put("q", q.method()).put("a", a.build());
                if (q.readOnly()) top.put("ro", 1);
            }
            case KrpcMessage.Response r -> {
                BDict.Builder rd = BDict.builder().put("id", r.sender().bytes());
                if (!r.nodes().isEmpty()) rd.put("nodes", CompactAddresses.encodeNodes(r.nodes(), false));
                if (!r.nodes6().isEmpty()) rd.put("nodes6", CompactAddresses.encodeNodes(r.nodes6(), true));
                if (!r.values().isEmpty()) {
                    List<BValue> vals = new ArrayList<>(r.values().size());
                    for (InetSocketAddress p : r.values()) vals.add(new BBytes(CompactAddresses.encodePeer(p)));
                    rd.put("values", new BList(vals));
                }
                if (r.token() != null) rd.put("token", r.token().bytes());
                top.put("y", "r").put("r", rd.build());
            }
            case KrpcMessage.Error e -> top.put("y", "e").put("e", new BList(List.of(new BInt(e.code()), BBytes.of(e.message()))));
        }
        return Bencode.encode(top.build());
    }

    private static void putWant(BDict.Builder a, Want w) {
        if (w.isDefault()) return;
        List<BValue> l = new ArrayList<>();
        if (w.v4()) l.add(BBytes.of("n4"));
        if (w.v6()) l.add(BBytes.of("n6"));
        a.put("want", new BList(l));
    }
}
