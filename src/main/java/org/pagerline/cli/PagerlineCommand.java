package org.pagerline.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import org.pagerline.service.Services;

/** The root: {@code pagerline [--config FILE] COMMAND}. */
@Command(name = "pagerline", mixinStandardHelpOptions = true, version = "pagerline 0.1.0",
        description = "On-call paging server for the help-desk support line, and its admin commands.",
        subcommands = {
            ServerCommand.class,
            TechCommand.class,
            RotationCommand.class,
            OverrideCommand.class,
            HoursCommand.class,
            HolidayCommand.class,
            OnCallCommand.class,
            QueueCommand.class,
            ClientCommand.class,
            TicketCommand.class,
            SimulateCommand.class,
            IncidentCommand.class,
            PolicyCommand.class,
            PageCommand.class,
            UserCommand.class,
            CommandLine.HelpCommand.class
        })
public final class PagerlineCommand implements Runnable {
    private final Backend.Factory factory;
    private Backend backend;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings file (default: $PAGERLINE_CONFIG or config/pagerline.properties).")
    Path config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public PagerlineCommand(Backend.Factory factory) {
        this.factory = factory;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed (see pagerline --help)");
    }

    Backend backend() {
        if (backend == null) {
            backend = factory.create(configPath());
        }
        return backend;
    }

    Services services() {
        return backend().services();
    }

    /**
     * The settings file: {@code --config}, else {@code $PAGERLINE_CONFIG}, else
     * config/pagerline.properties if it is there (the defaults if not). A file that is named but
     * not there is an error (exit 2): silently running on the defaults would hide a typo.
     */
    Path configPath() {
        if (config != null) {
            return mustExist(config, "");
        }
        String env = System.getenv("PAGERLINE_CONFIG");
        if (env != null && !env.isBlank()) {
            return mustExist(Path.of(env), " (PAGERLINE_CONFIG)");
        }
        return Path.of("config/pagerline.properties");
    }

    private static Path mustExist(Path file, String from) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw Cli.invalid("settings file " + file + from
                    + (java.nio.file.Files.exists(file) ? " is not a file" : " does not exist"));
        }
        return file;
    }

    /** Closes the backend if one was opened (the next run of a reused model makes its own). */
    void closeBackend() {
        if (backend != null) {
            backend.close();
            backend = null;
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
