package io.btspeed.ledger.server;

import io.btspeed.ledger.ChannelId;
import io.btspeed.ledger.crypto.Address;
import io.btspeed.ledger.op.ChannelClose;
import io.btspeed.ledger.op.ChannelOpen;
import io.btspeed.ledger.op.Transfer;

/**
 * One decoded HTTP request to the ledger server, one record per endpoint. Decoding (path, query,
 * body) is separated from acting on it so the whole hostile-input surface is one pure function,
 * {@link RequestDecoder#decode}, that tests and the fuzzer drive directly.
 */
public sealed interface ApiRequest {
    record GetToken() implements ApiRequest {}

    /** The ledger's identity ({@link io.btspeed.ledger.Ledger#id()}), which peers compare before trading. */
    record GetId() implements ApiRequest {}

    record GetAccount(Address account) implements ApiRequest {}

    record GetHistory(Address account, int limit) implements ApiRequest {}

    record GetChannel(ChannelId channel) implements ApiRequest {}

    record GetAccountChannels(Address account) implements ApiRequest {}

    record GetAudit() implements ApiRequest {}

    record SubmitTransfer(Transfer.Signed transfer) implements ApiRequest {}

    record SubmitOpen(ChannelOpen.Signed open) implements ApiRequest {}

    record SubmitClose(ChannelClose.Signed close) implements ApiRequest {}

    /** Unsigned on purpose: a refund after expiry can only return escrow to its payer. */
    record SubmitRefund(ChannelId channel) implements ApiRequest {}
}
