package io.btspeed.app.market;

import io.btspeed.app.UserException;
import io.btspeed.ledger.Amounts;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.market.auction.ClearingRule;
import io.btspeed.market.pay.Exposure;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options of the bandwidth market for download and seed; the market is on when --wallet and --ledger are given. */
public final class MarketOptions {
    @Option(names = "--wallet", paramLabel = "KEYSTORE", description = "wallet keystore: take part in the bandwidth market")
    public Path wallet;

    @Option(names = "--password-file", paramLabel = "F", description = "file whose first line is the wallet password (else prompt)")
    public Path passwordFile;

    @Option(names = "--ledger", paramLabel = "L", description = "ledger the market settles on (a ledger file)")
    public String ledger;

    @Option(names = "--spend", paramLabel = "on|off", defaultValue = "on",
            description = "bid for paid upload slots while downloading (default: ${DEFAULT-VALUE})")
    public String spend;

    @Option(names = "--budget", paramLabel = "AMOUNT", description = "most tokens to spend on this torrent (default: the whole balance)")
    public String budget;

    @Option(names = "--max-price", paramLabel = "AMOUNT", description = "highest bid in tokens per MiB (default: no limit)")
    public String maxPrice;

    @Option(names = "--paid-slots", paramLabel = "N", defaultValue = "1", description = "upload slots auctioned each round (default: ${DEFAULT-VALUE})")
    public int paidSlots;

    @Option(names = "--free-slots", paramLabel = "N", defaultValue = "3",
            description = "upload slots never auctioned, incl. the optimistic unchoke; at least 1 (default: ${DEFAULT-VALUE})")
    public int freeSlots;

    @Option(names = "--clearing", paramLabel = "RULE", defaultValue = "lowest-winning",
            description = "auction price rule: lowest-winning or highest-losing (default: ${DEFAULT-VALUE})")
    public String clearing;

    @Option(names = "--exposure-pieces", paramLabel = "N",
            description = "most unpaid pieces a buyer in a paid slot may owe before its blocks wait for payment"
                    + " (default: the pieces of 32 MiB, plus 2)")
    public Integer exposurePieces;

    /** The exposure limit in pieces of {@code pieceLength} bytes ({@link #checkSlots} refused a value below 1). */
    public int exposurePieces(int pieceLength) {
        return exposurePieces != null ? exposurePieces : defaultExposurePieces(pieceLength);
    }

    /** The spec's default (§5.3), kept in the market module so the simulator uses the same: the pieces of 32 MiB plus 2. */
    static int defaultExposurePieces(int pieceLength) {
        return Exposure.defaultPieces(pieceLength);
    }

    @Option(names = "--reserve-price", paramLabel = "AMOUNT", defaultValue = "0", description = "lowest accepted bid, tokens per MiB (default: 0)")
    public String reservePrice;

    public boolean enabled() {
        if ((wallet == null) != (ledger == null)) {
            throw new UserException("the market needs both --wallet and --ledger");
        }
        return wallet != null;
    }

    public boolean spending() {
        return switch (spend) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new UserException("--spend must be on or off, got '" + spend + "'");
        };
    }

    public ClearingRule rule() {
        try {
            return ClearingRule.fromWireName(clearing);
        } catch (IllegalArgumentException e) {
            throw new UserException("--clearing: " + e.getMessage());
        }
    }

    public void checkSlots() {
        if (paidSlots < 0) throw new UserException("--paid-slots must be 0 or more");
        if (freeSlots < 1) throw new UserException("--free-slots must be at least 1: plain peers always keep a slot");
        if (exposurePieces != null && exposurePieces < 1) throw new UserException("--exposure-pieces must be at least 1");
    }

    public static long amount(String option, String text, TokenInfo token, long otherwise) {
        if (text == null) return otherwise;
        try {
            return Amounts.parse(text, token);
        } catch (IllegalArgumentException e) {
            throw new UserException(option + ": " + e.getMessage());
        }
    }
}
