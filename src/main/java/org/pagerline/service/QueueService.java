package org.pagerline.service;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pagerline.core.calendar.BusinessCalendar;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.core.queue.QueueMembership;
import org.pagerline.core.queue.QueueStore;
import org.pagerline.core.queue.WaitingCaller;
import org.pagerline.core.roster.Technician;

/**
 * The help-desk queue: who has signed in to answer it, who should be a member right now, and the
 * live view of Asterisk's queue that the AMI adapter keeps and {@code pagerline queue show} prints.
 * Everything is read from the database each time, so a sign-in from the CLI (another process)
 * reaches a running server at its next reconcile.
 */
public final class QueueService {
    private final Transactions tx;
    private final Clock clock;

    public QueueService(Transactions tx, Clock clock) {
        this(tx, clock, true);
    }

    /** @param amiEnabled false when ami.enabled is false: the queue view then says AMI is disabled */
    public QueueService(Transactions tx, Clock clock, boolean amiEnabled) {
        this.tx = tx;
        this.clock = clock;
        this.amiEnabled = amiEnabled;
    }

    private final boolean amiEnabled;

    /** @param changed false when the technician already was in that state (nothing was written) */
    public record SignChange(Technician technician, boolean changed) {}

    public record SignedIn(Technician technician, Instant since) {}

    /**
     * Everything {@code queue show} prints. {@code link} is empty when no server has ever connected to
     * AMI; {@code amiEnabled} is false when this pagerline does not use AMI at all (ami.enabled=false).
     */
    public record QueueView(Instant at, boolean deskOpen, List<SignedIn> signedIn, List<WaitingCaller> callers,
            List<QueueMember> members, Optional<QueueStore.Link> link, boolean amiEnabled) {}

    public SignChange signIn(String techRef) {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            Technician t = RosterService.resolve(s.roster(), techRef);
            return new SignChange(t, s.queue().signIn(t.id(), now));
        });
    }

    public SignChange signOut(String techRef) {
        return tx.inTransaction(s -> {
            Technician t = RosterService.resolve(s.roster(), techRef);
            return new SignChange(t, s.queue().signOut(t.id()));
        });
    }

    /** The technicians who should be queue members now: signed in, and the desk is open. */
    public List<Technician> wantedMembers() {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            BusinessCalendar desk = s.calendar().calendar();
            Set<Long> wanted = QueueMembership.wanted(s.queue().signedIn().keySet(), desk, now);
            List<Technician> out = new ArrayList<>();
            for (Long id : s.queue().signedIn().keySet()) {
                if (wanted.contains(id)) {
                    s.roster().technician(id).ifPresent(out::add);
                }
            }
            return out;
        });
    }

    public QueueView view() {
        Instant now = clock.instant();
        return tx.inTransaction(s -> {
            List<SignedIn> in = new ArrayList<>();
            for (Map.Entry<Long, Instant> e : s.queue().signedIn().entrySet()) {
                s.roster().technician(e.getKey()).ifPresent(t -> in.add(new SignedIn(t, e.getValue())));
            }
            return new QueueView(now, s.calendar().calendar().isOpen(now), in, s.queue().callers(),
                    s.queue().members(), s.queue().link(), amiEnabled);
        });
    }

    // --- The live view, written by the AMI adapter -------------------------------------------

    /** A caller joined Asterisk's queue at {@code position}. */
    public void callerJoined(String uniqueId, String queue, String number, String name, int position) {
        Instant now = clock.instant();
        tx.run(s -> s.queue().putCaller(new WaitingCaller(uniqueId, queue, number, name, position, now)));
    }

    /** A caller left the queue (answered, abandoned, timed out). Empty if pagerline never saw them join. */
    public Optional<WaitingCaller> callerLeft(String uniqueId) {
        return tx.inTransaction(s -> s.queue().removeCaller(uniqueId));
    }

    public Optional<WaitingCaller> caller(String uniqueId) {
        return tx.inTransaction(s -> s.queue().caller(uniqueId));
    }

    /** Replaces the whole live view with what Asterisk reported (QueueStatus). */
    public void replaceLive(List<WaitingCaller> callers, List<QueueMember> members) {
        tx.run(s -> s.queue().replaceLive(callers, members));
    }

    public void memberState(String memberInterface, String technicianName, String state, boolean paused) {
        Instant now = clock.instant();
        tx.run(s -> s.queue().putMember(new QueueMember(memberInterface, technicianName, state, paused, now)));
    }

    public void memberRemoved(String memberInterface) {
        tx.run(s -> s.queue().removeMember(memberInterface));
    }

    /** The AMI link went up or down. */
    public void link(boolean up) {
        Instant now = clock.instant();
        tx.run(s -> s.queue().saveLink(up ? "up" : "down", now));
    }
}
