package io.btspeed.app;

/** An error the user can fix (bad path, bad torrent, port in use); printed without a stack trace. */
public class UserException extends RuntimeException {
    private final int exitCode;

    public UserException(String message) {
        this(message, 2);
    }

    public UserException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public UserException(String message, Throwable cause) {
        super(message, cause);
        this.exitCode = 2;
    }

    public int exitCode() {
        return exitCode;
    }
}
