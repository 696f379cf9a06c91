package io.btspeed.ledger.wire;

import io.btspeed.ledger.crypto.Address;

/** An account as GET /v1/accounts/{addr} shows it: spendable balance and the nonce its next operation needs. */
public record AccountView(Address address, long balance, long nextNonce) {
}
