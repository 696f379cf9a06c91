package io.btspeed.protocol.ext;

import io.btspeed.protocol.ProtocolException;
import io.btspeed.protocol.bencode.BDict;
import io.btspeed.protocol.bencode.BInt;
import io.btspeed.protocol.bencode.Bencode;
import java.util.Arrays;

/** ut_metadata wire form: a bencoded dictionary, followed by the raw piece for msg_type 1. */
public final class MetadataCodec {
    private MetadataCodec() {}

    public static byte[] encode(MetadataMessage m) {
        return switch (m) {
            case MetadataRequest r -> Bencode.encode(BDict.builder().put("msg_type", 0).put("piece", r.piece()).build());
            case MetadataReject r -> Bencode.encode(BDict.builder().put("msg_type", 2).put("piece", r.piece()).build());
            case MetadataData d -> {
                byte[] head = Bencode.encode(BDict.builder().put("msg_type", 1).put("piece", d.piece())
                        .put("total_size", d.totalSize()).build());
                byte[] data = d.data();
                byte[] out = Arrays.copyOf(head, head.length + data.length);
                System.arraycopy(data, 0, out, head.length, data.length);
                yield out;
            }
        };
    }

    public static MetadataMessage decode(byte[] payload) {
        Bencode.Decoded x;
        try {
            x = Bencode.decodePrefixLenient(payload, 0, payload.length);
        } catch (ProtocolException e) {
            throw new ExtensionException("ut_metadata message is not valid bencode: " + e.getMessage());
        }
        if (!(x.value() instanceof BDict d)) throw new ExtensionException("ut_metadata message is not a dictionary");
        if (!(d.get("msg_type") instanceof BInt(long type))) throw new ExtensionException("ut_metadata message without msg_type");
        if (!(d.get("piece") instanceof BInt(long piece)) || piece < 0 || piece > Integer.MAX_VALUE / MetadataMessage.PIECE_SIZE) {
            throw new ExtensionException("ut_metadata message without a valid piece");
        }
        // checked before narrowing: (int) of 2^32 + 1 would otherwise read as msg_type 1
        if (type < 0 || type > 2) throw new ExtensionException("unknown ut_metadata msg_type " + type);
        int rest = payload.length - x.end();
        return switch ((int) type) {
            case 0 -> {
                if (rest != 0) throw new ExtensionException("ut_metadata request with trailing data");
                yield new MetadataRequest((int) piece);
            }
            case 2 -> {
                if (rest != 0) throw new ExtensionException("ut_metadata reject with trailing data");
                yield new MetadataReject((int) piece);
            }
            case 1 -> {
                if (!(d.get("total_size") instanceof BInt(long total)) || total <= 0 || total > ExtendedHandshake.MAX_METADATA_SIZE) {
                    throw new ExtensionException("ut_metadata data without a valid total_size");
                }
                if (rest > MetadataMessage.PIECE_SIZE) throw new ExtensionException("ut_metadata piece larger than 16 KiB");
                long start = piece * MetadataMessage.PIECE_SIZE;
                if (start >= total) throw new ExtensionException("ut_metadata piece " + piece + " is past total_size " + total);
                long expect = Math.min(MetadataMessage.PIECE_SIZE, total - start);
                if (rest != expect) {
                    throw new ExtensionException("ut_metadata piece " + piece + " has " + rest + " bytes, expected " + expect);
                }
                yield new MetadataData((int) piece, (int) total, Arrays.copyOfRange(payload, x.end(), payload.length));
            }
            default -> throw new ExtensionException("unknown ut_metadata msg_type " + type);
        };
    }
}
