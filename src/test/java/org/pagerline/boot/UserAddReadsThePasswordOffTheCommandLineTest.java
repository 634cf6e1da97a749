package org.pagerline.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.service.EngineKick;
import org.pagerline.service.Services;
import org.pagerline.service.ValidationException;
import org.pagerline.service.web.Passwords;
import org.pagerline.testkit.CliHarness;
import org.pagerline.testkit.TestDatabase;

/** {@code pagerline user add}: the password from the environment or standard input, only its hash passed on. */
class UserAddReadsThePasswordOffTheCommandLineTest {
    static final String[] ADD = {"user", "add", "Pat", "--role", "tech"};

    @Test
    void thePasswordFromStandardInputBecomesAnArgon2idHashAndNeverAnArgument() throws Exception {
        String[] args = UserPassword.hashed(ADD, Map.of(), null,
                new ByteArrayInputStream("a long enough password\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals(ADD.length + 2, args.length);
        assertArrayEquals(ADD, Arrays.copyOf(args, ADD.length));
        assertEquals("--password-hash", args[ADD.length]);
        String hash = args[ADD.length + 1];
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
        assertFalse(String.join(" ", args).contains("a long enough password"));
        assertTrue(new Passwords().verify(hash, "a long enough password".toCharArray()));
        assertFalse(new Passwords().verify(hash, "a long enough passworD".toCharArray()));
    }

    @Test
    void theEnvironmentWinsOverStandardInput() throws Exception {
        String[] args = UserPassword.hashed(ADD, Map.of(UserPassword.ENV, "from the environment"), null,
                new ByteArrayInputStream("from standard input\n".getBytes(StandardCharsets.UTF_8)));
        assertTrue(new Passwords().verify(args[args.length - 1], "from the environment".toCharArray()));
    }

    @Test
    void aNewPasswordForAnAccountIsReadAndHashedTheSameWay() throws Exception {
        String[] change = {"user", "password", "Pat"};
        assertTrue(UserPassword.wanted(change));
        assertFalse(UserPassword.wanted(new String[] {"user", "remove", "Pat"}));
        String[] args = UserPassword.hashed(change, Map.of(UserPassword.ENV, "a brand new password"), null,
                new ByteArrayInputStream(new byte[0]));
        assertEquals("--password-hash", args[change.length]);
        assertTrue(new Passwords().verify(args[change.length + 1], "a brand new password".toCharArray()));
    }

    @Test
    void aShortOrMissingPasswordIsRefused() {
        assertThrows(ValidationException.class, () -> UserPassword.hashed(ADD, Map.of(UserPassword.ENV, "short"), null,
                new ByteArrayInputStream(new byte[0])));
        assertThrows(ValidationException.class, () -> UserPassword.hashed(ADD, Map.of(), null,
                new ByteArrayInputStream(new byte[0])));
        assertTrue(UserPassword.wanted(ADD));
        assertFalse(UserPassword.wanted(new String[] {"user", "add", "--help"}));
        assertFalse(UserPassword.wanted(new String[] {"tech", "add", "user"}));
    }

    @Test
    void theCommandAddsTheAccountAndRefusesADuplicateOrABadRole() throws Exception {
        try (TestDatabase db = TestDatabase.inMemory()) {
            Services s = Wiring.services(PagerlineConfig.from(Settings.ofMap(Map.of())), db.transactions(), Clock.systemUTC(),
                    new EngineKick());
            String hash = new Passwords().hash("a long enough password".toCharArray());
            CliHarness.Result ok = CliHarness.run(s, "user", "add", "Pat", "--role", "tech", "--password-hash", hash);
            assertEquals(0, ok.exit(), ok.err());
            assertEquals("added user 1: Pat (tech)", ok.out().trim());
            CliHarness.Result again = CliHarness.run(s, "user", "add", "PAT", "--role", "admin", "--password-hash", hash);
            assertEquals(2, again.exit());
            assertEquals("error: a user named 'PAT' already exists", again.err().trim());
            CliHarness.Result role = CliHarness.run(s, "user", "add", "Lee", "--role", "boss", "--password-hash", hash);
            assertEquals(2, role.exit());
            assertTrue(role.err().contains("unknown role 'boss'"), role.err());
            CliHarness.Result none = CliHarness.run(s, "user", "add", "Lee", "--role", "lead");
            assertEquals(2, none.exit());
            assertTrue(none.err().contains("PAGERLINE_USER_PASSWORD"), none.err());
            assertEquals(1, s.web().staff().list().size());
            CliHarness.Result list = CliHarness.run(s, "user", "list", "--json");
            assertEquals("[{\"id\":1,\"name\":\"Pat\",\"role\":\"tech\"}]", list.out().trim().replaceAll("\\s", ""));
            assertFalse(list.out().contains("argon2"));
        }
    }
}
