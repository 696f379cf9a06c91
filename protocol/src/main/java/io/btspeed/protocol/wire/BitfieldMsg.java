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

    // records compare arrays by reference; messages are values, so compare content
    @Override
    public boolean equals(Object o) {
        return o instanceof BitfieldMsg b && java.util.Arrays.equals(bits, b.bits);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "BitfieldMsg[" + bits.length + " bytes]";
    }
}
