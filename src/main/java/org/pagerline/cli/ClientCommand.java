package org.pagerline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.pagerline.core.directory.Client;
import org.pagerline.service.ClientService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "client", mixinStandardHelpOptions = true,
        description = "The client directory: callers are identified by caller ID against it.",
        subcommands = {ClientCommand.Add.class, ClientCommand.ListClients.class, ClientCommand.Remove.class,
            ClientEmailCommand.class})
final class ClientCommand {
    @ParentCommand
    PagerlineCommand root;

    static ObjectNode json(Client c) {
        ObjectNode n = Json.object();
        n.put("id", c.id());
        n.put("company", c.company());
        n.put("contact", c.contactName());
        ArrayNode p = n.putArray("phones");
        c.phones().forEach(p::add);
        return n;
    }

    static String line(Client c) {
        return String.format("%-4d %-28s %-24s %s", c.id(), c.company(), c.contactName(), String.join(" ", c.phones()));
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a client contact.")
    static final class Add implements Runnable {
        @ParentCommand
        ClientCommand parent;

        @Option(names = "--company", required = true, description = "Client company name.")
        String company;

        @Option(names = "--contact", required = true, description = "Contact's full name.")
        String contact;

        @Option(names = "--phone", required = true, split = ",",
                description = "Phone number(s), E.164 (+12045550123); repeat or separate with commas.")
        List<String> phones;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Client c = parent.root.services().clients().add(new ClientService.NewClient(company, contact, phones));
            parent.root.out().println(json ? Json.write(json(c)) : "added client " + c.id() + ": " + c.contactName()
                    + " (" + c.company() + ")");
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List client contacts.")
    static final class ListClients implements Runnable {
        @ParentCommand
        ClientCommand parent;

        @Option(names = "--json", description = "Print JSON.")
        boolean json;

        @Override
        public void run() {
            List<Client> all = parent.root.services().clients().list();
            if (json) {
                ArrayNode a = Json.array();
                all.forEach(c -> a.add(json(c)));
                parent.root.out().println(Json.write(a));
            } else if (all.isEmpty()) {
                parent.root.out().println("no clients yet (add one with: pagerline client add --company ... --contact ... --phone ...)");
            } else {
                all.forEach(c -> parent.root.out().println(line(c)));
            }
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a client contact (tickets keep their name).")
    static final class Remove implements Runnable {
        @ParentCommand
        ClientCommand parent;

        @Parameters(paramLabel = "ID", description = "Client id (see client list).")
        String id;

        @Option(names = "--json", description = "Print the result as JSON.")
        boolean json;

        @Override
        public void run() {
            Client c = parent.root.services().clients().remove(id);
            parent.root.out().println(json ? Json.write(Json.object().put("removed", "client").set("client", json(c)))
                    : "removed client " + c.id() + ": " + c.contactName() + " (" + c.company() + ")");
        }
    }
}
