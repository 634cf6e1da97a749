package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.testkit.MutableClock;

/**
 * What an admin types into the roster and the desk's settings is checked before anything is
 * written: each refusal is exit 2, exactly one line on stderr naming the problem, and the
 * database as it was (a separate {@code pagerline} run per command, on a real H2 file).
 */
class RosterInputIsCheckedCliTest {
    @TempDir
    Path dir;
    MutableClock clock = MutableClock.at("2026-11-20T12:00:00Z");
    CliRunner cli;

    String before;

    @BeforeEach
    void setUp() {
        cli = new CliRunner(dir, clock);
        ok("tech", "add", "--name", "Alice Able", "--phone", "+12045550101", "--sms", "+12045550111");
        ok("tech", "add", "--name", "Bob Baker", "--phone", "+12045550102");
        ok("client", "add", "--company", "Acme Corp", "--contact", "Jane Doe", "--phone", "+12045550199");
        ok("holiday", "add", "2026-12-25", "Christmas Day");
        before = everything();
    }

    private void nothingChanged() {
        assertEquals(before, everything(), "a refused command changes nothing");
    }

    private void ok(String... args) {
        CliRunner.Result r = cli.run(args);
        assertEquals(0, r.exit(), r.all());
    }

    /** Everything the commands below could change, as the CLI reads it back. */
    private String everything() {
        StringBuilder b = new StringBuilder();
        for (String[] read : List.of(new String[] {"tech", "list", "--json"}, new String[] {"client", "list", "--json"},
                new String[] {"holiday", "list", "--json"}, new String[] {"policy", "show", "--json"},
                new String[] {"hours", "show", "--at", "2026-11-21T10:30:00-06:00", "--json"})) {
            CliRunner.Result r = cli.run(read);
            assertEquals(0, r.exit(), r.all());
            b.append(r.out());
        }
        return b.toString();
    }

    /** Runs a command that must be refused; returns its one line of stderr. */
    private String refused(String... args) {
        CliRunner.Result r = cli.run(args);
        assertEquals(2, r.exit(), "expected a validation error (exit 2): " + r.all());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("error: ") && r.err().endsWith("\n"), r.err());
        assertEquals(1, r.err().lines().count(), "one line on stderr: " + r.err());
        return r.err();
    }

    private static void contains(String text, String... parts) {
        for (String p : parts) {
            assertTrue(text.contains(p), "expected '" + p + "' in: " + text);
        }
    }

    @Test
    void a_phone_already_used_by_another_technician_is_refused_naming_them() {
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+1 204 555 0101"),
                "+12045550101", "Alice Able", "technician 1");
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+12045550102"), "Bob Baker");
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+12045550111"),
                "+12045550111", "SMS number of technician 1 (Alice Able)");
        nothingChanged();
    }

    @Test
    void an_sms_number_already_used_by_another_technician_is_refused_naming_them() {
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+12045550103", "--sms", "+12045550111"),
                "SMS number +12045550111", "Alice Able");
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+12045550103", "--sms", "+12045550102"),
                "SMS number +12045550102", "phone of technician 2 (Bob Baker)");
        nothingChanged();
        ok("tech", "add", "--name", "Carol Chen", "--phone", "+12045550103", "--sms", "+12045550103");
    }

    @Test
    void every_text_longer_than_its_limit_is_refused_naming_the_limit() {
        String x5000 = "x".repeat(5000);
        contains(refused("tech", "add", "--name", x5000, "--phone", "+12045550103"),
                "technician name is 5000 characters long; at most 200");
        contains(refused("tech", "add", "--name", "Carol Chen", "--phone", "+12045550103",
                "--email", "c".repeat(300) + "@example.com"), "email is 312 characters long; at most 254");
        contains(refused("client", "add", "--company", x5000, "--contact", "John Roe", "--phone", "+12045550198"),
                "company is 5000 characters long; at most 200");
        contains(refused("client", "add", "--company", "Beta", "--contact", x5000, "--phone", "+12045550198"),
                "contact name is 5000 characters long; at most 200");
        contains(refused("holiday", "add", "2026-12-26", x5000), "holiday name is 5000 characters long; at most 200");
        contains(refused("policy", "set", "--step", "0m PRIMARY" + ",SECONDARY".repeat(300), "--repeat", "10m"),
                "escalation policy is", "at most 2000");
        nothingChanged();
        // at the limit is fine
        ok("tech", "add", "--name", "y".repeat(200), "--phone", "+12045550103");
        ok("holiday", "add", "2026-12-26", "z".repeat(200));
    }

    @Test
    void names_with_control_or_bidi_characters_are_refused() {
        List<String> bad = new ArrayList<>(List.of("\n", "\r", "\t", "\u001b[31m", "\u0000", "\u007f", "\u0085",
                "\u2028", "\u2029", "\u200e", "\u200f", "\u061c"));
        for (int c = 0x202A; c <= 0x202E; c++) {
            bad.add(Character.toString(c));
        }
        for (int c = 0x2066; c <= 0x2069; c++) {
            bad.add(Character.toString(c));
        }
        for (String ch : bad) {
            contains(refused("tech", "add", "--name", "Eve" + ch + "Evil", "--phone", "+12045550103"),
                    "technician name contains", String.format("U+%04X", ch.codePointAt(0)), "character 4",
                    "one line of plain text");
        }
        for (String ch : List.of("\n", "\u001b", "\u202e")) {
            String name = "Eve" + ch + "Evil";
            String code = String.format("U+%04X", ch.codePointAt(0));
            contains(refused("client", "add", "--company", name, "--contact", "John Roe", "--phone", "+12045550198"),
                    "company contains", code);
            contains(refused("client", "add", "--company", "Beta", "--contact", name, "--phone", "+12045550198"),
                    "contact name contains", code);
            contains(refused("holiday", "add", "2026-12-26", name), "holiday name contains", code);
        }
        contains(refused("tech", "add", "--name", "Alice\n", "--phone", "+12045550103"), "a newline (U+000A)");
        contains(refused("tech", "add", "--name", "Eve", "--phone", "+12045550103", "--email", "eve@ex\u202Eample.com"),
                "email contains a Unicode bidirectional control (U+202E)");
        contains(refused("policy", "set", "--step", "0m @Alice\u2066 Able", "--repeat", "10m"),
                "escalation policy contains");
        nothingChanged();
        // letters of every script, accents and emoji are fine
        ok("tech", "add", "--name", "Zoë Ŝmith-Łukasz 李明 عادل 👩‍🔧", "--phone", "+12045550103");
    }

    @Test
    void an_error_that_quotes_what_was_typed_stays_one_line() {
        contains(refused("tech", "show", "Eve\nEvil"), "unknown technician 'Eve\\nEvil'");
        contains(refused("rotation", "set", "PRIMARY", "--members", "Alice Able,Mal\u001b[2Jlory", "--start", "2026-11-02"),
                "Mal\\u001B[2Jlory");
        nothingChanged();
    }

    @Test
    void the_same_opening_time_twice_is_refused_not_a_database_error() {
        contains(refused("hours", "set", "Mon-Fri 08:00-17:00, Sat 08:00-09:00, Sat 08:00-09:00"),
                "opening hours overlap on SATURDAY: 08:00-09:00 and 08:00-09:00");
        contains(refused("hours", "set", "Mon-Fri 08:00-17:00, Wed 12:00-20:00"), "overlap on WEDNESDAY");
        nothingChanged();
        ok("hours", "set", "Mon-Fri 08:00-12:00, Mon-Fri 12:00-17:00");
    }
}
