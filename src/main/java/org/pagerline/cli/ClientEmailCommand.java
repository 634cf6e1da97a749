package org.pagerline.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pagerline client email ID ADDRESS}: the address the contact signs in to the portal with. */
@Command(name = "email", mixinStandardHelpOptions = true,
        description = "Set a client contact's email address (the portal sends its sign-in links to it); \"\" clears it.")
final class ClientEmailCommand implements Runnable {
    @ParentCommand
    ClientCommand parent;

    @Parameters(index = "0", paramLabel = "ID", description = "Client id (see pagerline client list).")
    String id;

    @Parameters(index = "1", paramLabel = "ADDRESS", description = "Email address.")
    String email;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public void run() {
        String set = parent.root.services().web().emails().set(id, email);
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode n = Json.object().put("client", id.trim());
            n.put("email", set);
            parent.root.out().println(Json.write(n));
            return;
        }
        parent.root.out().println(set == null ? "client " + id.trim() + ": email cleared" : "client " + id.trim() + ": email " + set);
    }
}
