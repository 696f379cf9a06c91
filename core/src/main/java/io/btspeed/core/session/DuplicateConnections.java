package io.btspeed.core.session;

import java.util.Arrays;

/**
 * Which of two connections to the same peer (same peer id) survives. When both peers dial at once (each learned the
 * other from the same PEX message), each side sees its own connection first; if each dropped the other's, neither
 * connection would be left. Both sides instead keep the connection dialed by the peer with the lower peer id, which
 * each can tell on its own, so they agree. Two connections dialed by the same side: the older one stays.
 */
public final class DuplicateConnections {
    private DuplicateConnections() {
    }

    /**
     * @param existingOutgoing whether we dialed the connection we already have
     * @param newOutgoing      whether we dialed the new one
     * @return true to keep the new connection and close the existing one, false to refuse the new one
     */
    public static boolean keepNew(boolean existingOutgoing, boolean newOutgoing, byte[] ourPeerId, byte[] theirPeerId) {
        if (existingOutgoing == newOutgoing) return false;
        byte[] newDialer = newOutgoing ? ourPeerId : theirPeerId;
        byte[] existingDialer = existingOutgoing ? ourPeerId : theirPeerId;
        return Arrays.compareUnsigned(newDialer, existingDialer) < 0;
    }
}
