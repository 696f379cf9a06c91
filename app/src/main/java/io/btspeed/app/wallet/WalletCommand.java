package io.btspeed.app.wallet;

import io.btspeed.app.UserException;
import io.btspeed.ledger.crypto.CryptoException;
import io.btspeed.ledger.crypto.KeyPair;
import io.btspeed.ledger.crypto.KeystoreV3;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code btspeed wallet}: a secp256k1 key in an Ethereum V3 keystore file. */
@Command(name = "wallet", description = "Manage the wallet key (Ethereum V3 keystore).",
        subcommands = {WalletCommand.Create.class, WalletCommand.Show.class, LedgerWallet.Balance.class,
                LedgerWallet.History.class, LedgerWallet.Send.class})
public final class WalletCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = "Create a new key and write it to an encrypted keystore file.")
    static final class Create implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--keystore", required = true, description = "Keystore file to create (must not exist).")
        Path keystore;
        @Option(names = "--password-file", description = "File whose first line is the password (else prompt).")
        Path passwordFile;

        @Override
        public void run() {
            char[] pw = Passwords.read(passwordFile, true);
            try {
                KeyPair k = KeyPair.generate(new SecureRandom());
                String json = KeystoreV3.encrypt(k, pw, new SecureRandom());
                writeNew(keystore, json);
                PrintWriter out = spec.commandLine().getOut();
                out.println("address (TRON): " + k.address().toTron());
                out.println("address (EVM):  " + k.address().toEvm());
                out.flush();
            } finally {
                Arrays.fill(pw, '\0');
            }
        }

        private static void writeNew(Path file, String json) {
            try {
                if (file.getParent() != null) {
                    Files.createDirectories(file.getParent());
                }
                // created owner-only before any secret is written, and never over an existing key
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.writeString(file, json, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (FileAlreadyExistsException e) {
                throw new UserException("keystore already exists, refusing to overwrite: " + file);
            } catch (IOException e) {
                throw new UserException("cannot write keystore " + file + ": " + e.getMessage());
            }
        }
    }

    @Command(name = "address", description = "Print the wallet's address in TRON and EVM form.")
    static final class Show implements Runnable {
        @Spec
        CommandSpec spec;
        @Option(names = "--keystore", required = true, description = "Keystore file.")
        Path keystore;
        @Option(names = "--password-file", description = "File whose first line is the password (else prompt).")
        Path passwordFile;

        @Override
        public void run() {
            KeyPair k = load(keystore, passwordFile);
            PrintWriter out = spec.commandLine().getOut();
            out.println("address (TRON): " + k.address().toTron());
            out.println("address (EVM):  " + k.address().toEvm());
            out.flush();
        }
    }

    /** Opens a keystore; errors become one clear line for the user. */
    public static KeyPair load(Path keystore, Path passwordFile) {
        String json;
        try {
            json = Files.readString(keystore, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UserException("cannot read keystore " + keystore + ": " + e.getMessage());
        }
        char[] pw = Passwords.read(passwordFile, false);
        try {
            return KeystoreV3.decrypt(json, pw);
        } catch (CryptoException e) {
            throw new UserException(keystore + ": " + e.getMessage());
        } finally {
            Arrays.fill(pw, '\0');
        }
    }
}
