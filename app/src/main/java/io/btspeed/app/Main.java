package io.btspeed.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * Entry point of the {@code btspeed} command line.
 *
 * <p>Subcommands are registered here, but a run builds the picocli model only of the one it invokes: picocli reads
 * each command's annotations reflectively (an annotation proxy per lookup, interpreted at start-up), and building
 * the whole tree cost ~0.3 s of CPU before any work began, in every {@code download} and {@code seed} process.
 * Help, an unknown name and a bare {@code btspeed} still see every subcommand.
 */
@Command(name = "btspeed",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "BitTorrent engine and client with a bandwidth market on top.")
public final class Main implements Runnable {

    /** The subcommands in the order help lists them. */
    private static final List<String> SUBCOMMANDS =
            List.of("help", "create", "info", "download", "seed", "demo", "wallet", "ledger", "tracker", "sim");

    // A switch rather than a map of constructor references: the JDK 25 AOT cache assembly (the launcher's startup
    // cache) crashed on lambdas held in this class's static state.
    private static Object newSubcommand(String name) {
        return switch (name) {
            case "help" -> new CommandLine.HelpCommand();
            case "create" -> new io.btspeed.app.cli.CreateCommand();
            case "info" -> new io.btspeed.app.cli.InfoCommand();
            case "download" -> new io.btspeed.app.cli.DownloadCommand();
            case "seed" -> new io.btspeed.app.cli.SeedCommand();
            case "demo" -> new io.btspeed.app.cli.DemoCommand();
            case "wallet" -> new io.btspeed.app.wallet.WalletCommand();
            case "ledger" -> new io.btspeed.app.ledger.LedgerCommand();
            case "tracker" -> new io.btspeed.app.tracker.TrackerCommand();
            case "sim" -> new io.btspeed.app.sim.SimCommand();
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns its exit code; used by tests that drive the CLI in-process. */
    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line for these arguments: the invoked subcommand only, or all of them when it is not one. */
    static CommandLine commandLine(String... args) {
        CommandLine cli = new CommandLine(new Main());
        String name = subcommandName(args);
        if (name != null && !name.equals("help") && SUBCOMMANDS.contains(name)) {
            cli.addSubcommand(name, newSubcommand(name));
        } else if (name != null || !versionOnly(args)) {
            for (String n : SUBCOMMANDS) cli.addSubcommand(n, newSubcommand(n));
        }
        cli.setExecutionExceptionHandler(new UserErrors());
        return cli;
    }

    /** The first argument that is not an option (the top level has only flags: help and version). */
    private static String subcommandName(String[] args) {
        for (String a : args) {
            if (!a.startsWith("-")) return a;
        }
        return null;
    }

    private static boolean versionOnly(String[] args) {
        for (String a : args) {
            if (!a.equals("-V") && !a.equals("--version")) return false;
        }
        return args.length > 0;
    }

    @Override
    public void run() {
        commandLine().usage(System.out);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"btspeed " + (v == null ? "dev" : v)};
        }
    }
}
