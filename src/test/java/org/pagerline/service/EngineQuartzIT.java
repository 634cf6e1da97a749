package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pagerline.adapter.quartz.QuartzScheduler;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.core.page.DeliveryPolicy;
import org.pagerline.core.page.RateLimit;
import org.pagerline.core.roster.Role;
import org.pagerline.core.ticket.Priority;
import org.pagerline.core.ticket.Ticket;
import org.pagerline.core.ticket.TicketSource;
import org.pagerline.testkit.Eventually;
import org.pagerline.testkit.RecordingPageChannel;
import org.pagerline.testkit.TestDatabase;

/** The real Quartz store on an H2 file: a wake-up scheduled for a due instant fires the pass (the sweep is an hour away). */
class EngineQuartzIT {

    @Test
    void aWakeUpAtTheDueInstantFiresThePass(@TempDir Path dir) {
        Clock clock = Clock.systemUTC();
        ExecutorService senders = Executors.newFixedThreadPool(2);
        try (TestDatabase db = TestDatabase.fileIn(dir)) {
            Transactions tx = db.transactions();
            RosterService roster = new RosterService(tx, new PhoneNumbers("CA"), clock);
            for (String[] p : List.of(new String[] {"PRIMARY", "Pat", "+12045550101"}, new String[] {"SECONDARY", "Sam", "+12045550102"})) {
                roster.addTechnician(new RosterService.NewTechnician(p[1], p[2], null, null, "UTC"));
                roster.setRotation(new RosterService.RotationSpec(Role.parse(p[0]), List.of(p[1]), "1w", "08:00", "UTC", "2026-01-01"));
            }
            RecordingPageChannel phones = new RecordingPageChannel(clock);
            DeliveryPolicy delivery = new DeliveryPolicy(Duration.ofSeconds(30), Duration.ofMinutes(5), 3);
            EscalationEngine engine = new EscalationEngine(tx, clock, Duration.ofMinutes(30), new PageDispatcher(tx, clock,
                    phones.channels(), new RateLimit(10, Duration.ofMinutes(10)), delivery, Duration.ofSeconds(60), senders));
            try (QuartzScheduler quartz = new QuartzScheduler(db.database().dataSource(), false, new SchedulerConfig(Duration.ofHours(1), 2), engine::runDue)) {
                engine.attachWakeUps(quartz);
                quartz.start();
                IncidentService incidents = new IncidentService(tx, clock, Duration.ofMinutes(30), Duration.ofMinutes(15),
                        () -> quartz.wakeAt(clock.instant()));
                incidents.setPolicy(List.of("0s PRIMARY", "2s SECONDARY"), "1h");
                Ticket t = new TicketService(tx, clock).openOrReuse(TicketSource.PHONE, "+12045559999", "Jane", "Acme", Duration.ZERO);
                Instant opened = clock.instant();
                long id = incidents.openFromVoicemail(new VoicemailIncident(t.id(), Priority.P3, "+12045559999", "Jane", "Acme",
                        "+12045559999", "rec", opened));

                Eventually.await(Duration.ofSeconds(10), "Pat paged through a Quartz wake-up", () -> phones.all().size() >= 2);
                phones.take(org.pagerline.core.page.Channel.SMS, "+12045550101", id + "a");
                phones.take(org.pagerline.core.page.Channel.VOICE, "+12045550101", "");
                Eventually.await(Duration.ofSeconds(10), "Sam paged at the 2 s step", () -> phones.all().size() >= 4);
                RecordingPageChannel.Sent sam = phones.take(org.pagerline.core.page.Channel.SMS, "+12045550102", id + "a");
                phones.take(org.pagerline.core.page.Channel.VOICE, "+12045550102", "");
                Duration late = Duration.between(opened.plusSeconds(2), sam.at());
                assertTrue(!late.isNegative() && late.compareTo(Duration.ofSeconds(2)) < 0, "second step handed over " + late + " after due");
                phones.assertAllExpected();
            } finally {
                engine.close();
            }
        } finally {
            senders.shutdown();
        }
    }
}
