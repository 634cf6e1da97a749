package org.pagerline.cli;

import java.io.PrintWriter;
import org.pagerline.config.ConfigException;
import org.pagerline.core.text.TextField;
import org.pagerline.service.ValidationException;
import picocli.CommandLine;

/**
 * Runs one command line. Exit status: 0 done; 2 a usage, validation or configuration error
 * (one line on stderr, nothing changed); 1 a fault.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAULT = 1;
    public static final int USAGE = 2;

    private Cli() {}

    public static int run(Backend.Factory factory, PrintWriter out, PrintWriter err, String... args) {
        PagerlineCommand root = new PagerlineCommand(factory);
        CommandLine cmd = new CommandLine(root);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + oneLine(ex.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            c.getErr().flush();
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof ConfigException) {
                // ValidationException and the domain's IllegalArgumentException: the user's input
                c.getErr().println("error: " + oneLine(ex.getMessage()));
                c.getErr().flush();
                return USAGE;
            }
            c.getErr().println("error: " + oneLine(ex.getMessage() == null ? ex.toString() : ex.getMessage()));
            c.getErr().flush();
            return FAULT;
        });
        try {
            return cmd.execute(args);
        } finally {
            root.closeBackend();
            out.flush();
            err.flush();
        }
    }

    /**
     * An error message as one line that cannot drive the terminal: a message may quote what the
     * user typed, so control, line-breaking and bidi characters are shown as escapes.
     */
    static String oneLine(String message) {
        if (message == null || TextField.firstForbidden(message) < 0) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 16);
        message.codePoints().forEach(cp -> {
            if (TextField.firstForbidden(Character.toString(cp)) < 0) {
                b.appendCodePoint(cp);
            } else if (cp == '\n') {
                b.append("\\n");
            } else {
                b.append(String.format("\\u%04X", cp));
            }
        });
        return b.toString();
    }

    /** For messages that are not errors but must reach stderr. */
    static void warn(CommandLine.Model.CommandSpec spec, String text) {
        spec.commandLine().getErr().println(text);
    }

    static ValidationException invalid(String text) {
        return new ValidationException(text);
    }
}
