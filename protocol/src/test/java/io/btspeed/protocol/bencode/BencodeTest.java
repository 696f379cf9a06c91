package io.btspeed.protocol.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesEveryKind() {
        BValue v = Bencode.decode(b("d3:bar4:spam3:fooi42e4:listli-7e0:ee"));
        BDict d = (BDict) v;
        assertThat(d.string("bar")).isEqualTo("spam");
        assertThat(d.integer("foo")).isEqualTo(42);
        assertThat(d.list("list").items()).containsExactly(new BInt(-7), new BBytes(new byte[0]));
    }

    @Test
    void roundTripsCanonically() {
        byte[] in = b("d1:ai0e1:bl1:x1:ye1:cd1:di9223372036854775807eee");
        assertThat(Bencode.encode(Bencode.decode(in))).isEqualTo(in);
        assertThat(((BDict) Bencode.decode(b("d1:ai-9223372036854775808ee"))).integer("a")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void encoderSortsKeysByRawBytes() {
        BDict d = BDict.builder().put("b", 1).put("a", 2).put(BDict.key("é"), 3).build();
        assertThat(new String(Bencode.encode(d), StandardCharsets.ISO_8859_1)).isEqualTo("d1:ai2e1:bi1e2:\u00c3\u00a9i3ee");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "i03e|leading zero",
            "i-0e|negative zero",
            "ie|empty integer",
            "i12|unterminated integer",
            "i9223372036854775808e|overflows",
            "i1x2e|bad digit",
            "03:abc|leading zero",
            "5:abc|runs past the end",
            "99999999999:x|too large",
            "d1:bi1e1:ai2ee|not sorted",
            "d1:ai1e1:ai2ee|duplicate",
            "di1ei2ee|not a string",
            "l1:a|unterminated list",
            "d1:a|unexpected end",
            "i1ei2e|trailing data",
            "x|unexpected byte",
            "|unexpected end"})
    void rejectsMalformedInput(String input, String message) {
        assertThatThrownBy(() -> Bencode.decode(b(input == null ? "" : input)))
                .isInstanceOf(BencodeException.class)
                .hasMessageContaining(message);
    }

    @Test
    void lenientModeAcceptsUnsortedKeysButNotDuplicates() {
        assertThat(((BDict) Bencode.decodeLenient(b("d1:bi1e1:ai2ee"))).integer("a")).isEqualTo(2);
        assertThatThrownBy(() -> Bencode.decodeLenient(b("d1:ai1e1:ai2ee"))).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Bencode.decodeLenient(b("i01e"))).hasMessageContaining("leading zero");
    }

    @Test
    void rejectsDepthBombs() {
        String bomb = "l".repeat(100_000) + "e".repeat(100_000);
        assertThatThrownBy(() -> Bencode.decode(b(bomb))).isInstanceOf(BencodeException.class).hasMessageContaining("nesting");
        String ok = "l".repeat(Bencode.MAX_DEPTH) + "e".repeat(Bencode.MAX_DEPTH);
        assertThat(Bencode.decode(b(ok))).isInstanceOf(BList.class);
    }

    @Test
    void findsTheRawSpanOfATopLevelKey() {
        byte[] data = b("d8:announce3:url4:infod4:name1:xe5:zzzzzi1ee");
        int[] span = Bencode.rawValueSpan(data, "info");
        assertThat(new String(data, span[0], span[1] - span[0], StandardCharsets.ISO_8859_1)).isEqualTo("d4:name1:xe");
        assertThatThrownBy(() -> Bencode.rawValueSpan(data, "nope")).isInstanceOf(BencodeException.class);
    }

    @Test
    void decodesAPrefixAndReportsItsEnd() {
        byte[] data = b("d1:ai1eeRAWDATA");
        Bencode.Decoded d = Bencode.decodePrefix(data, 0, data.length);
        assertThat(d.end()).isEqualTo(8);
        assertThat(((BDict) d.value()).integer("a")).isEqualTo(1);
    }

    @Test
    void typedGettersSayWhatIsWrong() {
        BDict d = (BDict) Bencode.decode(b("d1:ai1ee"));
        assertThatThrownBy(() -> d.string("a")).hasMessageContaining("'a' should be a string");
        assertThatThrownBy(() -> d.integer("b")).hasMessageContaining("missing key 'b'");
        assertThat(d.optInteger("a")).contains(1L);
        assertThat(List.of(d.optString("zz"))).containsExactly(java.util.Optional.empty());
    }
}
