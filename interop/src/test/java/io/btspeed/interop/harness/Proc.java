package io.btspeed.interop.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A process a test started: output goes to a log file that the test can wait on and print. */
public final class Proc implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    Proc(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    public static Proc start(String name, List<String> command, Path workDir, Path logDir, java.util.Map<String, String> env)
            throws IOException {
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env);
        return new Proc(name, pb.start(), log);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public String output() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Polls the log until a line matches; returns the match. Fails with the log if the process dies or time runs out. */
    public Matcher awaitLine(String regex, Duration timeout) throws InterruptedException {
        Pattern p = Pattern.compile(regex, Pattern.MULTILINE);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = p.matcher(output());
            if (m.find()) return m;
            if (!process.isAlive()) {
                Matcher again = p.matcher(output());
                if (again.find()) return again;
                throw new AssertionError(name + " exited with " + process.exitValue() + " before printing /" + regex + "/\n" + tail());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " did not print /" + regex + "/ within " + timeout + "\n" + tail());
    }

    /** Waits for the process to exit by itself; fails with the log on timeout. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " still running after " + timeout + "\n" + tail());
        }
        return process.exitValue();
    }

    /**
     * The last 60 lines of output, runs of identical lines (a stalled progress line, printed every second) shown once
     * with their count, so what was logged before a stall is still in view.
     */
    public String tail() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        String prev = null;
        int repeats = 0;
        for (String line : output().split("\n")) {
            if (line.equals(prev)) {
                repeats++;
                continue;
            }
            if (repeats > 0) lines.add("    (the line above " + repeats + " more times)");
            lines.add(line);
            prev = line;
            repeats = 0;
        }
        if (repeats > 0) lines.add("    (the line above " + repeats + " more times)");
        int from = Math.max(0, lines.size() - 60);
        return "---- last lines of " + name + " (" + log + ") ----\n"
                + String.join("\n", lines.subList(from, lines.size())) + "\n---- end ----";
    }

    /** SIGTERM, wait a little for a clean exit. */
    public void terminate(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** SIGKILL: the crash case. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) terminate(Duration.ofSeconds(5));
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
