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
}
