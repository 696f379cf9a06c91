package io.btspeed.ledger.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.wire.LedgerJson;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Fuzz target for everything the ledger server decodes from a request. The input is
 * "METHOD TARGET\n" followed by the body, so the seed corpus stays readable. Any input may be
 * rejected, but only with a {@link LedgerException}; a decoded operation must encode back to JSON
 * that decodes to the same operation (one meaning per accepted document). Without JAZZER_FUZZ=1 the
 * corpus in src/test/resources/io/btspeed/ledger/server/RequestDecoderFuzzTestInputs/request/ runs
 * as regression tests. Fuzz longer: JAZZER_FUZZ=1 ./mvnw -pl ledger test -Dtest=RequestDecoderFuzzTest
 */
class RequestDecoderFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void request(byte[] input) {
        int nl = indexOf(input, (byte) '\n');
        String line = new String(input, 0, nl < 0 ? input.length : nl, StandardCharsets.UTF_8);
        byte[] body = nl < 0 ? new byte[0] : Arrays.copyOfRange(input, nl + 1, input.length);
        int sp = line.indexOf(' ');
        String method = sp < 0 ? line : line.substring(0, sp);
        String target = sp < 0 ? "" : line.substring(sp + 1);
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        ApiRequest decoded;
        try {
            decoded = RequestDecoder.decode(method, path, query, body);
        } catch (LedgerException expected) {
            if (expected.getMessage() == null || expected.getMessage().isEmpty()) {
                throw new AssertionError("rejection without a message", expected);
            }
            return;
        }
        switch (decoded) {
            case ApiRequest.SubmitTransfer t -> {
                var again = LedgerJson.transfer(LedgerJson.parse(LedgerJson.bytes(LedgerJson.transfer(t.transfer()))));
                if (!Arrays.equals(again.id(), t.transfer().id())) throw new AssertionError("transfer changed on re-encode");
            }
            case ApiRequest.SubmitOpen o -> {
                var again = LedgerJson.channelOpen(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channelOpen(o.open()))));
                if (!Arrays.equals(again.id(), o.open().id())) throw new AssertionError("open changed on re-encode");
            }
            case ApiRequest.SubmitClose c -> {
                var again = LedgerJson.channelClose(LedgerJson.parse(LedgerJson.bytes(LedgerJson.channelClose(c.close()))));
                if (!Arrays.equals(again.id(), c.close().id())) throw new AssertionError("close changed on re-encode");
            }
            case ApiRequest.GetHistory h -> {
                if (h.limit() < 1 || h.limit() > RequestDecoder.MAX_HISTORY_LIMIT) throw new AssertionError("limit " + h.limit());
            }
            default -> { }
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
