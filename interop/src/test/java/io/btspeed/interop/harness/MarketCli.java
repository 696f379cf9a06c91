package io.btspeed.interop.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The wallet and ledger commands market tests drive, and reading amounts out of their output. */
public final class MarketCli {
    /** Decimals of the default token: amounts printed in tokens are base units × 10^-6. */
    private static final int DECIMALS = 6;

    private MarketCli() {}

    /** The keystore file of wallet {@code name} in {@code dir}. */
    public static Path keystore(Path dir, String name) {
        return dir.resolve(name + ".json");
    }

    /** Creates wallet {@code name} in {@code dir}; returns its TRON address. */
    public static String createWallet(Peers peers, Path dir, String name, Path passwordFile) throws Exception {
        String out = peers.btspeedRun("wallet-" + name, "wallet", "create", "--keystore", keystore(dir, name).toString(),
                "--password-file", passwordFile.toString());
        Matcher m = Pattern.compile("address \\(TRON\\): (\\S+)").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return m.group(1);
    }

    /** The spendable balance in base units; fails if tokens are still locked in an open channel. */
    public static long settledBalance(Peers peers, Path ledger, String address) throws Exception {
        String out = peers.btspeedRun("balance", "wallet", "balance", "--ledger", ledger.toString(), "--address", address);
        assertThat(out).as("every channel is settled").doesNotContain("in open channels");
        Matcher m = Pattern.compile("balance: ([0-9.]+) ").matcher(out);
        assertThat(m.find()).as(out).isTrue();
        return new BigDecimal(m.group(1)).movePointRight(DECIMALS).longValueExact();
    }

    /** {@code wallet history --json} of an address: entries and spent / earned per memo (base units). */
    public static com.fasterxml.jackson.databind.JsonNode history(Peers peers, Path ledger, String address) throws Exception {
        String out = peers.btspeedRun("history", "wallet", "history", "--ledger", ledger.toString(), "--address", address, "--json");
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.substring(out.indexOf('{')));
    }

    /** From the last "market: spent X, earned Y" line of a btspeed log: X or Y in base units. */
    public static long marketAmount(String log, boolean spent) {
        Matcher m = Pattern.compile("market: spent ([0-9.]+) \\S+, earned ([0-9.]+)").matcher(log);
        String last = null;
        while (m.find()) last = spent ? m.group(1) : m.group(2);
        assertThat(last).as("a market summary line in\n" + log).isNotNull();
        return new BigDecimal(last).movePointRight(DECIMALS).longValueExact();
    }
}
