package io.arrowhttp.standalone;

import io.arrowhttp.server.auth.PasswordHash;
import io.arrowhttp.server.auth.TokenAuthenticator;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code hash-password USER}: reads a password and prints the user file line for it. */
@Command(
        name = "hash-password",
        mixinStandardHelpOptions = true,
        description = "Reads a password (from the terminal, or one line of standard input) and prints the "
                + "'user=hash' line for the file of arrowhttp.auth.users.")
final class HashPasswordCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The user name.")
    String user;

    @Override
    public Integer call() throws IOException {
        try {
            TokenAuthenticator.checkUserName(user);
        } catch (IllegalArgumentException refused) {
            System.err.println(refused.getMessage());
            return 2;
        }
        char[] password;
        Console console = System.console();
        if (console != null) {
            password = console.readPassword("Password for %s: ", user);
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? new char[0] : line.toCharArray();
        }
        if (password == null || password.length == 0) {
            System.err.println("No password given");
            return 2;
        }
        System.out.println(user + "=" + PasswordHash.hash(password));
        return 0;
    }
}
