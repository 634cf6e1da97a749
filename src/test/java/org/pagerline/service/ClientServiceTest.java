package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.core.directory.Client;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

class ClientServiceTest {
    final TestDatabase db = TestDatabase.inMemory();
    final ClientService clients = new ClientService(db.transactions(), new PhoneNumbers("CA"), MutableClock.at("2026-11-23T10:00:00Z"));

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void addsNormalisesAndIdentifiesByCallerId() {
        Client c = clients.add(new ClientService.NewClient(" Acme Ltd ", "Jane Doe", List.of("+1 (204) 555-0123", "+12045550124")));
        assertEquals("Acme Ltd", c.company());
        assertEquals(List.of("+12045550123", "+12045550124"), c.phones());
        assertEquals(c.id(), clients.identify("2045550123").orElseThrow().id(), "national caller ID matches");
        assertTrue(clients.identify("+14165550000").isEmpty());
    }

    @Test
    void refusesBadInputAndChangesNothing() {
        clients.add(new ClientService.NewClient("Acme", "Jane", List.of("+12045550123")));
        assertEquals("company is missing", assertThrows(ValidationException.class,
                () -> clients.add(new ClientService.NewClient(" ", "Bob", List.of("+12045550199")))).getMessage());
        assertTrue(assertThrows(ValidationException.class,
                () -> clients.add(new ClientService.NewClient("Beta", "Bob", List.of("2045550199")))).getMessage()
                .contains("E.164"));
        assertTrue(assertThrows(ValidationException.class,
                () -> clients.add(new ClientService.NewClient("Beta", "Bob", List.of("+12045550199", "+1 204 555 0199"))))
                .getMessage().contains("given twice"));
        assertTrue(assertThrows(ValidationException.class,
                () -> clients.add(new ClientService.NewClient("Beta", "Bob", List.of("+12045550199", "+12045550123"))))
                .getMessage().contains("already belongs to Jane"));
        assertTrue(assertThrows(ValidationException.class,
                () -> clients.add(new ClientService.NewClient("acme", "JANE", List.of("+12045550111")))).getMessage()
                .contains("already client"));
        assertEquals(1, clients.list().size());
        assertTrue(clients.identify("+12045550199").isEmpty(), "nothing half-written");
    }

    @Test
    void removes() {
        Client c = clients.add(new ClientService.NewClient("Acme", "Jane", List.of("+12045550123")));
        clients.remove(Long.toString(c.id()));
        assertTrue(clients.list().isEmpty());
        assertThrows(NotFoundException.class, () -> clients.remove(Long.toString(c.id())));
        assertThrows(ValidationException.class, () -> clients.remove("jane"));
    }
}
