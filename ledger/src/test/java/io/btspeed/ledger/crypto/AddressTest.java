package io.btspeed.ledger.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AddressTest {
    @Test
    void privateKeyOneGivesTheWellKnownEvmAddress() {
        KeyPair k = KeyPair.fromPrivateKey(BigInteger.ONE);
        assertThat(k.address().toEvm()).isEqualTo("0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
        // public key of 1 is the generator point G
        assertThat(HexFormat.of().formatHex(k.publicKey())).isEqualTo(
                "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
    }

    @Test
    void tronFormOfPublishedAddresses() {
        // USDT TRC-20 contract address and its hex form as published by TRON explorers
        Address usdt = new Address(HexFormat.of().parseHex("a614f803b6fd780986a42c78ec9c7f77e6ded13c"));
        assertThat(usdt.toTron()).isEqualTo("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
        assertThat(Address.parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t")).isEqualTo(usdt);
        Address other = new Address(HexFormat.of().parseHex("2aeb8add8337360e088b7d9ce4e857b9be60f3a7"));
        assertThat(other.toTron()).isEqualTo("TDt9YtfuttvxD2Jv8F8v4JEDbnBBb1jVNt");
    }

    @Test
    void eip55ChecksumVectors() {
        // from the EIP-55 specification
        for (String a : new String[] {"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
                "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
                "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"}) {
            assertThat(Address.parse(a).toEvm()).isEqualTo(a);
            assertThat(Address.parse(a.toLowerCase()).toEvm()).isEqualTo(a);
        }
    }

    @Test
    void tronAndEvmFormsRoundTrip() {
        Address a = KeyPair.fromPrivateKey(BigInteger.valueOf(12345)).address();
        assertThat(Address.parse(a.toTron())).isEqualTo(a);
        assertThat(Address.parse(a.toEvm())).isEqualTo(a);
        assertThat(a.toTron()).startsWith("T").hasSize(34);
    }

    @Test
    void rejectsMalformedAddresses() {
        assertThatThrownBy(() -> Address.parse("0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"))
                .hasMessageContaining("EIP-55");
        assertThatThrownBy(() -> Address.parse("0x1234")).hasMessageContaining("40 hex digits");
        assertThatThrownBy(() -> Address.parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u")).hasMessageContaining("checksum");
        assertThatThrownBy(() -> Address.parse("TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj0t")).hasMessageContaining("base58 character");
        assertThatThrownBy(() -> Address.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Address.parse("1".repeat(500))).hasMessageContaining("too long");
    }
}
