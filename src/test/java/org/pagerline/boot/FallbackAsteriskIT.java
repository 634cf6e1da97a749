package org.pagerline.boot;

import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.pagerline.core.ticket.TicketSource;

/** The dialplan's fallback voicemail on a real Asterisk 22: no caller is dropped when pagerline fails. */
@Tag("asterisk")
// Side by side with the others: the fault it makes (its own caller's ticket row locked past the lock
// timeout) is that one call's. It once took the database away from every caller, which is why this
// ran alone; LockTimeoutIsNotAnOutageTest now holds that a lock timeout is no outage.
@Execution(ExecutionMode.CONCURRENT)
class FallbackAsteriskIT {

    @Test
    void whenPagerlineFailsTheCallerIsToldAndTheFallbackRecordsTheirMessageInTheSpool() throws Exception {
        AsteriskLab lab = AsteriskLab.get();
        String me = lab.newCaller();
        long ticket = lab.services().tickets().openOrReuse(TicketSource.PHONE, me, null, "Lab Co", Duration.ofHours(4)).id();
        // A real fault: the caller's open ticket is locked by someone else for longer than pagerline's
        // database lock timeout (10 s), so pagerline cannot start the call and says FAILED.
        try (Connection c = lab.database()) {
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("SELECT id FROM tickets WHERE id = ? FOR UPDATE")) {
                st.setLong(1, ticket);
                st.executeQuery().close();
            }
            try (var call = lab.call(new Sipp.Caller(me).when("app:Record").talk(ofSeconds(4)).hangUp())) {
                call.awaitSuccess(ofSeconds(60));
            } finally {
                c.rollback();
            }
        }
        assertEquals("FAILED", lab.resultAtHangup(me));
        Path folder = lab.spool().resolve("pagerline/fallback");
        List<Path> mine;
        try (var files = Files.list(folder)) {
            mine = files.filter(p -> p.getFileName().toString().contains("-" + AsteriskLab.digits(me) + "-")).toList();
        }
        assertEquals(1, mine.size(), "one fallback recording for the caller in " + folder + ":\n" + String.join("\n", lab.dialplan(me)));
        assertTrue(Files.size(mine.get(0)) > 8000 * 2 * 2, "the caller's words were kept although they hung up");
    }
}
