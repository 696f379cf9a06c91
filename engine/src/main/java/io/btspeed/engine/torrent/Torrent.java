package io.btspeed.engine.torrent;

import io.btspeed.core.session.DuplicateConnections;
import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentState;
import io.btspeed.engine.TorrentStatus;
import io.btspeed.engine.net.BlockSource;
import io.btspeed.engine.net.PeerConnection;
import io.btspeed.engine.net.PeerHandler;
import io.btspeed.engine.net.Throttle;
import io.btspeed.engine.net.WireViolation;
import io.btspeed.engine.tracker.AnnounceSchedule;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.metainfo.InfoHash;
import io.btspeed.protocol.metainfo.Metainfo;
import io.btspeed.protocol.wire.AllowedFast;
import io.btspeed.protocol.wire.BitfieldMsg;
import io.btspeed.protocol.wire.Cancel;
import io.btspeed.protocol.wire.Choke;
import io.btspeed.protocol.wire.Extended;
import io.btspeed.protocol.wire.Handshake;
import io.btspeed.protocol.wire.Have;
import io.btspeed.protocol.wire.HaveAll;
import io.btspeed.protocol.wire.HaveNone;
import io.btspeed.protocol.wire.Interested;
import io.btspeed.protocol.wire.KeepAlive;
import io.btspeed.protocol.wire.NotInterested;
import io.btspeed.protocol.wire.PeerMessage;
import io.btspeed.protocol.wire.Piece;
import io.btspeed.protocol.wire.Port;
import io.btspeed.protocol.wire.RejectRequest;
import io.btspeed.protocol.wire.Request;
import io.btspeed.protocol.wire.SuggestPiece;
import io.btspeed.protocol.wire.Unchoke;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One torrent: its lifecycle (check, download, seed, pause, close), its connections and the messages they carry.
 * The rules live beside it: {@link Requests} (what to fetch from whom, through core's picker and pipelines),
 * {@link Choking} (who we upload to, through the slot policy), {@link KnownPeers} (whom to dial),
 * {@link MetadataExchange} and {@link PeerExchange} (BEP 9 and 11), {@link Extensions} (BEP 10 plug-ins) and
 * {@link PieceCheck} (hashing). Every piece of shared state is guarded by {@link #lock}, which is held only for
 * bookkeeping; sending just enqueues on a connection, and all socket and disk I/O happens outside it (readers,
 * writers and the hash pool).
 */
public final class Torrent implements TorrentHandle, PeerHandler {
    private static final Logger log = LoggerFactory.getLogger(Torrent.class);

    /** Our extension message ids (what peers use when they send to us); custom extensions follow. */
    static final int EXT_METADATA = 1, EXT_PEX = 2;
    private static final int OUR_REQQ = 4000;
    private static final long SECOND = 1_000_000_000L;
    private static final long KEEPALIVE_AFTER = 60 * SECOND;
    private static final long LEAVE_GRACE_NANOS = 30 * SECOND;
    /** At close: how long extensions may hold connections, and how long queued messages get to leave. */
    private static final long CLOSE_HOLD_NANOS = 5 * SECOND;
    private static final long CLOSE_FLUSH_NANOS = 2 * SECOND;
    private static final long OPTIMISTIC_INTERVAL = 30 * SECOND;
    private static final long PROGRESS_SAVE_INTERVAL = 30 * SECOND;
    private static final int MAX_QUEUED_UPLOADS = 4096;

    private final TorrentContext ctx;
    private final InfoHash infoHash;
    private final Path downloadDir;
    private final Set<Integer> selectedFiles;
    private final List<List<String>> magnetTrackers;
    private final ResumeStore resume;
    /** Added by magnet link: peers are already connected before the check, and get haves afterwards. */
    private final boolean fromMagnet;
    /** Pieces hashed while checking existing data; with the trusted count this is what resume saved. */
    private final AtomicInteger rechecked = new AtomicInteger();
    private volatile String resumeSummary;
    final ReentrantLock lock = new ReentrantLock();
    private final Random random;

    private volatile Metainfo meta;
    private volatile PieceStore store;
    /** Null until the check says what we have. */
    private Requests requests;
    private final MetadataExchange metadata;
    private BitSet have = new BitSet();
    private BitSet wanted = new BitSet();
    private volatile TorrentState state;
    private volatile String error;
    private boolean paused;
    private volatile boolean closed;
    private long wantedBytes;
    private long wantedDoneBytes;

    private final List<Peer> peers = new ArrayList<>();
    /** Seeds we will leave (we are complete) once no extension holds the connection, with a deadline in nanos. */
    private final Map<Peer, Long> leaving = new HashMap<>();
    private final KnownPeers known = new KnownPeers();
    private final Set<String> bannedPeerIds = new HashSet<>();
    private int nextPeerKey;
    private final Choking choking;
    private final Extensions extensions;
    private long lastProgressSave = System.nanoTime();
    private int piecesSinceSave;

    private final TransferMeter downMeter = new TransferMeter();
    private final TransferMeter upMeter = new TransferMeter();
    private final Throttle upThrottle;
    private final Throttle downThrottle;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private volatile boolean completeWhenChecked;
    private final List<Runnable> onComplete = new ArrayList<>();
    private volatile Supplier<List<AnnounceSchedule.TrackerState>> trackerInfo = List::of;

    public Torrent(TorrentContext ctx, AddTorrentParams params, ResumeStore resume) {
        this.ctx = ctx;
        this.meta = params.metainfo();
        this.infoHash = meta != null ? meta.infoHash() : params.magnet().infoHash();
        this.downloadDir = params.downloadDir();
        this.selectedFiles = params.selectedFiles();
        this.magnetTrackers = params.magnet() == null ? List.of()
                : params.magnet().trackers().stream().map(List::of).toList();
        this.resume = resume;
        this.fromMagnet = params.metainfo() == null;
        this.random = new Random(Arrays.hashCode(infoHash.bytes()) ^ Arrays.hashCode(ctx.peerId()));
        SlotPolicy policy = params.slotPolicy() != null ? params.slotPolicy() : new TitForTatPolicy(new Random(random.nextLong()), OPTIMISTIC_INTERVAL);
        this.choking = new Choking(policy, ctx.timeouts().chokeInterval().toNanos());
        this.extensions = new Extensions(params.extensions(), infoHash);
        this.upThrottle = new Throttle(0, ctx.upload());
        this.downThrottle = new Throttle(0, ctx.download());
        this.state = meta != null ? TorrentState.CHECKING : TorrentState.FETCHING_METADATA;
        this.metadata = new MetadataExchange(infoHash, meta == null);
        for (InetSocketAddress a : params.peers()) known.add(a);
    }

    /** Verifies existing data (or trusts a clean resume file) in the background, then starts dialing. */
    public void start() {
        if (meta != null) {
            Thread.ofVirtual().name("bt-check-" + infoHash.hex().substring(0, 8)).start(this::checkThenRun);
        } else {
            dialMore();
        }
    }

    /** Where {@link #trackers()} reads from; set by the session's announcer once it runs. */
    public void setTrackerInfo(Supplier<List<AnnounceSchedule.TrackerState>> info) {
        trackerInfo = info;
    }

    @Override
    public List<AnnounceSchedule.TrackerState> trackers() {
        return trackerInfo.get();
    }

    /** Called once the torrent completes (tracker "completed" announce); at once (on the hash pool) if it already has. */
    public void onComplete(Runnable r) {
        lock.lock();
        try {
            if (completion.isDone() && !completion.isCompletedExceptionally()) ctx.hashPool().execute(r);
            else onComplete.add(r);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether every wanted piece was already there when the data was checked, before this session downloaded anything
     * (a seed): trackers then never get {@code completed}. False while checking and for a magnet before its metadata.
     */
    public boolean completeWhenChecked() {
        return completeWhenChecked;
    }

    // ================================================================= metadata, checking

    private void checkThenRun() {
        try {
            Metainfo m = meta;
            PieceStore s = new PieceStore(m, downloadDir, ctx.config().directWrites());
            BitSet w = PieceCheck.wantedPieces(m, selectedFiles);
            ResumeStore.Loaded saved = resume == null ? ResumeStore.Loaded.NOTHING : resume.load(m, s);
            BitSet h = saved.trusted() ? saved.pieces() : PieceCheck.recheck(m, s, saved.pieces(), ctx.hashPool(), rechecked);
            if (resume != null) {
                // the pieces the saved records vouch for (all of them after a clean stop); the rest was hashed
                resumeSummary = "resume: " + saved.pieces().cardinality() + " pieces trusted, " + rechecked.get() + " rechecked"
                        + (saved.trusted() ? " (clean stop)" : "");
            }
            s.createEmptyFiles(selectedFiles);
            if (resume != null) resume.saveDirty(m, h);
            lock.lock();
            try {
                if (closed) {
                    s.close();
                    return;
                }
                store = s;
                have = h;
                wanted = w;
                requests = new Requests(m, have, wanted, random.nextLong(), peers, () -> paused);
                completeWhenChecked = requests.wantedComplete(); // before the state leaves CHECKING: the tracker bridge waits on it
                for (int i = w.nextSetBit(0); i >= 0; i = w.nextSetBit(i + 1)) {
                    wantedBytes += m.pieceSize(i);
                    if (have.get(i)) wantedDoneBytes += m.pieceSize(i);
                }
                state = paused ? TorrentState.PAUSED : TorrentState.DOWNLOADING;
                for (Peer p : List.copyOf(peers)) {
                    try {
                        requests.adopt(p);
                    } catch (WireViolation e) {
                        log.debug("{}: {}", p, e.getMessage());
                        p.conn.close();
                    }
                }
                for (Peer p : List.copyOf(peers)) {
                    PeerWire.sendFirstMessage(p, have, m.pieceCount(), infoHash);
                    requests.updateInterest(p);
                }
                checkComplete();
            } finally {
                lock.unlock();
            }
            dialMore();
        } catch (IOException | RuntimeException e) {
            fail("checking existing data failed: " + e.getMessage(), e);
        }
    }

    private void onMetadata(byte[] rawInfo) {
        // Called under the lock by the reader that delivered the last metadata piece.
        Metainfo m;
        try {
            m = Metainfo.fromInfoDict(rawInfo, magnetTrackers);
        } catch (ProtocolException e) {
            fail("metadata from peers is invalid: " + e.getMessage(), e);
            return;
        }
        meta = m;
        state = TorrentState.CHECKING;
        log.info("{}: metadata received ({} pieces)", infoHash, m.pieceCount());
        Thread.ofVirtual().name("bt-check-" + infoHash.hex().substring(0, 8)).start(this::checkThenRun);
    }

    private void fail(String message, Throwable e) {
        log.warn("{}: {}", infoHash, message, e);
        List<Peer> toClose;
        lock.lock();
        try {
            error = message;
            state = TorrentState.ERROR;
            toClose = List.copyOf(peers);
        } finally {
            lock.unlock();
        }
        for (Peer p : toClose) p.conn.close();
        completion.completeExceptionally(new IOException(message, e));
    }

    // ================================================================= connections

    /** Wants another connection? (Checked by the session before it dials or answers a handshake.) */
    public boolean acceptsPeers() {
        lock.lock();
        try {
            return !closed && !paused && state != TorrentState.ERROR && (requests != null || fromMagnet)
                    && peers.size() < ctx.config().maxPeersPerTorrent();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes over a channel whose handshake is done. Returns false (caller closes the channel) for a
     * self-connection, a duplicate or banned peer, or when the torrent is full or paused.
     */
    public boolean attach(SocketChannel ch, Handshake theirs, boolean outgoing, InetSocketAddress dialed) throws IOException {
        byte[] pid = theirs.peerId();
        String pidKey = HexFormat.of().formatHex(pid);
        PeerConnection conn;
        Peer p;
        Peer displaced;
        lock.lock();
        try {
            if (Arrays.equals(pid, ctx.peerId())) {
                if (dialed != null) known.markSelf(dialed);
                return false;
            }
            if (closed || paused || state == TorrentState.ERROR || peers.size() >= ctx.config().maxPeersPerTorrent()) return false;
            // Until the check says what we have, our first message (bitfield / have-all) cannot be written.
            if (requests == null && !fromMagnet) return false;
            if (bannedPeerIds.contains(pidKey) || (dialed != null && known.isBanned(dialed))) return false;
            displaced = null;
            for (Peer q : peers) {
                if (!Arrays.equals(q.conn.remotePeerId(), pid)) continue;
                if (!DuplicateConnections.keepNew(q.outgoing, outgoing, ctx.peerId(), pid)) return false;
                displaced = q;
            }
            conn = new PeerConnection(ch, pid, theirs.supportsFast(), theirs.supportsExtensions(), this, storeView,
                    downThrottle, upThrottle);
            p = new Peer(nextPeerKey++, conn, outgoing, outgoing ? dialed : null, ctx.timeouts().request().toNanos());
            if (requests != null) requests.newPeer(p);
            conn.attach(p);
            peers.add(p);
            if (dialed != null) known.connected(dialed);
            if (meta != null && requests != null) {
                PeerWire.sendFirstMessage(p, have, meta.pieceCount(), infoHash);
            } else {
                // Before we know what we have, "nothing" is the truthful first message. A bitfield is
                // only allowed right after the handshake, so whatever we get later goes out as haves.
                if (conn.remoteSupportsFast()) conn.send(new HaveNone());
                p.sentFirstMessage = true;
            }
            if (conn.remoteSupportsExtensions()) conn.send(new Extended(0, ourExtendedHandshake()));
            // BEP 5: both set the DHT bit, so tell the peer where our DHT node listens
            if (theirs.supportsDht() && ctx.dht().port() > 0) conn.send(new Port(ctx.dht().port()));
            extensions.peerConnected(p);
        } finally {
            lock.unlock();
        }
        if (displaced != null) displaced.conn.close();
        conn.start();
        log.debug("{}: connected {} ({})", infoHash, conn.remoteAddress(), outgoing ? "out" : "in");
        return true;
    }

    /** Connections may exist before the storage does (magnet, checking); uploads are only queued once it does. */
    private final BlockSource storeView = new BlockSource() {
        @Override
        public void transferBlock(int piece, int begin, int length, WritableByteChannel out) throws IOException {
            storage().transferBlock(piece, begin, length, out);
        }

        @Override
        public void readBlock(int piece, int begin, int length, ByteBuffer dst) throws IOException {
            storage().readBlock(piece, begin, length, dst);
        }
    };

    private PieceStore storage() throws IOException {
        PieceStore s = store;
        if (s == null) throw new IOException("no storage yet");
        return s;
    }

    private byte[] ourExtendedHandshake() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("ut_metadata", EXT_METADATA);
        m.put("ut_pex", EXT_PEX);
        BDict.Builder extra = BDict.builder();
        extensions.describe(m, extra);
        Metainfo mi = meta;
        long metadataSize = mi == null ? -1 : mi.rawInfo().length;
        return new ExtendedHandshake(m, ctx.listenPort().getAsInt(), "btspeed 0.1", metadataSize, OUR_REQQ, extra.build()).encode();
    }

    @Override
    public void onClosed(PeerConnection c, Throwable cause) {
        Peer p = (Peer) c.attachment();
        if (p == null) return;
        if (cause != null) log.debug("{}: {} closed: {}", infoHash, c.remoteAddress(), cause.toString());
        lock.lock();
        try {
            if (!peers.remove(p)) return;
            choking.peerClosed(p);
            extensions.peerClosed(p);
            metadata.peerClosed(p, peers);
            if (requests != null) requests.peerClosed(p);
            if (p.outgoing && p.listenAddress != null) known.disconnected(p.listenAddress, System.nanoTime());
            if (requests != null) requests.refillAll();
        } finally {
            lock.unlock();
        }
        if (!closed) dialMore();
    }

    // ================================================================= incoming messages

    @Override
    public void onMessage(PeerConnection c, PeerMessage m) throws IOException {
        Peer p = (Peer) c.attachment();
        lock.lock();
        try {
            if (!peers.contains(p)) return;
            handle(p, m);
        } finally {
            lock.unlock();
        }
    }

    private void handle(Peer p, PeerMessage m) throws IOException {
        Metainfo mi = meta;
        Requests rq = requests;
        // ready: we know what we have, and the peer's pieces are counted
        boolean ready = mi != null && rq != null && p.bits != null;
        switch (m) {
            case KeepAlive k -> { }
            case Choke x -> {
                p.peerChoking = true;
                if (!p.conn.remoteSupportsFast() && rq != null) rq.onChokedWithoutFast(p);
            }
            case Unchoke x -> {
                p.peerChoking = false;
                if (rq != null) rq.fill(p);
            }
            case Interested x -> {
                p.peerInterested = true;
                // A free slot need not wait for the next round, but the policy still decides who gets it
                // (a market policy may keep slots for bidders).
                if (p.amChoking && mayUpload() && choking.hasFreeSlot(peers, ctx.config().uploadSlots())) chokeRound(System.nanoTime());
            }
            case NotInterested x -> {
                p.peerInterested = false;
            }
            case Have(int piece) -> {
                if (piece < 0 || (mi != null && piece >= mi.pieceCount())) throw new WireViolation("have for piece " + piece);
                if (piece > 1 << 24) throw new WireViolation("have for piece " + piece);
                if (ready) rq.onHave(p, piece);
                else if (!p.hasAll) p.earlyHaves.set(piece);
                // a peer that just completed closes seed-to-seed connections itself, after what it sent
                // last (its final payment follows this have): closing here would drop that unread
            }
            case BitfieldMsg(byte[] bits) -> {
                if (ready) {
                    rq.onBitfield(p, bits);
                    afterPeerPiecesChanged(p);
                } else {
                    p.hasAll = false;
                    p.pendingBitfield = bits.clone();
                }
            }
            case HaveAll x -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("have-all without the Fast extension");
                if (ready) {
                    rq.onHaveAll(p);
                    afterPeerPiecesChanged(p);
                } else {
                    p.hasAll = true;
                }
            }
            case HaveNone x -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("have-none without the Fast extension");
            }
            case Request(int piece, int begin, int length) -> onRequest(p, mi, piece, begin, length);
            case Cancel(int piece, int begin, int length) -> p.conn.unqueueBlock(piece, begin, length);
            case RejectRequest(int piece, int begin, int length) -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("reject-request without the Fast extension");
                if (rq != null) rq.onReject(p, piece, begin);
            }
            case AllowedFast(int piece) -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("allowed-fast without the Fast extension");
                if (piece >= 0 && (mi == null || piece < mi.pieceCount()) && p.allowedFast.size() < 64) {
                    p.addAllowedFast(piece, mi == null ? 0 : mi.pieceCount());
                    if (rq != null) rq.fill(p);
                }
            }
            case Extended(int id, byte[] payload) -> onExtended(p, id, payload);
            case Piece x -> throw new IllegalStateException("piece payloads take the blockTarget path");
            case SuggestPiece x -> { }
            case Port(int port) -> ctx.dht().peerNode(p.conn.remoteAddress(), port);
        }
    }

    private void afterPeerPiecesChanged(Peer p) {
        int n = meta.pieceCount();
        if (have.cardinality() == n && p.isSeed(n)) {
            // Two seeds have nothing to say to each other.
            p.conn.close();
            return;
        }
        requests.updateInterest(p);
        requests.fill(p);
    }

    private void onRequest(Peer p, Metainfo mi, int piece, int begin, int length) throws WireViolation {
        if (mi == null || requests == null) {
            if (p.conn.remoteSupportsFast()) p.conn.send(new RejectRequest(piece, begin, length));
            return;
        }
        if (piece < 0 || piece >= mi.pieceCount()) throw new WireViolation("request for piece " + piece + " of " + mi.pieceCount());
        if (length <= 0 || length > PeerConnection.MAX_BLOCK || begin < 0 || (long) begin + length > mi.pieceSize(piece)) {
            throw new WireViolation("request " + piece + "/" + begin + "+" + length + " outside the piece");
        }
        boolean unchoked = !p.amChoking || p.allowedFastOut.contains(piece);
        boolean allowed = unchoked && have.get(piece) && mayUpload() && p.conn.queuedUploads() < MAX_QUEUED_UPLOADS;
        if (allowed) {
            p.conn.sendBlock(piece, begin, length);
            extensions.blockQueued(p, piece, length);
        } else if (p.conn.remoteSupportsFast()) {
            p.conn.send(new RejectRequest(piece, begin, length));
        }
    }

    private void onExtended(Peer p, int id, byte[] payload) throws IOException {
        if (id == 0) {
            ExtendedHandshake hs = ExtendedHandshake.decode(payload);
            Integer md = hs.m().get("ut_metadata");
            Integer px = hs.m().get("ut_pex");
            p.metadataExtId = md == null ? 0 : md;
            p.pexExtId = px == null ? 0 : px;
            p.metadataSize = hs.metadataSize();
            if (hs.reqq() > 0) p.pipeline.setPeerReqq(Math.min(hs.reqq(), 4000));
            if (!p.outgoing && hs.port() > 0 && hs.port() < 65536) {
                p.listenAddress = new InetSocketAddress(p.conn.remoteAddress().getAddress(), hs.port());
            }
            metadata.request(p);
            p.remoteExtensions = hs.m();
            extensions.handshake(p, hs);
            return;
        }
        // a peer's failure to follow an extension's rules is a protocol violation like any other
        if (extensions.deliver(p, id, payload)) return;
        if (id == EXT_METADATA) {
            byte[] info = metadata.onMessage(p, payload, meta, peers);
            if (info != null) onMetadata(info);
            return;
        }
        if (id == EXT_PEX) PeerExchange.receive(payload, this::learn);
        // Unknown extension ids are ignored: peers may send messages for extensions we did not name.
    }

    // ================================================================= piece payloads

    @Override
    public ByteBuffer blockTarget(PeerConnection c, int piece, int begin, int length) throws IOException {
        Peer p = (Peer) c.attachment();
        lock.lock();
        try {
            return requests != null ? requests.blockTarget(p, piece, begin, length) : Requests.unrequested(p, piece, begin, length);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onBlock(PeerConnection c, int piece, int begin, int length) {
        Peer p = (Peer) c.attachment();
        PieceAssembly complete;
        downMeter.add(length);
        lock.lock();
        try {
            if (requests != null) {
                complete = requests.blockDone(p, piece, begin, length);
            } else {
                // a block we cancelled before we were ready, read and discarded: it still shows the peer is alive
                p.pipeline.onBlock(length, System.nanoTime());
                complete = null;
            }
        } finally {
            lock.unlock();
        }
        if (complete != null) ctx.hashPool().execute(() -> verify(complete));
    }

    @Override
    public boolean mayUpload(PeerConnection c, int length) {
        return extensions.mayUpload((Peer) c.attachment(), length);
    }

    @Override
    public boolean awaitUpload(PeerConnection c, int length) {
        return extensions.awaitUpload((Peer) c.attachment(), length);
    }

    @Override
    public void onBlockSent(PeerConnection c, int piece, int begin, int length) {
        Peer p = (Peer) c.attachment();
        p.up.add(length);
        upMeter.add(length);
        extensions.blockSent(p, piece, length);
    }

    /** On a hash-pool thread: SHA-1 of the assembled piece, then the positional write, all outside the lock. */
    private void verify(PieceAssembly a) {
        ByteBuffer data = a.buffer.duplicate().position(0).limit(a.size);
        if (PieceCheck.hashMatches(meta, a.piece, data.duplicate())) {
            // Extensions hear of it now, not after the write: a buyer pays "as soon as the piece
            // verifies", and a seller holding blocks until that payment should not wait on our disk.
            extensions.pieceVerified(a);
            // One writer thread: concurrent pwrites to one file only contend on the inode lock.
            ctx.diskWriter().execute(() -> {
                try {
                    store.writePiece(a.piece, data);
                } catch (IOException e) {
                    if (!closed) fail("cannot write piece " + a.piece + ": " + e.getMessage(), e);
                    return;
                }
                pieceDone(a, true);
            });
        } else {
            pieceDone(a, false);
        }
    }

    private void pieceDone(PieceAssembly a, boolean ok) {
        Metainfo mi = meta;
        List<Peer> toClose = new ArrayList<>();
        List<Peer> seedsToLeave = new ArrayList<>();
        lock.lock();
        try {
            if (closed) return;
            requests.pieceDone(a, ok);
            if (ok) have.set(a.piece);
            if (ok) {
                if (wanted.get(a.piece)) wantedDoneBytes += a.size;
                piecesSinceSave++;
                for (Peer q : peers) {
                    if (!q.hasPiece(a.piece)) q.conn.send(new Have(a.piece));
                }
                // Only peers that have this piece can have stopped being interesting.
                for (Peer q : List.copyOf(peers)) {
                    if (q.hasPiece(a.piece)) requests.updateInterest(q);
                    else requests.fill(q);
                }
                checkComplete();
                if (have.cardinality() == mi.pieceCount()) {
                    // two seeds have nothing to trade; what we queued last (a payment, a have) still leaves
                    for (Peer q : peers) {
                        if (!q.isSeed(mi.pieceCount())) continue;
                        if (extensions.hold(q)) leaving.put(q, System.nanoTime() + LEAVE_GRACE_NANOS);
                        else seedsToLeave.add(q);
                    }
                }
            } else {
                extensions.pieceFailed(a); // a verified piece was already reported, from the hashing thread
                log.debug("{}: {} failed its hash check", infoHash, a);
                punish(a, toClose);
                requests.refillAll();
            }
        } finally {
            lock.unlock();
        }
        for (Peer q : toClose) q.conn.close();
        for (Peer q : seedsToLeave) q.conn.closeGracefully();
    }

    private void awaitHolds(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            boolean held;
            lock.lock();
            try {
                if (closed) return;
                held = peers.stream().anyMatch(extensions::hold);
            } finally {
                lock.unlock();
            }
            if (!held || !sleepQuietly(5)) return;
        }
    }

    /** False when interrupted (the flag is kept): the caller stops waiting. */
    private static boolean sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Bans a peer that contributed to 3 bad pieces, or to 2 that it sent alone. */
    private void punish(PieceAssembly a, List<Peer> toClose) {
        boolean sole = a.sourceCount() == 1;
        for (int i = 0; i < a.sourceCount(); i++) {
            Peer q = a.source(i);
            q.failedPieces++;
            if (sole) q.soleFailedPieces++;
            if ((q.failedPieces >= 3 || q.soleFailedPieces >= 2)
                    && bannedPeerIds.add(HexFormat.of().formatHex(q.conn.remotePeerId()))) {
                if (q.listenAddress != null) known.ban(q.listenAddress);
                log.warn("{}: banning {} after {} failed pieces", infoHash, q, q.failedPieces);
                toClose.add(q);
            }
        }
    }

    private void checkComplete() {
        if (requests == null || !requests.wantedComplete() || completion.isDone()) return;
        if (!paused) state = TorrentState.SEEDING;
        completion.complete(null);
        log.info("{}: complete", infoHash);
        for (Runnable r : onComplete) ctx.hashPool().execute(r);
    }

    // ================================================================= choking

    private boolean mayUpload() {
        return requests != null && (ctx.config().enableUploadWhenSeeding() || state != TorrentState.SEEDING);
    }

    private void chokeRound(long now) {
        Metainfo mi = meta;
        choking.round(now, peers, mayUpload(), state == TorrentState.SEEDING, mi == null ? 0 : mi.pieceCount(),
                ctx.config().uploadSlots(), extensions::speaksMarket);
    }

    // ================================================================= timers

    /** Once a second from the session: rates, timeouts, choking, PEX, metadata retries, dialing. */
    public void tick(long now) {
        downMeter.sample(now);
        upMeter.sample(now);
        List<Peer> toClose = new ArrayList<>();
        List<Peer> toLeave = new ArrayList<>();
        boolean needDial;
        lock.lock();
        try {
            if (closed) return;
            for (Peer p : peers) {
                p.up.sample(now);
                if (now - p.conn.lastReceiveNanos() > ctx.timeouts().idle().toNanos()) {
                    toClose.add(p);
                    continue;
                }
                if (now - p.conn.lastSendNanos() > KEEPALIVE_AFTER) p.conn.send(new KeepAlive());
                if (requests != null) requests.checkSnubbed(p, now);
                metadata.request(p);
                if (p.pexExtId > 0 && (p.lastPexNanos == Long.MIN_VALUE || now - p.lastPexNanos >= PeerExchange.INTERVAL_NANOS)) {
                    p.lastPexNanos = now;
                    PeerExchange.send(p, peers);
                }
                if (requests != null) requests.fill(p);
                if (!p.reportedComplete && meta != null && p.isSeed(meta.pieceCount())) {
                    // found here rather than on each have: every path a peer completes by (have, bitfield,
                    // have-all, ones adopted after the check) ends up in the tick, and a second's delay is harmless
                    p.reportedComplete = true;
                    extensions.peerComplete(p);
                }
            }
            if (resume != null && piecesSinceSave > 0 && now - lastProgressSave >= PROGRESS_SAVE_INTERVAL) {
                lastProgressSave = now;
                piecesSinceSave = 0;
                saveProgress((BitSet) have.clone());
            }
            for (var it = leaving.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (!peers.contains(e.getKey())) {
                    it.remove();
                } else if (!extensions.hold(e.getKey()) || now - e.getValue() > 0) {
                    it.remove();
                    toLeave.add(e.getKey());
                }
            }
            if (choking.roundDue(now)) chokeRound(now);
            extensions.tick(now); // after the round, so what it decided (an auction's result) goes out now
            needDial = !paused && peers.size() < ctx.config().maxPeersPerTorrent();
        } finally {
            lock.unlock();
        }
        for (Peer p : toClose) p.conn.close();
        for (Peer p : toLeave) p.conn.closeGracefully();
        if (needDial) dialMore();
    }

    /**
     * Records progress so a crash costs only the pieces since the last save. Runs on the disk thread
     * after every piece in {@code snapshot} was written there, and forces them to disk first.
     */
    private void saveProgress(BitSet snapshot) {
        Metainfo mi = meta;
        PieceStore s = store;
        ctx.diskWriter().execute(() -> {
            // Under the resume monitor, so a progress save can never land after close()'s clean one.
            synchronized (resume) {
                if (closed) return;
                try {
                    s.force();
                    resume.saveDirty(mi, snapshot);
                } catch (IOException e) {
                    log.warn("{}: could not save progress: {}", infoHash, e.getMessage());
                }
            }
        });
    }

    // ================================================================= dialing

    /** Adds an address learned from a tracker, PEX or the user; dialed when there is room. */
    public void learn(InetSocketAddress a) {
        if (a.getPort() <= 0 || a.getAddress() == null || a.getAddress().isAnyLocalAddress()) return;
        lock.lock();
        try {
            known.learn(a);
        } finally {
            lock.unlock();
        }
    }

    /** Dials known addresses now if there is room (instead of at the next tick). */
    public void connectMore() {
        dialMore();
    }

    private void dialMore() {
        List<InetSocketAddress> targets;
        lock.lock();
        try {
            if (closed || paused || state == TorrentState.ERROR) return;
            int room = ctx.config().maxPeersPerTorrent() - peers.size() - known.dialingCount();
            if (room <= 0) return;
            Set<InetSocketAddress> connected = new HashSet<>();
            for (Peer p : peers) if (p.listenAddress != null) connected.add(p.listenAddress);
            targets = known.chooseTargets(room, connected, System.nanoTime(),
                    a -> a.getPort() == ctx.listenPort().getAsInt() && a.getAddress().isLoopbackAddress()
                            && a.getAddress().equals(ctx.config().bindAddress()));
        } finally {
            lock.unlock();
        }
        for (InetSocketAddress a : targets) ctx.dialer().dial(this, a);
    }

    /** The session reports that a dial attempt ended (connected or not). */
    public void dialFinished(InetSocketAddress a) {
        lock.lock();
        try {
            known.dialFinished(a);
        } finally {
            lock.unlock();
        }
    }

    // ================================================================= handle API

    @Override
    public InfoHash infoHash() {
        return infoHash;
    }

    @Override
    public Metainfo metainfo() {
        return meta;
    }

    @Override
    public TorrentStatus status() {
        lock.lock();
        try {
            int seeds = 0;
            Metainfo mi = meta;
            for (Peer p : peers) if (mi != null && p.isSeed(mi.pieceCount())) seeds++;
            return new TorrentStatus(state, wantedBytes, wantedDoneBytes, downMeter.rate(), upMeter.rate(), peers.size(), seeds,
                    downMeter.total(), upMeter.total(), error);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> completion() {
        return completion;
    }

    @Override
    public void pause() {
        List<Peer> toClose;
        lock.lock();
        try {
            if (paused || closed) return;
            paused = true;
            if (state != TorrentState.ERROR && state != TorrentState.CHECKING) state = TorrentState.PAUSED;
            toClose = List.copyOf(peers);
        } finally {
            lock.unlock();
        }
        for (Peer p : toClose) p.conn.close();
        lock.lock();
        try {
            if (requests != null) requests.dropUnhashed();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String resumeSummary() {
        return resumeSummary;
    }

    @Override
    public void resume() {
        lock.lock();
        try {
            if (!paused || closed) return;
            paused = false;
            if (state == TorrentState.PAUSED) {
                state = meta == null ? TorrentState.FETCHING_METADATA : completion.isDone() ? TorrentState.SEEDING : TorrentState.DOWNLOADING;
            }
            known.retryAll();
        } finally {
            lock.unlock();
        }
        dialMore();
    }

    @Override
    public void addPeer(InetSocketAddress address) {
        learn(address);
        lock.lock();
        try {
            known.retrySoon(address);
        } finally {
            lock.unlock();
        }
        dialMore();
    }

    @Override
    public void setRateLimits(long uploadBytesPerSec, long downloadBytesPerSec) {
        upThrottle.setRate(uploadBytesPerSec);
        downThrottle.setRate(downloadBytesPerSec);
    }

    /** Peers' listen addresses (for tests and the CLI's peer list). */
    public List<InetSocketAddress> connectedPeers() {
        lock.lock();
        try {
            return peers.stream().map(p -> p.listenAddress != null ? p.listenAddress : p.conn.remoteAddress()).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Every address learned so far (user, magnet, tracker, PEX), for diagnostics and tests. */
    public List<InetSocketAddress> knownAddresses() {
        lock.lock();
        try {
            return known.addresses();
        } finally {
            lock.unlock();
        }
    }

    boolean isBanned(byte[] peerId) {
        lock.lock();
        try {
            return bannedPeerIds.contains(HexFormat.of().formatHex(peerId));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Disconnects everyone, then records a clean resume state (so the next start needs no re-hash).
     * What an extension still owes a peer (a payment being signed, see
     * {@link io.btspeed.engine.ext.TorrentExtension#holdsConnection}) is sent first, and the
     * messages already queued leave before the connection closes; both waits are bounded.
     */
    public void close() {
        awaitHolds(System.nanoTime() + CLOSE_HOLD_NANOS);
        List<Peer> toClose;
        PieceStore s;
        BitSet h;
        Metainfo mi;
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            toClose = List.copyOf(peers);
            s = store;
            h = (BitSet) have.clone();
            mi = meta;
        } finally {
            lock.unlock();
        }
        for (Peer p : toClose) p.conn.closeGracefully();
        long flushDeadline = System.nanoTime() + CLOSE_FLUSH_NANOS;
        for (Peer p : toClose) {
            while (!p.conn.isClosed() && System.nanoTime() - flushDeadline < 0 && sleepQuietly(5)) {
                // the writer is sending what was queued before the Close
            }
            p.conn.close();
        }
        if (s == null) return;
        // Pieces still being hashed are simply not in the saved state: they are fetched again next time.
        try {
            s.force();
            if (resume != null && mi != null) {
                synchronized (resume) {
                    resume.saveClean(mi, s, h);
                }
            }
        } catch (IOException e) {
            log.warn("{}: could not save resume data: {}", infoHash, e.getMessage());
        } finally {
            try {
                s.close();
            } catch (IOException e) {
                log.debug("{}: closing files: {}", infoHash, e.getMessage());
            }
        }
    }
}
