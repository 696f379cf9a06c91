package io.btspeed.sim;

/** A scenario file that cannot be simulated; the message names the file, the field and what is wrong. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) { super(message); }

    public ScenarioException(String message, Throwable cause) { super(message, cause); }
}
