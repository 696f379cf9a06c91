package io.btspeed.protocol.wire;

/** id 20 (BEP 10): extension message {@code extId} (0 = extended handshake) with a bencoded payload. */
public record Extended(int extId, byte[] payload) implements PeerMessage {
    public Extended {
        if (extId < 0 || extId > 255) throw new WireException("extension id out of range: " + extId);
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** Payload length without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    // records compare arrays by reference; messages are values, so compare content
    @Override
    public boolean equals(Object o) {
        return o instanceof Extended e && extId == e.extId && java.util.Arrays.equals(payload, e.payload);
    }

    @Override
    public int hashCode() {
        return 31 * extId + java.util.Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return "Extended[extId=" + extId + ", " + payload.length + " bytes]";
    }
}
