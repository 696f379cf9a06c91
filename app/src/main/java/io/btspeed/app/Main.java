package io.btspeed.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code btspeed} command line. Subcommands register themselves here. */
@Command(name = "btspeed",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "BitTorrent engine and client with a bandwidth market on top.",
        subcommands = {
                CommandLine.HelpCommand.class,
                io.btspeed.app.cli.CreateCommand.class,
                io.btspeed.app.cli.InfoCommand.class,
                io.btspeed.app.cli.DownloadCommand.class,
                io.btspeed.app.cli.SeedCommand.class,
                io.btspeed.app.cli.DemoCommand.class,
                io.btspeed.app.wallet.WalletCommand.class,
                io.btspeed.app.ledger.LedgerCommand.class,
                io.btspeed.app.tracker.TrackerCommand.class,
                io.btspeed.app.sim.SimCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; used by tests that drive the CLI in-process. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new UserErrors());
        return cli.execute(args);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"btspeed " + (v == null ? "dev" : v)};
        }
    }
}
