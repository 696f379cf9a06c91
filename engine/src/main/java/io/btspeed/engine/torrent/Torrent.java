package io.btspeed.engine.torrent;

import io.btspeed.engine.AddTorrentParams;
import io.btspeed.engine.TorrentHandle;
import io.btspeed.engine.TorrentState;
import io.btspeed.engine.TorrentStatus;
import io.btspeed.engine.net.PeerConnection;
import io.btspeed.engine.net.PeerHandler;
import io.btspeed.engine.net.Throttle;
import io.btspeed.engine.net.WireViolation;
import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.ext.ExtendedHandshake;
import io.btspeed.protocol.ext.MetadataCodec;
import io.btspeed.protocol.ext.MetadataData;
import io.btspeed.protocol.ext.MetadataMessage;
import io.btspeed.protocol.ext.MetadataReject;
import io.btspeed.protocol.ext.MetadataRequest;
import io.btspeed.protocol.ext.PexMessage;
import io.btspeed.protocol.metainfo.FileEntry;
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
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import io.btspeed.core.bitfield.Bitfield;
import io.btspeed.core.choke.Choker;
import io.btspeed.core.picker.BlockRequest;
import io.btspeed.core.picker.BlockResult;
import io.btspeed.core.picker.PiecePicker;
import io.btspeed.core.choke.PeerStats;
import io.btspeed.core.choke.SlotPolicy;
import io.btspeed.core.choke.TitForTatPolicy;
import io.btspeed.core.choke.UnchokeDecision;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One torrent: its peers, what to request from whom, verification and storage, choking, metadata
 * exchange and PEX. Every piece of shared state is guarded by {@link #lock}, which is held only for
 * bookkeeping; sending just enqueues on a connection, and all socket and disk I/O happens outside it
 * (readers, writers and the hash pool).
 */
public final class Torrent implements TorrentHandle, PeerHandler {
    private static final Logger log = LoggerFactory.getLogger(Torrent.class);

    /** Our extension message ids (what peers use when they send to us). */
    static final int EXT_METADATA = 1, EXT_PEX = 2, EXT_FIRST_CUSTOM = 3;
    private static final int OUR_REQQ = 4000;
    private static final long SECOND = 1_000_000_000L;
    private static final long KEEPALIVE_AFTER = 60 * SECOND;
    private static final long OPTIMISTIC_INTERVAL = 30 * SECOND;
    private static final long PEX_INTERVAL = 60 * SECOND;
    private static final long PROGRESS_SAVE_INTERVAL = 30 * SECOND;
    private static final long REDIAL_AFTER = 30 * SECOND;
    private static final int MAX_DIAL_ATTEMPTS = 3;
    private static final int MAX_QUEUED_UPLOADS = 4096;
    private static final int MAX_PEX_ADDED = 50;
    private static final long PIECE_MEMORY_BUDGET = 64L << 20;
    private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-1");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-1", e);
        }
    });

    private final TorrentContext ctx;
    private final InfoHash infoHash;
    private final Path downloadDir;
    private final Set<Integer> selectedFiles;
    private final List<List<String>> magnetTrackers;
    private final ResumeStore resume;
    /** Added by magnet link: peers are already connected before the check, and get haves afterwards. */
    private final boolean fromMagnet;
    /** Pieces hashed while checking existing data; with the trusted count this is what resume saved. */
    private final java.util.concurrent.atomic.AtomicInteger rechecked = new java.util.concurrent.atomic.AtomicInteger();
    private volatile String resumeSummary;
    final ReentrantLock lock = new ReentrantLock();
    private final Random random;

    private volatile Metainfo meta;
    private volatile PieceStore store;
    /** Which block to request from whom (core's rules); null until the check says what we have. */
    private PiecePicker picker;
    private PieceBuffers buffers;
    /** What a HaveAll peer has, for the picker. */
    private Bitfield allPieces;
    private MetadataFetch metadataFetch;
    private BitSet have = new BitSet();
    private BitSet wanted = new BitSet();
    private volatile TorrentState state;
    private volatile String error;
    private boolean paused;
    private volatile boolean closed;
    private long wantedBytes;
    private long wantedDoneBytes;

    private final List<Peer> peers = new ArrayList<>();
    /** Every address we know of and when we may dial it next. */
    private final Map<InetSocketAddress, DialState> known = new LinkedHashMap<>();
    private final Set<InetSocketAddress> dialing = new HashSet<>();
    private final Set<String> bannedPeerIds = new HashSet<>();
    private final Set<InetSocketAddress> bannedAddresses = new HashSet<>();
    /** Key of the peer holding the optimistic slot, -1 if none (decided by the slot policy). */
    private int optimistic = -1;
    private int nextPeerKey;
    private final Choker choker;
    /** Extensions beyond ut_metadata/ut_pex; the i-th has our message id EXT_FIRST_CUSTOM + i. */
    private final List<io.btspeed.engine.ext.TorrentExtension> extensions;
    private long lastProgressSave = System.nanoTime();
    private int piecesSinceSave;

    private final TransferMeter downMeter = new TransferMeter();
    private final TransferMeter upMeter = new TransferMeter();
    private final Throttle upThrottle;
    private final Throttle downThrottle;
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final List<Runnable> onComplete = new ArrayList<>();

    private static final class DialState {
        long notBefore;
        int attempts;
        boolean self;

        /** Forget past failures so the address is dialed at the next chance. */
        void reset() {
            attempts = 0;
            notBefore = 0;
        }
    }

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
        this.choker = new Choker(policy, ctx.timeouts().chokeInterval().toNanos());
        this.extensions = params.extensions();
        this.upThrottle = new Throttle(0, ctx.upload());
        this.downThrottle = new Throttle(0, ctx.download());
        this.state = meta != null ? TorrentState.CHECKING : TorrentState.FETCHING_METADATA;
        if (meta == null) metadataFetch = new MetadataFetch(infoHash);
        for (InetSocketAddress a : params.peers()) known.put(a, new DialState());
    }

    /** Verifies existing data (or trusts a clean resume file) in the background, then starts dialing. */
    public void start() {
        if (meta != null) {
            Thread.ofVirtual().name("bt-check-" + infoHash.hex().substring(0, 8)).start(this::checkThenRun);
        } else {
            dialMore();
        }
    }

    private volatile java.util.function.Supplier<List<io.btspeed.engine.tracker.AnnounceSchedule.TrackerState>> trackerInfo = List::of;

    /** Where {@link #trackers()} reads from; set by the session's announcer once it runs. */
    public void setTrackerInfo(java.util.function.Supplier<List<io.btspeed.engine.tracker.AnnounceSchedule.TrackerState>> info) {
        trackerInfo = info;
    }

    @Override
    public List<io.btspeed.engine.tracker.AnnounceSchedule.TrackerState> trackers() {
        return trackerInfo.get();
    }

    /** Called once a torrent completes (tracker "completed" announce). */
    public void onComplete(Runnable r) {
        lock.lock();
        try {
            onComplete.add(r);
        } finally {
            lock.unlock();
        }
    }

    // ================================================================= metadata, checking

    private void checkThenRun() {
        try {
            Metainfo m = meta;
            PieceStore s = new PieceStore(m, downloadDir);
            BitSet w = wantedPieces(m);
            ResumeStore.Loaded saved = resume == null ? ResumeStore.Loaded.NOTHING : resume.load(m, s);
            BitSet h = saved.trusted() ? saved.pieces() : recheck(m, s, saved.pieces());
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
                picker = newPicker(m, h, w);
                for (int i = w.nextSetBit(0); i >= 0; i = w.nextSetBit(i + 1)) {
                    wantedBytes += m.pieceSize(i);
                    if (have.get(i)) wantedDoneBytes += m.pieceSize(i);
                }
                state = paused ? TorrentState.PAUSED : TorrentState.DOWNLOADING;
                for (Peer p : List.copyOf(peers)) adoptPeerPieces(p);
                for (Peer p : List.copyOf(peers)) {
                    sendFirstMessage(p);
                    updateInterest(p);
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

    /**
     * Core's picker over what we have and want. Pieces under way are bounded by the memory budget, which also
     * counts pieces waiting for hash and write: a slow disk then slows requests instead of growing memory.
     */
    private PiecePicker newPicker(Metainfo m, BitSet h, BitSet w) {
        int n = m.pieceCount();
        Bitfield hb = new Bitfield(n);
        for (int i = h.nextSetBit(0); i >= 0 && i < n; i = h.nextSetBit(i + 1)) hb.set(i);
        PiecePicker pk = new PiecePicker(m.pieceLength(), m.totalLength(), hb, new Random(random.nextLong()));
        byte[] priorities = new byte[n];
        for (int i = w.nextSetBit(0); i >= 0 && i < n; i = w.nextSetBit(i + 1)) priorities[i] = 1;
        pk.setPriorities(priorities);
        int maxInProgress = (int) Math.max(4, PIECE_MEMORY_BUDGET / m.pieceLength());
        pk.setMaxPiecesInProgress(maxInProgress);
        buffers = new PieceBuffers(n, m.pieceLength(), maxInProgress);
        allPieces = Bitfield.full(n);
        return pk;
    }

    private BitSet wantedPieces(Metainfo m) {
        BitSet w = new BitSet(m.pieceCount());
        if (selectedFiles.isEmpty()) {
            w.set(0, m.pieceCount());
            return w;
        }
        List<FileEntry> files = m.files();
        for (int fi : selectedFiles) {
            if (fi < 0 || fi >= files.size()) throw new IllegalArgumentException("no file with index " + fi);
            FileEntry f = files.get(fi);
            if (f.length() == 0 || f.padding()) continue;
            int first = (int) (f.offset() / m.pieceLength());
            int last = (int) ((f.offset() + f.length() - 1) / m.pieceLength());
            w.set(first, last + 1);
        }
        return w;
    }

    /** Hashes every piece not already {@code certain} whose bytes exist on disk, spread over the hash pool. */
    private BitSet recheck(Metainfo m, PieceStore s, BitSet certain) throws IOException {
        int n = m.pieceCount();
        int tasks = Math.max(1, Math.min(n, Runtime.getRuntime().availableProcessors()));
        BitSet result = new BitSet(n);
        for (int i = certain.nextSetBit(0); i >= 0 && i < n; i = certain.nextSetBit(i + 1)) {
            if (s.present(i)) result.set(i);
        }
        List<Future<BitSet>> parts = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int from = (int) ((long) n * t / tasks), to = (int) ((long) n * (t + 1) / tasks);
            parts.add(ctx.hashPool().submit(() -> {
                BitSet ok = new BitSet();
                ByteBuffer buf = ByteBuffer.allocateDirect(m.pieceLength());
                for (int i = from; i < to; i++) {
                    if (result.get(i)) continue;
                    buf.clear().limit(m.pieceSize(i));
                    if (!s.readPiece(i, buf)) continue;
                    buf.flip();
                    rechecked.incrementAndGet();
                    if (hashMatches(m, i, buf)) ok.set(i);
                }
                return ok;
            }));
        }
        for (Future<BitSet> f : parts) {
            try {
                result.or(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while checking", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        }
        return result;
    }

    private static final ThreadLocal<byte[]> HASH_CHUNK = ThreadLocal.withInitial(() -> new byte[256 * 1024]);

    private static boolean hashMatches(Metainfo m, int piece, ByteBuffer data) {
        MessageDigest md = SHA1.get();
        md.reset();
        if (data.hasArray()) {
            md.update(data);
        } else {
            // MessageDigest copies direct buffers 4 KiB at a time; large bulk copies keep the SHA-1 intrinsic busy.
            byte[] chunk = HASH_CHUNK.get();
            while (data.hasRemaining()) {
                int n = Math.min(chunk.length, data.remaining());
                data.get(chunk, 0, n);
                md.update(chunk, 0, n);
            }
        }
        return MessageDigest.isEqual(md.digest(), m.pieceHash(piece));
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
        metadataFetch = null;
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
            return !closed && !paused && state != TorrentState.ERROR && (picker != null || fromMagnet)
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
        String pidKey = java.util.HexFormat.of().formatHex(pid);
        PeerConnection conn;
        Peer p;
        lock.lock();
        try {
            if (Arrays.equals(pid, ctx.peerId())) {
                if (dialed != null) known.computeIfAbsent(dialed, a -> new DialState()).self = true;
                return false;
            }
            if (closed || paused || state == TorrentState.ERROR || peers.size() >= ctx.config().maxPeersPerTorrent()) return false;
            // Until the check says what we have, our first message (bitfield / have-all) cannot be written.
            if (picker == null && !fromMagnet) return false;
            if (bannedPeerIds.contains(pidKey) || (dialed != null && bannedAddresses.contains(dialed))) return false;
            for (Peer q : peers) if (Arrays.equals(q.conn.remotePeerId(), pid)) return false;
            conn = new PeerConnection(ch, pid, theirs.supportsFast(), theirs.supportsExtensions(), this, storeView,
                    downThrottle, upThrottle);
            p = new Peer(nextPeerKey++, conn, outgoing, outgoing ? dialed : null, ctx.timeouts().request().toNanos());
            if (picker != null) p.bits = new Bitfield(meta.pieceCount());
            conn.attach(p);
            peers.add(p);
            if (dialed != null) {
                DialState d = known.computeIfAbsent(dialed, a -> new DialState());
                d.attempts = 0;
            }
            if (meta != null && picker != null) {
                sendFirstMessage(p);
            } else {
                // Before we know what we have, "nothing" is the truthful first message. A bitfield is
                // only allowed right after the handshake, so whatever we get later goes out as haves.
                if (conn.remoteSupportsFast()) conn.send(new HaveNone());
                p.sentFirstMessage = true;
            }
            if (conn.remoteSupportsExtensions()) conn.send(new Extended(0, ourExtendedHandshake()));
            for (var e : extensions) {
                try {
                    e.onPeerConnected(p);
                } catch (RuntimeException ex) {
                    log.warn("{}: extension {} failed on a new peer: {}", infoHash, e.name(), ex.toString());
                }
            }
        } finally {
            lock.unlock();
        }
        conn.start();
        log.debug("{}: connected {} ({})", infoHash, conn.remoteAddress(), outgoing ? "out" : "in");
        return true;
    }

    /** Connections may exist before the storage does (magnet, checking); uploads are only queued once it does. */
    private final io.btspeed.engine.net.BlockSource storeView = new io.btspeed.engine.net.BlockSource() {
        @Override
        public void transferBlock(int piece, int begin, int length, java.nio.channels.WritableByteChannel out) throws IOException {
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
        io.btspeed.protocol.bencode.BDict.Builder extra = io.btspeed.protocol.bencode.BDict.builder();
        for (int i = 0; i < extensions.size(); i++) {
            var e = extensions.get(i);
            m.put(e.name(), EXT_FIRST_CUSTOM + i);
            var entry = e.handshakeEntry();
            if (entry != null) extra.put(e.name(), entry);
        }
        Metainfo mi = meta;
        long metadataSize = mi == null ? -1 : mi.rawInfo().length;
        return new ExtendedHandshake(m, ctx.listenPort().getAsInt(), "btspeed 0.1", metadataSize, OUR_REQQ, extra.build()).encode();
    }

    private void sendFirstMessage(Peer p) {
        sendFirstPieceMessage(p);
        if (p.conn.remoteSupportsFast() && !have.isEmpty()) {
            // Pieces a choked newcomer may fetch from us anyway, so it has something to trade quickly.
            for (int piece : AllowedFastSet.compute(p.conn.remoteAddress().getAddress(), infoHash, meta.pieceCount(), AllowedFastSet.K)) {
                if (p.allowedFastOut.add(piece) && have.get(piece)) p.conn.send(new AllowedFast(piece));
            }
        }
    }

    private void sendFirstPieceMessage(Peer p) {
        if (p.sentFirstMessage) {
            // Magnet case: we already said HaveNone (or nothing); announce what we now hold piece by piece.
            for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) p.conn.send(new Have(i));
            return;
        }
        p.sentFirstMessage = true;
        int n = meta.pieceCount();
        boolean fast = p.conn.remoteSupportsFast();
        if (fast && have.cardinality() == n) p.conn.send(new HaveAll());
        else if (fast && have.isEmpty()) p.conn.send(new HaveNone());
        else if (!have.isEmpty()) p.conn.send(new BitfieldMsg(toWire(have, n)));
    }

    static byte[] toWire(BitSet bits, int n) {
        byte[] out = new byte[(n + 7) / 8];
        for (int i = bits.nextSetBit(0); i >= 0 && i < n; i = bits.nextSetBit(i + 1)) out[i >>> 3] |= (byte) (0x80 >>> (i & 7));
        return out;
    }

    private static Bitfield fromWire(byte[] bytes, int n) throws WireViolation {
        try {
            return Bitfield.fromBytes(bytes, n);
        } catch (IllegalArgumentException e) {
            throw new WireViolation(e.getMessage());
        }
    }

    /** The torrent just became ready: validate and count what peers told us before we knew the piece count. */
    private void adoptPeerPieces(Peer p) {
        int n = meta.pieceCount();
        Bitfield b;
        try {
            b = p.pendingBitfield != null ? fromWire(p.pendingBitfield, n) : new Bitfield(n);
            p.pendingBitfield = null;
            if (p.earlyHaves.length() > n) throw new WireViolation("have for piece " + (p.earlyHaves.length() - 1) + " of " + n);
            for (int i = p.earlyHaves.nextSetBit(0); i >= 0; i = p.earlyHaves.nextSetBit(i + 1)) b.set(i);
        } catch (WireViolation e) {
            log.debug("{}: {}", p, e.getMessage());
            p.conn.close();
            return;
        }
        p.bits = b;
        if (p.hasAll) picker.peerHasAll();
        else picker.peerBitfield(b);
    }

    @Override
    public void onClosed(PeerConnection c, Throwable cause) {
        Peer p = (Peer) c.attachment();
        if (p == null) return;
        if (cause != null) log.debug("{}: {} closed: {}", infoHash, c.remoteAddress(), cause.toString());
        List<Peer> refill;
        lock.lock();
        try {
            if (!peers.remove(p)) return;
            if (p.key == optimistic) optimistic = -1;
            for (var e : extensions) {
                try {
                    e.onPeerClosed(p);
                } catch (RuntimeException ex) {
                    log.warn("{}: extension {} failed on a closed peer: {}", infoHash, e.name(), ex.toString());
                }
            }
            if (metadataFetch != null) {
                metadataFetch.dropped(p);
                for (Peer q : peers) requestMetadata(q);
            }
            if (picker != null) {
                abortReceiving(p);
                // a peer closed before its pieces were counted (bad bitfield at adoption) has only requests to free
                if (p.bits != null) picker.peerLeft(p, p.bits, p.hasAll);
                else picker.onPeerGone(p);
            }
            if (p.outgoing && p.listenAddress != null) {
                DialState d = known.get(p.listenAddress);
                if (d != null) d.notBefore = System.nanoTime() + REDIAL_AFTER;
            }
            refill = List.copyOf(peers);
            for (Peer q : refill) fillRequests(q);
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
        boolean ready = mi != null && picker != null;
        switch (m) {
            case KeepAlive k -> { }
            case Choke x -> {
                p.peerChoking = true;
                if (!p.conn.remoteSupportsFast() && ready) {
                    // Without the Fast extension a choke silently discards our requests; blocks already
                    // in flight may still arrive, which is not a violation.
                    for (BlockRequest r : picker.cancelAll(p)) p.rememberCancelled(Blocks.key(r.piece(), r.begin()));
                    refillOthers(p);
                }
            }
            case Unchoke x -> {
                p.peerChoking = false;
                fillRequests(p);
            }
            case Interested x -> {
                p.peerInterested = true;
                // A free slot need not wait for the next round, but the policy still decides who gets it
                // (a market policy may keep slots for bidders).
                if (p.amChoking && mayUpload() && unchokedCount() < ctx.config().uploadSlots()) chokeRound(System.nanoTime());
            }
            case NotInterested x -> {
                p.peerInterested = false;
            }
            case Have(int piece) -> {
                if (piece < 0 || (mi != null && piece >= mi.pieceCount())) throw new WireViolation("have for piece " + piece);
                if (piece > 1 << 24) throw new WireViolation("have for piece " + piece);
                if (ready && p.bits != null) {
                    if (!p.hasAll && p.bits.set(piece)) {
                        picker.peerHas(piece);
                        if (!p.amInterested && wanted.get(piece) && !have.get(piece)) setInterested(p, true);
                        fillRequests(p);
                    }
                } else if (!p.hasAll) {
                    p.earlyHaves.set(piece);
                }
                if (ready && mi != null && have.cardinality() == mi.pieceCount() && p.isSeed(mi.pieceCount())) p.conn.close();
            }
            case BitfieldMsg(byte[] bits) -> {
                if (ready && p.bits != null) {
                    Bitfield b = fromWire(bits, mi.pieceCount());
                    picker.peerForgot(p.bits, p.hasAll);
                    p.hasAll = false;
                    p.bits = b;
                    picker.peerBitfield(b);
                    afterPeerPiecesChanged(p);
                } else {
                    p.hasAll = false;
                    p.pendingBitfield = bits.clone();
                }
            }
            case HaveAll x -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("have-all without the Fast extension");
                if (ready && p.bits != null && !p.hasAll) {
                    picker.peerForgot(p.bits, false);
                    picker.peerHasAll();
                }
                p.hasAll = true;
                if (ready && p.bits != null) afterPeerPiecesChanged(p);
            }
            case HaveNone x -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("have-none without the Fast extension");
            }
            case Request(int piece, int begin, int length) -> onRequest(p, mi, piece, begin, length);
            case Cancel(int piece, int begin, int length) -> p.conn.unqueueBlock(piece, begin, length);
            case RejectRequest(int piece, int begin, int length) -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("reject-request without the Fast extension");
                if (ready && picker.onRequestRejected(p, piece, begin)) refillOthers(p);
            }
            case AllowedFast(int piece) -> {
                if (!p.conn.remoteSupportsFast()) throw new WireViolation("allowed-fast without the Fast extension");
                if (piece >= 0 && (mi == null || piece < mi.pieceCount()) && p.allowedFast.size() < 64) {
                    p.addAllowedFast(piece, mi == null ? 0 : mi.pieceCount());
                    if (ready) fillRequests(p);
                }
            }
            case Extended(int id, byte[] payload) -> onExtended(p, id, payload);
            case Piece x -> throw new IllegalStateException("piece payloads take the blockTarget path");
            case SuggestPiece x -> { }
            case Port x -> { }
        }
    }

    private void afterPeerPiecesChanged(Peer p) {
        int n = meta.pieceCount();
        if (have.cardinality() == n && p.isSeed(n)) {
            // Two seeds have nothing to say to each other.
            p.conn.close();
            return;
        }
        updateInterest(p);
        fillRequests(p);
    }

    private void onRequest(Peer p, Metainfo mi, int piece, int begin, int length) throws WireViolation {
        if (mi == null || picker == null) {
            if (p.conn.remoteSupportsFast()) p.conn.send(new RejectRequest(piece, begin, length));
            return;
        }
        if (piece < 0 || piece >= mi.pieceCount()) throw new WireViolation("request for piece " + piece + " of " + mi.pieceCount());
        if (length <= 0 || length > PeerConnection.MAX_BLOCK || begin < 0 || (long) begin + length > mi.pieceSize(piece)) {
            throw new WireViolation("request " + piece + "/" + begin + "+" + length + " outside the piece");
        }
        boolean unchoked = !p.amChoking || p.allowedFastOut.contains(piece);
        boolean allowed = unchoked && have.get(piece) && mayUpload() && p.conn.queuedItems() < MAX_QUEUED_UPLOADS;
        if (allowed) {
            p.conn.sendBlock(piece, begin, length);
            for (var e : extensions) e.onBlockQueued(p, piece, length);
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
            requestMetadata(p);
            p.remoteExtensions = hs.m();
            for (var e : extensions) e.onHandshake(p, hs);
            return;
        }
        if (id >= EXT_FIRST_CUSTOM && id - EXT_FIRST_CUSTOM < extensions.size()) {
            // a peer's failure to follow an extension's rules is a protocol violation like any other
            extensions.get(id - EXT_FIRST_CUSTOM).onMessage(p, payload);
            return;
        }
        if (id == EXT_METADATA) {
            MetadataMessage mm = MetadataCodec.decode(payload);
            switch (mm) {
                case MetadataRequest(int piece) -> serveMetadata(p, piece);
                case MetadataData(int piece, int total, byte[] data) -> {
                    if (metadataFetch == null) return;
                    switch (metadataFetch.accept(p, piece, total, data, System.nanoTime())) {
                        case MetadataFetch.Complete(byte[] info) -> onMetadata(info);
                        case MetadataFetch.Mismatch(Object culprit) -> {
                            ((Peer) culprit).metadataExcluded = true;
                            log.info("{}: metadata from {} does not match the info-hash", infoHash, culprit);
                            for (Peer q : peers) requestMetadata(q);
                        }
                        case MetadataFetch.Pending x -> requestMetadata(p);
                    }
                }
                case MetadataReject(int piece) -> {
                    if (metadataFetch != null) metadataFetch.rejected(piece);
                }
            }
            return;
        }
        if (id == EXT_PEX) {
            PexMessage pex = PexMessage.decode(payload);
            int n = 0;
            for (InetSocketAddress a : pex.added()) {
                if (n++ >= MAX_PEX_ADDED) break;
                learn(a);
            }
            for (InetSocketAddress a : pex.added6()) {
                if (n++ >= MAX_PEX_ADDED) break;
                learn(a);
            }
        }
        // Unknown extension ids are ignored: peers may send messages for extensions we did not name.
    }

    private void serveMetadata(Peer p, int piece) {
        if (p.metadataExtId == 0) return;
        Metainfo mi = meta;
        byte[] raw = mi == null ? null : mi.rawInfo();
        MetadataMessage reply;
        if (raw == null || piece < 0 || (long) piece * MetadataMessage.PIECE_SIZE >= raw.length) {
            reply = new MetadataReject(piece);
        } else {
            int from = piece * MetadataMessage.PIECE_SIZE;
            reply = new MetadataData(piece, raw.length, Arrays.copyOfRange(raw, from, Math.min(raw.length, from + MetadataMessage.PIECE_SIZE)));
        }
        p.conn.send(new Extended(p.metadataExtId, MetadataCodec.encode(reply)));
    }

    private void requestMetadata(Peer p) {
        if (metadataFetch == null || p.metadataExtId == 0 || p.metadataExcluded) return;
        if (!metadataFetch.sized()) metadataFetch.offerSize(p.metadataSize);
        if (metadataFetch.size() != p.metadataSize) return;
        int piece = metadataFetch.nextRequest(p, System.nanoTime());
        if (piece >= 0) p.conn.send(new Extended(p.metadataExtId, MetadataCodec.encode(new MetadataRequest(piece))));
    }

    // ================================================================= piece payloads

    /**
     * A block's header arrived: the picker hands the block to this reader (and tells whom else we asked for it in
     * endgame, who get a Cancel), and the reader fills its slice of the piece buffer.
     */
    @Override
    public ByteBuffer blockTarget(PeerConnection c, int piece, int begin, int length) throws IOException {
        Peer p = (Peer) c.attachment();
        lock.lock();
        try {
            PiecePicker pk = picker;
            if (pk != null && pk.isRequested(p, piece, begin)) {
                int expected = pk.blockLength(piece, begin / PiecePicker.BLOCK_SIZE);
                if (length != expected) {
                    throw new WireViolation("block " + piece + "/" + begin + " has " + length + " bytes, we asked for " + expected);
                }
                BlockResult r = pk.onBlockReceived(p, piece, begin);
                List<Object> others = r.cancelPeers();
                for (int i = 0; i < others.size(); i++) { // indexed: no iterator per block
                    Peer q = (Peer) others.get(i);
                    q.rememberCancelled(Blocks.key(piece, begin));
                    q.conn.send(new Cancel(piece, begin, length));
                }
                PieceAssembly a = buffers.get(piece);
                if (r.kind() != BlockResult.Kind.NEW || a == null) return null;
                p.receiving = Blocks.key(piece, begin);
                p.receivingInto = a;
                return a.buffer.slice(begin, length);
            }
            if (p.cancelled.remove(Blocks.key(piece, begin))) return null;
            throw new WireViolation("unrequested block " + piece + "/" + begin + "+" + length);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onBlock(PeerConnection c, int piece, int begin, int length) {
        Peer p = (Peer) c.attachment();
        PieceAssembly toVerify = null;
        downMeter.add(length);
        lock.lock();
        try {
            p.pipeline.onBlock(length, System.nanoTime());
            PieceAssembly a = p.receivingInto;
            // the piece may have been dropped (pause) and started again since the header: then the bytes went nowhere useful
            boolean counts = a != null && p.receiving == Blocks.key(piece, begin) && buffers != null && buffers.get(piece) == a;
            p.receiving = -1;
            p.receivingInto = null;
            if (counts && a.blockDone(p, length)) {
                a.hashing = true;
                toVerify = a;
            }
            fillRequests(p);
        } finally {
            lock.unlock();
        }
        if (toVerify != null) {
            PieceAssembly v = toVerify;
            ctx.hashPool().execute(() -> verify(v));
        }
    }

    /** The peer's reader died mid-payload: the block it was filling is free again. */
    private void abortReceiving(Peer p) {
        PieceAssembly a = p.receivingInto;
        if (a != null && buffers.get(a.piece) == a) picker.onBlockAborted(a.piece, (int) p.receiving);
        p.receiving = -1;
        p.receivingInto = null;
    }

    @Override
    public void onBlockSent(PeerConnection c, int piece, int begin, int length) {
        Peer p = (Peer) c.attachment();
        p.up.add(length);
        upMeter.add(length);
    }

    /** On a hash-pool thread: SHA-1 of the assembled piece, then the positional write, all outside the lock. */
    private void verify(PieceAssembly a) {
        ByteBuffer data = a.buffer.duplicate().position(0).limit(a.size);
        if (hashMatches(meta, a.piece, data.duplicate())) {
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
        lock.lock();
        try {
            if (closed) return;
            if (ok) {
                picker.onPieceVerified(a.piece);
                have.set(a.piece);
            } else {
                picker.onPieceFailed(a.piece);
            }
            buffers.release(a);
            notifyPiece(a, ok);
            if (ok) {
                if (wanted.get(a.piece)) wantedDoneBytes += a.size;
                piecesSinceSave++;
                for (Peer q : peers) {
                    if (!q.hasPiece(a.piece)) q.conn.send(new Have(a.piece));
                }
                // Only peers that have this piece can have stopped being interesting.
                for (Peer q : List.copyOf(peers)) {
                    if (q.hasPiece(a.piece)) updateInterest(q);
                    else fillRequests(q);
                }
                checkComplete();
                if (have.cardinality() == mi.pieceCount()) {
                    for (Peer q : peers) if (q.isSeed(mi.pieceCount())) toClose.add(q);
                }
            } else {
                log.debug("{}: {} failed its hash check", infoHash, a);
                punish(a, toClose);
                for (Peer q : List.copyOf(peers)) fillRequests(q);
            }
        } finally {
            lock.unlock();
        }
        for (Peer q : toClose) q.conn.close();
    }

    private boolean speaksMarket(Peer q) {
        for (var e : extensions) if (e.marksMarketPeers() && q.supports(e.name())) return true;
        return false;
    }

    private void notifyPiece(PieceAssembly a, boolean ok) {
        if (extensions.isEmpty()) return;
        Map<io.btspeed.engine.ext.PeerHandle, Long> bytes = new LinkedHashMap<>();
        for (int i = 0; i < a.sourceCount(); i++) bytes.put(a.source(i), a.bytesFrom(i));
        Map<io.btspeed.engine.ext.PeerHandle, Long> byPeer = java.util.Collections.unmodifiableMap(bytes);
        for (var e : extensions) {
            try {
                if (ok) e.onPieceVerified(a.piece, a.size, byPeer);
                else e.onPieceFailed(a.piece, byPeer.keySet());
            } catch (RuntimeException ex) {
                log.warn("{}: extension {} failed on piece {}: {}", infoHash, e.name(), a.piece, ex.toString());
            }
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
                    && bannedPeerIds.add(java.util.HexFormat.of().formatHex(q.conn.remotePeerId()))) {
                if (q.listenAddress != null) bannedAddresses.add(q.listenAddress);
                log.warn("{}: banning {} after {} failed pieces", infoHash, q, q.failedPieces);
                toClose.add(q);
            }
        }
    }

    private void checkComplete() {
        if (picker == null || !picker.isWantedComplete() || completion.isDone()) return;
        if (!paused) state = TorrentState.SEEDING;
        completion.complete(null);
        log.info("{}: complete", infoHash);
        for (Runnable r : onComplete) ctx.hashPool().execute(r);
    }

    // ================================================================= requests, interest, choking

    /** Tops up the peer's requests to the depth its pipeline wants, with blocks the picker chooses. */
    private void fillRequests(Peer p) {
        if (picker == null || paused || p.conn.isClosed() || !p.amInterested || p.bits == null) return;
        boolean choked = p.peerChoking;
        if (choked && p.allowedFast.isEmpty()) return;
        long now = System.nanoTime();
        int outstanding = picker.outstandingCount(p);
        int depth = p.pipeline.targetDepth(now);
        int room = depth - outstanding;
        // Top up in batches so each refill wakes the writer once for several requests.
        if (room <= 0 || (room < Math.min(8, depth / 4) && outstanding > 0)) return;
        List<BlockRequest> picked = picker.pickBlocks(p, p.hasAll ? allPieces : p.bits, room,
                choked ? p.allowedFastBits(meta.pieceCount()) : null);
        if (picked.isEmpty()) return;
        p.pipeline.onRequestsSent(outstanding, now);
        for (BlockRequest r : picked) {
            int piece = r.piece();
            if (buffers.get(piece) == null) buffers.open(piece, picker.pieceSize(piece), picker.blocksInPiece(piece));
            p.conn.send(new Request(piece, r.begin(), r.length()));
        }
    }

    private void refillOthers(Peer except) {
        for (Peer q : peers) if (q != except) fillRequests(q);
    }

    private void updateInterest(Peer p) {
        if (picker == null) return;
        boolean want = p.bits != null && picker.isInteresting(p.hasAll ? allPieces : p.bits);
        if (want != p.amInterested) setInterested(p, want);
        if (want) fillRequests(p);
    }

    private void setInterested(Peer p, boolean want) {
        p.amInterested = want;
        p.conn.send(want ? new Interested() : new NotInterested());
    }

    private boolean mayUpload() {
        return picker != null && (ctx.config().enableUploadWhenSeeding() || state != TorrentState.SEEDING);
    }

    private int unchokedCount() {
        int n = 0;
        for (Peer q : peers) if (!q.amChoking && q.key != optimistic) n++;
        return n;
    }

    private void unchoke(Peer p) {
        if (!p.amChoking) return;
        p.amChoking = false;
        p.conn.send(new Unchoke());
    }

    private void choke(Peer p) {
        if (p.amChoking) return;
        p.amChoking = true;
        p.conn.send(new Choke());
        for (var b : p.conn.unqueueAllBlocks()) {
            if (p.conn.remoteSupportsFast()) p.conn.send(new RejectRequest(b.piece(), b.begin(), b.length()));
        }
    }

    /**
     * One choke round, decided by the torrent's {@link SlotPolicy} (tit-for-tat unless the market or a
     * caller plugged in another): it sees every peer's rates and state and names who is unchoked.
     * The engine's {@code uploadSlots} are regular slots; the policy gets one more for the optimistic
     * unchoke.
     */
    private void chokeRound(long now) {
        Set<Integer> unchoke = Set.of();
        if (mayUpload()) {
            boolean seeding = state == TorrentState.SEEDING;
            int pieceCount = meta == null ? 0 : meta.pieceCount();
            List<PeerStats> stats = new ArrayList<>(peers.size());
            for (Peer q : peers) {
                stats.add(new PeerStats(q.key, q.peerInterested, q.amChoking, q.pipeline.rate(now), q.up.rate(),
                        q.isSeed(pieceCount), q.pipeline.isSnubbed(), q.connectedAtNanos, speaksMarket(q)));
            }
            UnchokeDecision d = choker.forceRound(now, stats, seeding, ctx.config().uploadSlots() + 1);
            optimistic = d.optimistic();
            unchoke = d.unchoked();
        } else {
            optimistic = -1;
        }
        for (Peer q : peers) {
            if (unchoke.contains(q.key)) unchoke(q);
            else choke(q);
        }
    }

    // ================================================================= timers

    /** Once a second from the session: rates, timeouts, choking, PEX, metadata retries, dialing. */
    public void tick(long now) {
        downMeter.sample(now);
        upMeter.sample(now);
        List<Peer> toClose = new ArrayList<>();
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
                if (picker != null && p.pipeline.timedOut(picker.outstandingCount(p), now)) {
                    // Snubbed: cancel and hand its blocks to others; it may still deliver them (no violation then).
                    p.pipeline.onTimeout(now);
                    for (BlockRequest r : picker.cancelAll(p)) {
                        p.rememberCancelled(Blocks.key(r.piece(), r.begin()));
                        p.conn.send(new Cancel(r.piece(), r.begin(), r.length()));
                    }
                    refillOthers(p);
                }
                if (metadataFetch != null) requestMetadata(p);
                if (p.pexExtId > 0 && now - p.lastPexNanos >= PEX_INTERVAL) {
                    p.lastPexNanos = now;
                    sendPex(p);
                }
                fillRequests(p);
            }
            if (resume != null && piecesSinceSave > 0 && now - lastProgressSave >= PROGRESS_SAVE_INTERVAL) {
                lastProgressSave = now;
                piecesSinceSave = 0;
                saveProgress((BitSet) have.clone());
            }
            for (var e : extensions) {
                try {
                    e.onTick(now);
                } catch (RuntimeException ex) {
                    log.warn("{}: extension {} failed on tick: {}", infoHash, e.name(), ex.toString());
                }
            }
            if (choker.roundDue(now)) chokeRound(now);
            needDial = !paused && peers.size() < ctx.config().maxPeersPerTorrent();
        } finally {
            lock.unlock();
        }
        for (Peer p : toClose) p.conn.close();
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

    private void sendPex(Peer p) {
        Set<InetSocketAddress> now = new HashSet<>();
        for (Peer q : peers) if (q != p && q.listenAddress != null) now.add(q.listenAddress);
        List<InetSocketAddress> added = new ArrayList<>(), dropped = new ArrayList<>();
        List<InetSocketAddress> added6 = new ArrayList<>(), dropped6 = new ArrayList<>();
        for (InetSocketAddress a : now) {
            if (!p.pexSent.contains(a) && added.size() + added6.size() < MAX_PEX_ADDED) {
                (a.getAddress() instanceof java.net.Inet6Address ? added6 : added).add(a);
            }
        }
        for (InetSocketAddress a : p.pexSent) {
            if (!now.contains(a)) (a.getAddress() instanceof java.net.Inet6Address ? dropped6 : dropped).add(a);
        }
        if (added.isEmpty() && dropped.isEmpty() && added6.isEmpty() && dropped6.isEmpty()) return;
        p.pexSent.addAll(added);
        p.pexSent.addAll(added6);
        dropped.forEach(p.pexSent::remove);
        dropped6.forEach(p.pexSent::remove);
        PexMessage msg = new PexMessage(added, new byte[added.size()], dropped, added6, new byte[added6.size()], dropped6);
        p.conn.send(new Extended(p.pexExtId, msg.encode()));
    }

    /** Adds an address learned from a tracker, PEX or the user; dialed when there is room. */
    public void learn(InetSocketAddress a) {
        if (a.getPort() <= 0 || a.getAddress() == null || a.getAddress().isAnyLocalAddress()) return;
        lock.lock();
        try {
            if (known.size() >= 4096 && !known.containsKey(a)) return;
            known.putIfAbsent(a, new DialState());
        } finally {
            lock.unlock();
        }
    }

    /** Dials known addresses now if there is room (instead of at the next tick). */
    public void connectMore() {
        dialMore();
    }

    private void dialMore() {
        List<InetSocketAddress> targets = new ArrayList<>();
        lock.lock();
        try {
            if (closed || paused || state == TorrentState.ERROR) return;
            int room = ctx.config().maxPeersPerTorrent() - peers.size() - dialing.size();
            if (room <= 0) return;
            Set<InetSocketAddress> connected = new HashSet<>();
            for (Peer p : peers) if (p.listenAddress != null) connected.add(p.listenAddress);
            long now = System.nanoTime();
            for (var e : known.entrySet()) {
                if (targets.size() >= room) break;
                InetSocketAddress a = e.getKey();
                DialState d = e.getValue();
                if (d.self || d.attempts >= MAX_DIAL_ATTEMPTS || now < d.notBefore || dialing.contains(a)
                        || connected.contains(a) || bannedAddresses.contains(a)) continue;
                if (a.getPort() == ctx.listenPort().getAsInt() && a.getAddress().isLoopbackAddress()
                        && a.getAddress().equals(ctx.config().bindAddress())) {
                    d.self = true; // our own listen socket, as trackers like to hand back
                    continue;
                }
                d.attempts++;
                d.notBefore = now + REDIAL_AFTER;
                dialing.add(a);
                targets.add(a);
            }
        } finally {
            lock.unlock();
        }
        for (InetSocketAddress a : targets) ctx.dialer().dial(this, a);
    }

    /** The session reports that a dial attempt ended (connected or not). */
    public void dialFinished(InetSocketAddress a) {
        lock.lock();
        try {
            dialing.remove(a);
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
            if (picker != null) for (int piece : buffers.dropUnhashed()) picker.abandonPiece(piece);
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
            for (DialState d : known.values()) d.reset();
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
            DialState d = known.get(address);
            if (d != null) d.reset();
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
            return List.copyOf(known.keySet());
        } finally {
            lock.unlock();
        }
    }

    boolean isBanned(byte[] peerId) {
        lock.lock();
        try {
            return bannedPeerIds.contains(java.util.HexFormat.of().formatHex(peerId));
        } finally {
            lock.unlock();
        }
    }

    /** Disconnects everyone, then records a clean resume state (so the next start needs no re-hash). */
    public void close() {
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
        for (Peer p : toClose) p.conn.close();
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
