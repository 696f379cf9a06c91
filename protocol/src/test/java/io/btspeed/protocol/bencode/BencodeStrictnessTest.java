package io.btspeed.protocol.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Edges of the strict decoder beyond the basic malformed cases. */
class BencodeStrictnessTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void integerEdgesAreExact() {
        assertThat(Bencode.decode(b("i0e"))).isEqualTo(new BInt(0));
        assertThat(Bencode.decode(b("i-9223372036854775808e"))).isEqualTo(new BInt(Long.MIN_VALUE));
        assertThat(Bencode.decode(b("i9223372036854775807e"))).isEqualTo(new BInt(Long.MAX_VALUE));
        assertThat(Bencode.decode(b("0:"))).isEqualTo(new BBytes(new byte[0]));
    }

    @ParameterizedTest
    @ValueSource(strings = {"i-e", "i-00e", "i-03e", "i00e", "i--1e", "i+1e", "i 1e", "i-9223372036854775809e",
            "i99999999999999999999e", "00:", "-1:a", "2:a", "4294967296:a", "2147483648:a", "1:", ":", "1a:b",
            "d1:ai1e1:ai1ee", "d1:bi1e1:ai1ee", "dli1ee1:ae", "ddee", "di0ei0ee", "l", "d", "e", "le1", "i1e ", " i1e"})
    void rejects(String input) {
        assertThatThrownBy(() -> Bencode.decode(b(input))).isInstanceOf(BencodeException.class)
                .hasMessageMatching(".*(at offset \\d+|offset).*");
    }

    @Test
    void keysSortAsUnsignedBytes() {
        // 0xff sorts after 'a' as an unsigned byte; a signed comparison would call this unsorted
        BDict d = (BDict) Bencode.decode(b("d1:ai1e1:\u00ffi2ee"));
        assertThat(d.integer("\u00ff")).isEqualTo(2);
        assertThatThrownBy(() -> Bencode.decode(b("d1:\u00ffi2e1:ai1ee"))).hasMessageContaining("not sorted");
        // a key that is a prefix of another sorts first
        assertThat(Bencode.decode(b("d1:ai1e2:aai2ee"))).isInstanceOf(BDict.class);
        assertThatThrownBy(() -> Bencode.decode(b("d2:aai2e1:ai1ee"))).hasMessageContaining("not sorted");
    }

    @Test
    void depthLimitCountsContainersAndIsConfigurable() {
        String dicts64 = "d1:a".repeat(63) + "le" + "e".repeat(63);
        assertThat(Bencode.decode(b(dicts64))).isInstanceOf(BDict.class);
        String lists65 = "l".repeat(65) + "e".repeat(65);
        assertThatThrownBy(() -> Bencode.decode(b(lists65))).hasMessageContaining("nesting deeper than 64");
        byte[] three = b("llleee");
        assertThat(Bencode.decode(three, 0, three.length, 3)).isInstanceOf(BList.class);
        assertThatThrownBy(() -> Bencode.decode(three, 0, three.length, 2)).hasMessageContaining("deeper than 2");
        assertThatThrownBy(() -> Bencode.decodeLenient(b(lists65))).hasMessageContaining("nesting");
    }

    @Test
    void errorsSayWhere() {
        assertThatThrownBy(() -> Bencode.decode(b("li1ei03ee"))).hasMessage("leading zero in integer at offset 7");
        assertThatThrownBy(() -> Bencode.decode(b("li1eei2e"))).hasMessage("trailing data after the value at offset 5");
        assertThatThrownBy(() -> Bencode.decode(b("l5:abce"))).hasMessageContaining("string of 5 bytes runs past the end");
    }

    @Test
    void decodesASubrangeOnly() {
        byte[] data = b("XXi42eYY");
        assertThat(Bencode.decode(data, 2, 4)).isEqualTo(new BInt(42));
        assertThatThrownBy(() -> Bencode.decode(data, 2, 5)).hasMessageContaining("trailing data");
        // the string length must not reach past the range, even if the array goes on
        byte[] s = b("3:ab c");
        assertThatThrownBy(() -> Bencode.decode(s, 0, 4)).hasMessageContaining("runs past the end");
    }

    @Test
    void rawSpanIsTheExactBytesAnEncoderWouldHash() {
        byte[] torrent = b("d4:infod6:lengthi5e4:name1:xe4:zzzzi1ee");
        int[] span = Bencode.rawValueSpan(torrent, "info");
        byte[] raw = java.util.Arrays.copyOfRange(torrent, span[0], span[1]);
        assertThat(Bencode.encode(Bencode.decode(raw))).isEqualTo(raw);
        assertThatThrownBy(() -> Bencode.rawValueSpan(b("li1ee"), "info")).hasMessageContaining("not a dictionary");
        assertThatThrownBy(() -> Bencode.rawValueSpan(b("d4:infoi1e"), "x")).hasMessageContaining("unterminated");
    }

    @Test
    void bytesAndDictsCompareByContent() {
        assertThat(new BBytes(new byte[] {1, 2})).isEqualTo(new BBytes(new byte[] {1, 2})).hasSameHashCodeAs(new BBytes(new byte[] {1, 2}));
        assertThat(Bencode.decode(b("d1:al1:bee"))).isEqualTo(BDict.builder().put("a", new BList(java.util.List.of(BBytes.of("b")))).build());
        byte[] src = {1};
        BBytes copy = new BBytes(src);
        src[0] = 9;
        assertThat(copy.bytes()).containsExactly(1);
    }
}
