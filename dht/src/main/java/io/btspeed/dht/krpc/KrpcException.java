package io.btspeed.dht.krpc;

import io.btspeed.protocol.ProtocolException;

/**
 * A KRPC message we refuse. When the bad message was a query whose transaction id we could read,
 * the node answers with a KRPC error carrying {@link #code()}; anything else is dropped silently,
 * so a forged "response" can never make us send packets.
 */
public class KrpcException extends ProtocolException {
    public static final int GENERIC_ERROR = 201;
    public static final int SERVER_ERROR = 202;
    public static final int PROTOCOL_ERROR = 203;
    public static final int METHOD_UNKNOWN = 204;

    private final int code;
    private final TransactionId transactionId;
    private final boolean query;

    public KrpcException(String message, int code, TransactionId transactionId, boolean query) {
        super(message);
        this.code = code;
        this.transactionId = transactionId;
        this.query = query;
    }

    public int code() {
        return code;
    }

    /** Null when the message was too broken to read one. */
    public TransactionId transactionId() {
        return transactionId;
    }

    /** Whether the refused message said it was a query (only queries get an error back). */
    public boolean wasQuery() {
        return query;
    }

    /** The error reply for this refusal, or null when none must be sent. */
    public KrpcMessage.Error toReply() {
        return query && transactionId != null ? new KrpcMessage.Error(transactionId, code, getMessage()) : null;
    }
}
