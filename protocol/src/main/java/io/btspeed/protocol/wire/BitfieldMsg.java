package io.btspeed.protocol.wire;

/** id 5: which pieces the sender has, high bit first; only valid as the first message. */
public record BitfieldMsg(byte[] bits) implements PeerMessage {
    public BitfieldMsg {
        bits = bits.clone();
    }

    @Override
    public byte[] bits() {
        return bits.clone();
    }
}
