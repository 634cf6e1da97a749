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

    Path configPath() {
        if (config != null) {
            return config;
        }
        String env = System.getenv("PAGERLINE_CONFIG");
        return Path.of(env != null && !env.isBlank() ? env : "config/pagerline.properties");
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
