package io.btspeed.app.wallet;

import io.btspeed.app.UserException;
import java.io.Console;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a keystore password from a file (first line) or the console; never from the command line, where ps would show it. */
final class Passwords {
    private Passwords() {}

    static char[] read(Path passwordFile, boolean confirm) {
        if (passwordFile != null) {
            try {
                String s = Files.readString(passwordFile, StandardCharsets.UTF_8);
                String first = s.lines().findFirst().orElse("");
                if (first.isEmpty()) {
                    throw new UserException("password file is empty: " + passwordFile);
                }
                return first.toCharArray();
            } catch (IOException e) {
                throw new UserException("cannot read password file " + passwordFile + ": " + e.getMessage());
            }
        }
        Console c = System.console();
        if (c == null) {
            throw new UserException("no console to prompt for a password; pass --password-file");
        }
        char[] pw = c.readPassword("Keystore password: ");
        if (pw == null || pw.length == 0) {
            throw new UserException("empty password");
        }
        if (confirm && !java.util.Arrays.equals(pw, c.readPassword("Repeat password: "))) {
            throw new UserException("passwords do not match");
        }
        return pw;
    }
}
