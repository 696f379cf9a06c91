package io.btspeed.ledger.store;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.Receipt;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.ledger.op.Transfer;
import java.io.PrintStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Random;

/**
 * Child process of {@link LedgerCrashTest}: four threads submit transfers and channel open/close
 * pairs as fast as they can and print "ACK &lt;op id&gt;" for every receipt, until the parent kills
 * the process. Args: DB-FILE SEED.
 */
public final class CrashWorker {
    static final int SENDERS = 4;

    static KeyPair sender(int i) {
        return KeyPair.fromPrivateKey(BigInteger.valueOf(5000 + i));
    }

    static KeyPair bank() {
        return KeyPair.fromPrivateKey(BigInteger.valueOf(4999));
    }

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true);
        SqliteLedger l = SqliteLedger.open(db, InstantSource.system());
        out.println("READY");
        Thread[] ts = new Thread[SENDERS];
        for (int i = 0; i < SENDERS; i++) {
            int me = i;
            ts[i] = Thread.ofPlatform().start(() -> run(l, me, new Random(seed * 31 + me), out));
        }
        for (Thread t : ts) t.join();
    }

    private static void run(SqliteLedger l, int me, Random rnd, PrintStream out) {
        KeyPair self = sender(me), peer = sender((me + 1) % SENDERS);
        while (true) {
            try {
                Receipt r;
                if (rnd.nextInt(4) == 0) {
                    ChannelOpen o = new ChannelOpen(self.address(), peer.address(), 1 + rnd.nextInt(1000),
                            System.currentTimeMillis() + 3_600_000, l.nextNonce(self.address()), "crash");
                    r = l.openChannel(o.sign(self));
                    ack(out, r);
                    ChannelId id = o.channelId();
                    r = l.closeChannel(new ChannelClose(id, new ChannelState(id.bytes(), 1, rnd.nextInt((int) o.escrow() + 1)).sign(self))
                            .sign(peer));
                } else {
                    r = l.transfer(new Transfer(self.address(), peer.address(), 1 + rnd.nextInt(100), l.nextNonce(self.address()), "")
                            .sign(self));
                }
                ack(out, r);
            } catch (LedgerException e) {
                out.println("REJECTED " + e.code() + " " + e.getMessage());
            }
        }
    }

    private static void ack(PrintStream out, Receipt r) {
        synchronized (out) {
            out.println("ACK " + r.opIdHex());
        }
    }
}
