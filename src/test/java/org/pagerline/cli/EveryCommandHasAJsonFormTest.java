package org.pagerline.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * PRODUCT.md: every command of the admin command line "has a {@code --json} form for scripts":
 * the ones that change things too, so that a script can read back what it did.
 */
class EveryCommandHasAJsonFormTest {
    /** The server itself, the simulators, whose output is a call's or a mail's transcript, and help. */
    static final Set<String> NOT_FOR_SCRIPTS = Set.of("pagerline server", "pagerline simulate call", "pagerline simulate email",
            "pagerline help");

    @Test
    void everyCommandAScriptMightRunHasAJsonForm() {
        CommandLine root = new CommandLine(new PagerlineCommand(config -> {
            throw new AssertionError("reading the commands needs no backend");
        }));
        List<String> without = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        walk(root, without, seen);
        assertEquals(List.of(), without, "commands without --json");
        assertEquals(true, seen.size() > 50, "the walk reached the commands: " + seen);
    }

    private static void walk(CommandLine c, List<String> without, List<String> seen) {
        String name = c.getCommandSpec().qualifiedName();
        if (seen.contains(name)) {
            return; // an alias
        }
        seen.add(name);
        if (c.getSubcommands().isEmpty()) {
            if (!NOT_FOR_SCRIPTS.contains(name) && c.getCommandSpec().findOption("--json") == null) {
                without.add(name);
            }
            return;
        }
        c.getSubcommands().values().forEach(sub -> walk(sub, without, seen));
    }
}
