package io.btspeed.market.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The two messages that go once per verified piece, {@code pay} (buyer) and {@code ack} (seller),
 * written straight into bytes: exactly what {@code Bencode.encode} makes of their dictionaries (keys
 * in sorted order, integers in shortest decimal form), without building a dictionary first. The
 * generic writer walks a map recursively; on a 2 GiB loopback transfer the JIT spent 130–270 ms per
 * peer compiling it for these messages alone, on cores the transfer needed.
 */
final class PerPieceEncoding {
    private static final byte[] PAY_AMT = ascii("d3:amti");
    private static final byte[] PAY_CH = ascii("e2:ch");
    private static final byte[] SEQ = ascii("3:seqi");
    private static final byte[] PAY_SIG = ascii("e3:sig");
    private static final byte[] PAY_END = ascii("1:t3:paye");
    private static final byte[] ACK_CH = ascii("d2:ch");
    private static final byte[] ACK_OWED = ascii("4:owedi");
    private static final byte[] ACK_END = ascii("e1:t3:acke");

    private PerPieceEncoding() {}

    /** {@code d3:amti<amt>e2:ch<ch>3:seqi<seq>e3:sig<sig>1:t3:paye} */
    static byte[] payment(SpeedMessage.Payment p) {
        Out o = new Out(64 + p.channelId().length + p.signature().length);
        o.put(PAY_AMT).decimal(p.cumulative()).put(PAY_CH).string(p.channelId()).put(SEQ).decimal(p.sequence())
                .put(PAY_SIG).string(p.signature()).put(PAY_END);
        return o.bytes();
    }

    /** {@code d2:ch<ch>4:owedi<owed>e3:seqi<seq>e1:t3:acke} */
    static byte[] ack(SpeedMessage.Ack a) {
        Out o = new Out(64 + a.channelId().length);
        o.put(ACK_CH).string(a.channelId()).put(ACK_OWED).decimal(a.owed()).put((byte) 'e').put(SEQ).decimal(a.sequence()).put(ACK_END);
        return o.bytes();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A growable byte array; the sizes above fit these messages, so it grows only for oversized fields. */
    private static final class Out {
        private byte[] buf;
        private int n;

        Out(int capacity) {
            buf = new byte[capacity];
        }

        private void room(int more) {
            if (n + more > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + more));
        }

        Out put(byte b) {
            room(1);
            buf[n++] = b;
            return this;
        }

        Out put(byte[] b) {
            room(b.length);
            System.arraycopy(b, 0, buf, n, b.length);
            n += b.length;
            return this;
        }

        /** A bencoded string: its length in decimal, a colon, the bytes. */
        Out string(byte[] b) {
            decimal(b.length);
            put((byte) ':');
            return put(b);
        }

        /** Shortest decimal form, as {@link Long#toString(long)}; digits are taken from a non-positive value so MIN_VALUE works. */
        Out decimal(long v) {
            room(20);
            if (v < 0) buf[n++] = '-';
            else v = -v;
            int start = n;
            do {
                buf[n++] = (byte) ('0' - v % 10);
                v /= 10;
            } while (v != 0);
            for (int i = start, j = n - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
            return this;
        }

        byte[] bytes() {
            return Arrays.copyOf(buf, n);
        }
    }
}
