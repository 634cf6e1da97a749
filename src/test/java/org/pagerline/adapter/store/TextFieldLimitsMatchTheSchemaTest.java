package org.pagerline.adapter.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pagerline.core.text.TextField;
import org.pagerline.testkit.TestDatabase;

/**
 * The limits in {@link TextField} are the only ones a user meets: every column that keeps such a
 * text (or a copy of it, on a ticket, an incident or a page) is at least that long, so the
 * database never refuses what the validation let through.
 */
class TextFieldLimitsMatchTheSchemaTest {
    private static final Map<TextField, List<String>> COLUMNS = Map.of(
            TextField.TECHNICIAN_NAME, List.of("TECHNICIANS.NAME", "TECHNICIANS.NAME_KEY", "INCIDENTS.OWNER_NAME",
                    "PAGES.TECHNICIAN_NAME", "QUEUE_MEMBERS.TECHNICIAN_NAME"),
            TextField.EMAIL, List.of("TECHNICIANS.EMAIL", "TICKETS.REQUESTER_EMAIL"),
            TextField.COMPANY, List.of("CLIENTS.COMPANY", "TICKETS.COMPANY", "INCIDENTS.COMPANY"),
            TextField.CONTACT_NAME, List.of("CLIENTS.CONTACT_NAME", "TICKETS.CALLER_NAME", "INCIDENTS.CALLER_NAME",
                    "QUEUE_CALLERS.CALLER_NAME"),
            TextField.HOLIDAY_NAME, List.of("HOLIDAYS.NAME"),
            TextField.ESCALATION_POLICY, List.of("ESCALATION_POLICIES.SPEC"),
            TextField.TICKET_NOTE, List.of("TICKET_EVENTS.DETAIL"));

    @Test
    void every_column_holds_the_longest_text_its_field_allows() throws Exception {
        assertEquals(TextField.values().length, COLUMNS.size(), "every field is mapped to its columns");
        try (TestDatabase db = TestDatabase.inMemory(); Connection c = db.database().dataSource().getConnection();
                PreparedStatement q = c.prepareStatement("SELECT CHARACTER_MAXIMUM_LENGTH FROM INFORMATION_SCHEMA.COLUMNS"
                        + " WHERE TABLE_SCHEMA='PUBLIC' AND TABLE_NAME=? AND COLUMN_NAME=?")) {
            for (Map.Entry<TextField, List<String>> e : COLUMNS.entrySet()) {
                for (String column : e.getValue()) {
                    String[] tc = column.split("\\.");
                    q.setString(1, tc[0]);
                    q.setString(2, tc[1]);
                    try (ResultSet rs = q.executeQuery()) {
                        assertTrue(rs.next(), "no column " + column);
                        long size = rs.getLong(1);
                        assertTrue(size >= e.getKey().maxLength(), column + " holds " + size + " characters but "
                                + e.getKey().label() + " allows " + e.getKey().maxLength());
                    }
                }
            }
        }
    }
}
