package org.pagerline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the server: FastAGI, HTTP (health, webhooks) and the paging engine. Stops cleanly on SIGTERM or Ctrl-C.")
final class ServerCommand implements Callable<Integer> {
    @ParentCommand
    PagerlineCommand root;

    @Override
    public Integer call() {
        return root.backend().runServer();
    }
}
