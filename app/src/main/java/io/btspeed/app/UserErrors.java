package io.btspeed.app;

import picocli.CommandLine;

/**
 * Turns exceptions that escape a command into one clear line on stderr and a non-zero exit code,
 * instead of a stack trace. Set BTSPEED_DEBUG=1 to see the trace.
 */
final class UserErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, CommandLine.ParseResult parsed) {
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cli.getErr().println("btspeed: error: " + msg);
        if (System.getenv("BTSPEED_DEBUG") != null) {
            ex.printStackTrace(cli.getErr());
        }
        return ex instanceof UserException ue ? ue.exitCode() : 1;
    }
}
