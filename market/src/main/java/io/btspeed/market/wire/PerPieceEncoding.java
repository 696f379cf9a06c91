package io.btspeed.market.wire;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The two messages that go once per verified piece, {@code pay} (buyer) and {@code ack} (seller),
 * written straight into bytes: exactly what {@code Bencode.encode} makes of their dictionaries (keys
 * in sorted order, integers in shortest decimal form), without building a dictionary first; and read
 * back the same way when they arrive in exactly that form. The generic writer and reader walk maps;
 * on a 2 GiB loopback transfer the JIT spent 130–270 ms per peer compiling the writer, and about as
 * much the reader and its key checks, for these messages alone, on cores the transfer needed.
 *
 * <p>The readers accept only the one canonical spelling with values the generic decoder accepts
 * unchanged (integers of at most 18 digits, no sign, no leading zero; strings of the exact lengths)
 * and answer null for anything else, which then goes through the generic decoder: it accepts or
 * refuses, with its messages, exactly as before.
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

    /** A {@code pay} in canonical form, or null (then the generic decoder judges it). Signature form is checked by the caller. */
    static SpeedMessage.Payment readPayment(byte[] b) {
        In in = new In(b);
        if (!in.take(PAY_AMT)) return null;
        long amt = in.decimal();
        if (amt < 0 || !in.take(PAY_CH)) return null;
        byte[] ch = in.string(32);
        if (ch == null || !in.take(SEQ)) return null;
        long seq = in.decimal();
        if (seq < 1 || !in.take(PAY_SIG)) return null;
        byte[] sig = in.string(64);
        if (sig == null || !in.take(PAY_END) || !in.atEnd()) return null;
        return new SpeedMessage.Payment(ch, seq, amt, sig);
    }

    /** An {@code ack} in canonical form, or null (then the generic decoder judges it). */
    static SpeedMessage.Ack readAck(byte[] b) {
        In in = new In(b);
        if (!in.take(ACK_CH)) return null;
        byte[] ch = in.string(32);
        if (ch == null || !in.take(ACK_OWED)) return null;
        long owed = in.decimal();
        if (owed < 0 || !in.take((byte) 'e') || !in.take(SEQ)) return null;
        long seq = in.decimal();
        if (seq < 1 || !in.take(ACK_END) || !in.atEnd()) return null;
        return new SpeedMessage.Ack(ch, seq, owed);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** A cursor over a received payload; every read answers "not canonical" (false, -1, null) rather than throwing. */
    private static final class In {
        private final byte[] b;
        private int i;

        In(byte[] b) {
            this.b = b;
        }

        boolean take(byte[] literal) {
            if (b.length - i < literal.length) return false;
            for (int k = 0; k < literal.length; k++) if (b[i + k] != literal[k]) return false;
            i += literal.length;
            return true;
        }

        boolean take(byte c) {
            if (i >= b.length || b[i] != c) return false;
            i++;
            return true;
        }

        /** 1–18 digits, no leading zero (a lone 0 is fine): never overflows; -1 for anything else. */
        long decimal() {
            int start = i;
            long v = 0;
            while (i < b.length && b[i] >= '0' && b[i] <= '9' && i - start < 18) v = v * 10 + (b[i++] - '0');
            int digits = i - start;
            if (digits == 0 || (digits > 1 && b[start] == '0') || (i < b.length && b[i] >= '0' && b[i] <= '9')) return -1;
            return v;
        }

        /** A string of exactly {@code len} bytes, its length spelled canonically; null otherwise. */
        byte[] string(int len) {
            if (decimal() != len || !take((byte) ':') || b.length - i < len) return null;
            byte[] out = Arrays.copyOfRange(b, i, i + len);
            i += len;
            return out;
        }

        boolean atEnd() {
            return i == b.length;
        }
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
