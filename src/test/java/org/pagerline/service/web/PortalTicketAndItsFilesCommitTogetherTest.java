package org.pagerline.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.pagerline.boot.Wiring;
import org.pagerline.config.PagerlineConfig;
import org.pagerline.config.Settings;
import org.pagerline.core.directory.Client;
import org.pagerline.core.web.WebStore;
import org.pagerline.service.ClientService;
import org.pagerline.service.EngineKick;
import org.pagerline.service.PhoneNumbers;
import org.pagerline.service.Services;
import org.pagerline.service.Stores;
import org.pagerline.service.Transactions;
import org.pagerline.testkit.MutableClock;
import org.pagerline.testkit.TestDatabase;

/**
 * A portal ticket and its files, and a portal reply and its files, are one commit: when storing a
 * file fails (here: the database refuses the one named broken.bin), the client sees an error and
 * the desk sees nothing of it: no ticket without its files, no reply line without its files.
 */
class PortalTicketAndItsFilesCommitTogetherTest {
    final MutableClock clock = MutableClock.at("2026-11-23T15:00:00Z");
    final TestDatabase db = TestDatabase.inMemory();
    final Services services = Wiring.services(PagerlineConfig.from(Settings.ofMap(Map.of())), db.transactions(), clock,
            new EngineKick());
    final Client jane = services.clients().add(new ClientService.NewClient("Acme Ltd", "Jane Doe", List.of("+12045550123")));
    final PortalDesk portal = new PortalDesk(failingOnBrokenFiles(db.transactions()), clock, new PhoneNumbers("CA"),
            new Tokens(), (c, e, l) -> "", Runnable::run, services.tickets());

    @AfterEach
    void close() {
        db.close();
    }

    /** The real transactions, whose attachment insert fails for a file named broken.bin (after the rows before it). */
    static Transactions failingOnBrokenFiles(Transactions real) {
        return new Transactions() {
            @Override
            public <T> T inTransaction(java.util.function.Function<Stores, T> work) {
                return real.inTransaction(s -> work.apply(wrap(s)));
            }
        };
    }

    private static Stores wrap(Stores s) {
        return (Stores) Proxy.newProxyInstance(Stores.class.getClassLoader(), new Class<?>[] {Stores.class}, (p, m, a) -> {
            Object real = invoke(m, s, a);
            if (!m.getName().equals("web")) {
                return real;
            }
            return Proxy.newProxyInstance(WebStore.class.getClassLoader(), new Class<?>[] {WebStore.class}, (p2, m2, a2) -> {
                if (m2.getName().equals("insertAttachment") && "broken.bin".equals(a2[1])) {
                    throw new IllegalStateException("the database refused the file");
                }
                return invoke(m2, real, a2);
            });
        });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static PortalDesk.Upload file(String name) {
        return new PortalDesk.Upload(name, "application/octet-stream", ("contents of " + name).getBytes());
    }

    private int attachmentRows() {
        return db.transactions().inTransaction(s -> s.tickets().list(100).stream().mapToInt(t -> s.web().attachments(t.id())
                .size()).sum());
    }

    @Test
    void aTicketWhoseSecondFileCannotBeStoredIsNotFiledAtAll() {
        assertThrows(IllegalStateException.class, () -> portal.submit(jane, new PortalDesk.NewTicket("Jane Doe",
                "+12045550123", "P3", "The scanner is offline.", List.of(file("scan.log"), file("broken.bin")))));
        assertEquals(List.of(), services.tickets().list(10), "no ticket without its files");
        assertEquals(0, attachmentRows());
        assertEquals(0, services.tickets().queue(10).rows().size(), "nothing in the console's queue");
    }

    @Test
    void aReplyWhoseFileCannotBeStoredLeavesTheTicketAsItWas() {
        long id = portal.submit(jane, new PortalDesk.NewTicket("Jane Doe", "+12045550123", "P3", "The scanner is offline.",
                List.of(file("scan.log")))).id();
        services.tickets().waitOnCustomer(id, null, "which scanner?");
        int lines = services.tickets().show(id).events().size();
        assertThrows(IllegalStateException.class, () -> portal.reply(jane, id, "The one by the door.",
                List.of(file("photo.jpg"), file("broken.bin"))));
        assertEquals(lines, services.tickets().show(id).events().size(), "no reply line without its files");
        assertEquals(org.pagerline.core.ticket.TicketState.WAITING_ON_CUSTOMER, services.tickets().detail(id).state(),
                "still waiting: the reply did not happen");
        assertEquals(1, attachmentRows());

        portal.reply(jane, id, "The one by the door.", List.of(file("photo.jpg")));
        assertEquals(org.pagerline.core.ticket.TicketState.IN_PROGRESS, services.tickets().detail(id).state());
        assertEquals(2, attachmentRows());
    }
}
