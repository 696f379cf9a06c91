package io.btspeed.app.ledger;

import io.btspeed.app.UserException;
import io.btspeed.ledger.Ledger;
import io.btspeed.ledger.LedgerException;
import io.btspeed.ledger.LedgerSpec;
import io.btspeed.ledger.Ledgers;
import io.btspeed.ledger.TokenInfo;
import io.btspeed.ledger.server.LedgerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code btspeed ledger serve}: shares one ledger database (an SQLite file or PostgreSQL) with
 * peers over HTTP until interrupted. The server accepts state changes only as signed operations,
 * so it holds no keys and needs no accounts of its own.
 */
@Command(name = "serve", description = "Serve a ledger over HTTP so peers on other machines share it (until Ctrl-C).")
public final class LedgerServeCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--db", required = true, paramLabel = "FILE|postgresql://…",
            description = "Ledger database: an SQLite file made by `ledger init`, or postgresql://user:pw@host:port/db.")
    String db;

    @Option(names = "--port", defaultValue = "7545", description = "TCP port to listen on (0 = any free port; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1",
            description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
    String bind;

    @Override
    public void run() {
        if (port < 0 || port > 65_535) {
            throw new UserException("--port must be 0..65535, got " + port);
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new UserException("--bind: not an address: " + bind);
        }
        LedgerSpec where;
        try {
            where = LedgerSpec.parse(db);
        } catch (IllegalArgumentException e) {
            throw new UserException("--db: " + e.getMessage());
        }
        if (where instanceof LedgerSpec.Server) {
            throw new UserException("--db takes a database (a file or postgresql://…), not another ledger server");
        }
        Ledger ledger;
        try {
            ledger = Ledgers.open(db, InstantSource.system());
        } catch (LedgerException | IllegalArgumentException e) {
            throw new UserException("cannot open ledger " + db + ": " + e.getMessage());
        }
        LedgerServer server;
        try {
            server = LedgerServer.start(ledger, address, port);
        } catch (BindException e) {
            ledger.close();
            throw new UserException("cannot listen on " + bind + ":" + port + ": " + e.getMessage());
        } catch (IOException e) {
            ledger.close();
            throw new UserException("cannot start the ledger server: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            // Ctrl-C: finish requests in flight, then close the database cleanly.
            server.stop(Duration.ofSeconds(5));
            ledger.close();
            stopped.countDown();
        }, "ledger-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        TokenInfo token = ledger.token();
        PrintWriter out = spec.commandLine().getOut();
        out.println("ledger server listening on " + server.url() + " (token " + token.symbol() + ", "
                + token.decimals() + " decimals)");
        out.println("clients: --ledger " + server.url() + "   stop: Ctrl-C");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
