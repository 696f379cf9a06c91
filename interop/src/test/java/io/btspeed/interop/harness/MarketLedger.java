package io.btspeed.interop.harness;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A ledger file and named wallets for market tests, made through the CLI as a user would: one
 * password file, the first wallet holds the genesis supply and funds the others.
 */
public final class MarketLedger {
    public final Path file;
    public final Path passwordFile;
    private final Peers peers;
    private final Path dir;
    private final Map<String, String> addresses = new LinkedHashMap<>();

    private MarketLedger(Peers peers, Path dir) {
        this.peers = peers;
        this.dir = dir;
        this.file = dir.resolve("ledger.db");
        this.passwordFile = dir.resolve("pw");
    }

    /** Creates the wallets {@code bank} and {@code others} in {@code dir} and a ledger whose supply {@code bank} holds. */
    public static MarketLedger create(Peers peers, Path dir, String bank, String... others) throws Exception {
        MarketLedger m = new MarketLedger(peers, dir);
        Files.writeString(m.passwordFile, "test password\n");
        List<String> names = new ArrayList<>(List.of(bank));
        names.addAll(List.of(others));
        for (String name : names) m.addresses.put(name, MarketCli.createWallet(peers, dir, name, m.passwordFile));
        peers.btspeedRun("ledger-init", "ledger", "init", "--db", m.file.toString(), "--genesis", m.address(bank));
        return m;
    }

    public String address(String name) {
        String a = addresses.get(name);
        if (a == null) throw new IllegalArgumentException("no wallet named " + name);
        return a;
    }

    public Path keystore(String name) {
        return MarketCli.keystore(dir, name);
    }

    /** {@code wallet send} of {@code tokens} (in tokens, e.g. "100") from the genesis wallet. */
    public void fund(String toAddress, String tokens) throws Exception {
        String bank = addresses.keySet().iterator().next();
        peers.btspeedRun("fund", "wallet", "send", "--ledger", file.toString(), "--keystore", keystore(bank).toString(),
                "--password-file", passwordFile.toString(), "--to", toAddress, "--amount", tokens);
    }

    /** {@code --wallet K --password-file P --ledger L} for a download or seed as wallet {@code name}. */
    public List<String> walletArgs(String name) {
        return List.of("--wallet", keystore(name).toString(), "--password-file", passwordFile.toString(), "--ledger", file.toString());
    }

    /** The wallet's spendable balance in base units; fails if tokens are still locked in an open channel. */
    public long settledBalance(String name) throws Exception {
        return MarketCli.settledBalance(peers, file, address(name));
    }

    public JsonNode history(String name) throws Exception {
        return MarketCli.history(peers, file, address(name));
    }

    /** {@code ledger audit} passes: supply invariant and journal chain intact. */
    public void assertAudit() throws Exception {
        assertThat(peers.btspeedRun("audit", "ledger", "audit", "--ledger", file.toString())).containsIgnoringCase("ok");
    }
}
