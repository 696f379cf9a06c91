package io.btspeed.market.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.op.ChannelState;
import io.btspeed.protocol.bencode.BBytes;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.BList;
import io.btspeed.protocol.bencode.BValue;
import io.btspeed.protocol.bencode.Bencode;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SpeedCodecTest {
    static final KeyPair KEY = KeyPair.fromPrivateKey(BigInteger.valueOf(77));

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static SpeedMessage.Hello hello() {
        return new SpeedMessage.Hello(1, "http://127.0.0.1:8080/", "BTT", 6, KEY.address().bytes(), KEY.publicKey(),
                List.of("lowest-winning", "highest-losing"), 1);
    }

    static byte[] validSignature() {
        return new ChannelState(new byte[32], 1, 1).sign(KEY).signature().encode();
    }

    @Test
    void everyMessageRoundTrips() {
        byte[] ch = new byte[32];
        ch[3] = 9;
        byte[] sig = validSignature();
        for (SpeedMessage m : List.of(new SpeedMessage.BidMsg(1500), new SpeedMessage.BidMsg(0),
                new SpeedMessage.Result(7, true, 1200, "lowest-winning", 2),
                new SpeedMessage.Result(8, false, 0, "highest-losing", 0),
                new SpeedMessage.ChannelOpened(ch, 5_000_000, 1_800_000_000_000L),
                new SpeedMessage.Payment(ch, 5, 42, sig),
                new SpeedMessage.Ack(ch, 4, 0), new SpeedMessage.Error(3, "stale sequence"))) {
            SpeedMessage back = SpeedCodec.decode(SpeedCodec.encode(m));
            assertThat(back).usingRecursiveComparison().isEqualTo(m);
        }
        SpeedMessage.Hello h = hello();
        assertThat(SpeedCodec.decodeHello(Bencode.decode(SpeedCodec.encode(h)))).usingRecursiveComparison().isEqualTo(h);
        assertThat(SpeedCodec.decodeHello(SpeedCodec.encode(h))).usingRecursiveComparison().isEqualTo(h);
    }

    @Test
    void theWireFormIsTheOneTheSpecShows() {
        // spec §2, examples: exact bytes, so another implementation can test against them
        assertThat(new String(SpeedCodec.encode(new SpeedMessage.BidMsg(1500)), StandardCharsets.ISO_8859_1))
                .isEqualTo("d5:pricei1500e1:t3:bide");
        assertThat(new String(SpeedCodec.encode(new SpeedMessage.Result(7, true, 1200, "lowest-winning", 2)), StandardCharsets.ISO_8859_1))
                .isEqualTo("d5:pricei1200e5:roundi7e4:rule14:lowest-winning5:slotsi2e1:t6:result3:woni1ee");
        assertThat(new String(SpeedCodec.encode(new SpeedMessage.Error(3, "stale sequence")), StandardCharsets.ISO_8859_1))
                .isEqualTo("d4:codei3e3:msg14:stale sequence1:t3:erre");
    }

    @Test
    void hostileMessagesAreRejectedWithAReason() {
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei-5e1:t3:bide"))).isInstanceOf(MarketProtocolException.class)
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei5e1:t3:bid1:xi1ee"))).hasMessageContaining("unexpected key 'x'");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:t3:paye"))).hasMessageContaining("lacks");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:t4:nopee"))).hasMessageContaining("unknown bt_speed message type 'nope'");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:ti1ee"))).hasMessageContaining("type 't'");
        assertThatThrownBy(() -> SpeedCodec.decode(b("li1ee"))).hasMessageContaining("dictionary");
        assertThatThrownBy(() -> SpeedCodec.decode(new byte[2000])).isInstanceOf(MarketProtocolException.class).hasMessageContaining("exceeds");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei5e1:t3:bidee"))).isInstanceOf(MarketProtocolException.class)
                .hasMessageContaining("not strict bencode");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d1:t3:bid5:pricei5ee"))).as("unsorted keys").isInstanceOf(MarketProtocolException.class);
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei99999999999999999999e1:t3:bide"))).isInstanceOf(MarketProtocolException.class);
        // channel id of the wrong length
        assertThatThrownBy(() -> SpeedCodec.decode(b("d2:ch3:abc6:escrowi5e3:expi1e1:t4:opene"))).hasMessageContaining("'ch' must be 32 bytes");
        String ch = "2:ch32:" + "c".repeat(32);
        assertThatThrownBy(() -> SpeedCodec.decode(b("d" + ch + "6:escrowi0e3:expi1e1:t4:opene"))).hasMessageContaining("escrow");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d" + ch + "6:escrowi1e3:expi0e1:t4:opene"))).hasMessageContaining("'exp'");
        // payment: sequence 0, a signature that is not low-S / out of range
        String sig = "3:sig64:" + new String(validSignature(), StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> SpeedCodec.decode(b("d3:amti1e" + ch + "3:seqi0e" + sig + "1:t3:paye"))).hasMessageContaining("'seq'");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d3:amti1e" + ch + "3:seqi1e3:sig64:" + "\u00ff".repeat(64) + "1:t3:paye")))
                .hasMessageContaining("canonical signature");
        assertThat(SpeedCodec.decode(b("d3:amti1e" + ch + "3:seqi1e" + sig + "1:t3:paye"))).isInstanceOf(SpeedMessage.Payment.class);
        // result: unknown rule, won without slots, won not 0/1
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei1e5:roundi1e4:rule5:dutch5:slotsi1e1:t6:result3:woni1ee")))
                .hasMessageContaining("unknown clearing rule 'dutch'");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei1e5:roundi1e4:rule14:lowest-winning5:slotsi0e1:t6:result3:woni1ee")))
                .hasMessageContaining("at least one slot");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d5:pricei1e5:roundi1e4:rule14:lowest-winning5:slotsi1e1:t6:result3:woni2ee")))
                .hasMessageContaining("'won'");
        // error: code 0, text not UTF-8, text too long
        assertThatThrownBy(() -> SpeedCodec.decode(b("d4:codei0e3:msg0:1:t3:erre"))).hasMessageContaining("1..999");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d4:codei1e3:msg1:\u00ff1:t3:erre"))).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> SpeedCodec.decode(b("d4:codei1e3:msg201:" + "a".repeat(201) + "1:t3:erre"))).hasMessageContaining("longer");
    }

    /** Re-encodes the valid handshake entry with one change, so each check is tried alone. */
    static BValue helloWith(Consumer<Map<String, BValue>> change) {
        Map<String, BValue> m = new LinkedHashMap<>(((BDict) Bencode.decode(SpeedCodec.encode(hello()))).entries());
        change.accept(m);
        return Bencode.decode(Bencode.encode(new BDict(m)));
    }

    @Test
    void hostileHandshakeEntriesAreRejected() {
        KeyPair other = KeyPair.fromPrivateKey(BigInteger.valueOf(78));
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("addr", new BBytes(other.address().bytes())))))
                .isInstanceOf(MarketProtocolException.class).hasMessageContaining("not the address of 'pk'");
        byte[] offCurve = new byte[64];
        offCurve[0] = 1;
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("pk", new BBytes(offCurve)))))
                .hasMessageContaining("not a secp256k1 public key");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("unit", BBytes.of("KiB"))))).hasMessageContaining("price unit");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.remove("unit")))).hasMessageContaining("lacks 'unit'");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("extra", new BInt(1))))).hasMessageContaining("unexpected key");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("v", new BInt(0))))).hasMessageContaining("version");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("decimals", new BInt(19))))).hasMessageContaining("decimals");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("slots", new BInt(1001))))).hasMessageContaining("slots");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("token", BBytes.of("B T"))))).hasMessageContaining("token");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("ledger", BBytes.of(""))))).hasMessageContaining("ledger");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("rules", new BList(List.of())))))
                .hasMessageContaining("1..8 clearing rules");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("rules", new BList(List.of(BBytes.of("vickrey")))))))
                .hasMessageContaining("unknown clearing rule");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> m.put("rules",
                new BList(List.of(BBytes.of("lowest-winning"), BBytes.of("lowest-winning"))))))).hasMessageContaining("twice");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(new BInt(1))).hasMessageContaining("dictionary");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(new byte[1025])).hasMessageContaining("exceeds");
    }

    @Test
    void aLaterVersionIsReadAsVersionOne() {
        // a version 2 peer may add keys and rules; a version 1 reader keeps what it knows
        SpeedMessage.Hello h = SpeedCodec.decodeHello(helloWith(m -> {
            m.put("v", new BInt(2));
            m.put("zzz", new BInt(5));
            m.put("rules", new BList(List.of(BBytes.of("vickrey"), BBytes.of("highest-losing"))));
        }));
        assertThat(h.version()).isEqualTo(2);
        assertThat(h.clearingRules()).containsExactly("highest-losing");
        assertThatThrownBy(() -> SpeedCodec.decodeHello(helloWith(m -> {
            m.put("v", new BInt(2));
            m.remove("pk");
        }))).hasMessageContaining("lacks 'pk'");
    }

    /** Arbitrary bytes: either a message that re-encodes to itself or a MarketProtocolException, never anything else. */
    @FuzzTest(maxDuration = "10s")
    void fuzzDecode(byte[] data) {
        try {
            SpeedMessage m = SpeedCodec.decode(data);
            assertThat(SpeedCodec.decode(SpeedCodec.encode(m))).usingRecursiveComparison().isEqualTo(m);
        } catch (MarketProtocolException expected) {
            // rejected with a reason
        }
    }

    /** The handshake entry decoder under arbitrary bytes. */
    @FuzzTest(maxDuration = "10s")
    void fuzzHello(byte[] data) {
        try {
            SpeedMessage.Hello h = SpeedCodec.decodeHello(data);
            if (h.version() == 1) assertThat(SpeedCodec.decodeHello(SpeedCodec.encode(h))).usingRecursiveComparison().isEqualTo(h);
        } catch (MarketProtocolException expected) {
            // rejected with a reason
        }
    }
}
