package org.pagerline.adapter.ami;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.asteriskjava.manager.ResponseEvents;
import org.asteriskjava.manager.action.QueueAddAction;
import org.asteriskjava.manager.action.QueueRemoveAction;
import org.asteriskjava.manager.action.QueueStatusAction;
import org.asteriskjava.manager.event.AgentCalledEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.AgentRingNoAnswerEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.QueueCallerAbandonEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.QueueCallerLeaveEvent;
import org.asteriskjava.manager.event.QueueEntryEvent;
import org.asteriskjava.manager.event.QueueMemberAddedEvent;
import org.asteriskjava.manager.event.QueueMemberEvent;
import org.asteriskjava.manager.event.QueueMemberRemovedEvent;
import org.asteriskjava.manager.event.QueueMemberStatusEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.pagerline.config.AmiConfig;
import org.pagerline.core.queue.QueueMember;
import org.pagerline.core.queue.WaitingCaller;
import org.pagerline.core.roster.Technician;
import org.pagerline.service.CallEvents;
import org.pagerline.service.Metrics;
import org.pagerline.service.OneAtATime;
import org.pagerline.service.WebhookLedger;
import org.pagerline.service.QueueService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Asterisk's help-desk queue in step with pagerline, and tells pagerline what happens in it.
 *
 * <ul>
 * <li>Members: exactly the technicians {@link QueueService#wantedMembers()} names (signed in, desk
 *     open). Reconciled at connect and every {@code ami.reconcile-interval}: QueueStatus reads the
 *     members, QueueAdd/QueueRemove fix the difference. Static members (queues.conf) are left alone.
 * <li>Events: caller joined / answered / abandoned / left go to {@link CallEvents} for the ticket,
 *     and into the live view {@code pagerline queue show} prints.
 * </ul>
 * Every method runs on the session's ami-worker thread.
 */
public final class AmiQueue implements AmiSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(AmiQueue.class);

    private final AmiSession session;
    private final AmiConfig config;
    private final QueueService queue;
    private final CallEvents calls;
    private final Clock clock;
    private final Metrics metrics;
    private final OneAtATime alone;
    /** Null with one node. */
    private final WebhookLedger events;
    /** Member interface to technician name, from the last reconcile. */
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Callers whose answer or abandon was told; their QueueCallerLeave says nothing more. */
    private final Set<String> concluded = new HashSet<>();
    /**
     * Callers whose QueueCallerLeave came before any answer or abandon: Asterisk 22 sends
     * QueueCallerLeave before AgentConnect (app_queue leaves the queue, runs the member's gosub,
     * then publishes AgentConnect), and QueueCallerAbandon before QueueCallerLeave. So a leave is
     * told as "left unanswered" only once {@link #LEAVE_GRACE} has passed with neither; position
     * and wait are those at the leave.
     */
    private final Map<String, Leaving> leaving = new LinkedHashMap<>();
    /** How long a leave waits for the answer that may follow it before it counts as unanswered. */
    static final Duration LEAVE_GRACE = Duration.ofSeconds(10);
    /** How often leaves past their grace are told. */
    static final Duration LEAVE_SWEEP = Duration.ofSeconds(1);

    private record Leaving(Integer position, long heldSeconds, Instant at) {}

    public AmiQueue(AmiSession session, AmiConfig config, QueueService queue, CallEvents calls, Clock clock) {
        this(session, config, queue, calls, clock, Metrics.NONE, Nodes.SINGLE);
    }

    /**
     * What several pagerline nodes connected to one Asterisk share.
     *
     * @param members lets one node at a time change the queue members
     * @param events  every node receives every AMI event: the first node to claim a caller's event
     *                ("ami-queue:" + unique id + ":" + kind) writes it on the ticket and counts it
     */
    public record Nodes(OneAtATime members, WebhookLedger events) {
        /** One node: nothing to share. */
        public static final Nodes SINGLE = new Nodes(OneAtATime.ALONE, null);
    }

    /** @param metrics counts each caller's wait in the queue, answered or abandoned */
    public AmiQueue(AmiSession session, AmiConfig config, QueueService queue, CallEvents calls, Clock clock,
            Metrics metrics, Nodes nodes) {
        this.metrics = metrics;
        this.alone = nodes.members();
        this.events = nodes.events();
        this.session = session;
        this.config = config;
        this.queue = queue;
        this.calls = calls;
        this.clock = clock;
    }

    /** Registers with the session and reconciles every {@code ami.reconcile-interval}. */
    public void start() {
        session.addListener(this);
        session.every(config.reconcileInterval(), this::reconcile);
        session.every(LEAVE_SWEEP, this::concludeLeaves);
    }

    /**
     * Tells the leaves whose grace has passed with no answer or abandon as "left the queue
     * unanswered". Runs on the ami-worker.
     */
    void concludeLeaves() {
        Instant now = clock.instant();
        var it = leaving.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Leaving> e = it.next();
            Leaving l = e.getValue();
            if (!l.at().plus(LEAVE_GRACE).isAfter(now)) {
                it.remove();
                if (tell(e.getKey(), "QUEUE_LEFT", "left the queue unanswered at position " + l.position()
                        + " after " + span(l.heldSeconds()))) {
                    metrics.queueWait(Duration.ofSeconds(l.heldSeconds()), false);
                }
            }
        }
    }

    /**
     * The caller's answer or abandon is being told: a leave held for it is settled (and returned),
     * else their leave to come says nothing more.
     */
    private Optional<Leaving> conclude(String uniqueId) {
        Leaving l = leaving.remove(uniqueId);
        if (l == null) {
            concluded.add(uniqueId);
        }
        return Optional.ofNullable(l);
    }

    /** Asks for a reconcile soon (on the worker thread). */
    public void reconcileSoon() {
        session.submit(this::reconcile);
    }

    @Override
    public void onConnected() {
        queue.link(true);
        reconcile();
    }

    @Override
    public void onDisconnected() {
        queue.link(false);
    }

    /**
     * Makes Asterisk's members the wanted set; refreshes the live view. Quietly skips while AMI is
     * down, and while another node is reconciling the same queue (its result is the same).
     */
    void reconcile() {
        if (!session.isUp()) {
            return;
        }
        try {
            if (!alone.tryRun("ami-queue-members:" + config.queue(), this::reconcileNow)) {
                log.debug("queue {}: another node is reconciling the members now", config.queue());
            }
        } catch (RuntimeException e) {
            log.warn("queue {}: reconcile failed: {}", config.queue(), e.getMessage());
        }
    }

    private void reconcileNow() {
        try {
            Map<String, String> wanted = new LinkedHashMap<>();
            for (Technician t : queue.wantedMembers()) {
                wanted.put(config.memberInterface(t.phone()), t.name());
            }
            names.putAll(wanted);
            Status status = status();
            boolean changed = false;
            for (Map.Entry<String, String> w : wanted.entrySet()) {
                if (!status.members.containsKey(w.getKey())) {
                    QueueAddAction add = new QueueAddAction(config.queue(), w.getKey());
                    add.setMemberName(w.getValue());
                    changed |= ok(session.send(add), "add " + w.getValue() + " (" + w.getKey() + ")");
                }
            }
            for (QueueMemberEvent m : status.members.values()) {
                String iface = iface(m);
                if (!wanted.containsKey(iface)) {
                    if (m.isStatic()) {
                        log.info("queue {}: member {} is static (queues.conf); pagerline leaves it", config.queue(), iface);
                        continue;
                    }
                    changed |= ok(session.send(new QueueRemoveAction(config.queue(), iface)), "remove " + iface);
                }
            }
            if (changed) {
                status = status();
            }
            queue.replaceLive(status.callers, status.liveMembers(names, clock.instant()));
        } catch (AmiException e) {
            log.warn("queue {}: reconcile failed: {}", config.queue(), e.getMessage());
        }
    }

    private boolean ok(ManagerResponse r, String what) {
        boolean success = r != null && "Success".equalsIgnoreCase(r.getResponse());
        if (success) {
            log.info("queue {}: {}", config.queue(), what);
        } else {
            log.warn("queue {}: could not {}: {}", config.queue(), what, r == null ? "no response" : r.getMessage());
        }
        return success;
    }

    private record Status(Map<String, QueueMemberEvent> members, List<WaitingCaller> callers) {
        List<QueueMember> liveMembers(Map<String, String> names, Instant now) {
            List<QueueMember> out = new ArrayList<>();
            for (QueueMemberEvent m : members.values()) {
                String iface = iface(m);
                out.add(new QueueMember(iface, Optional.ofNullable(names.get(iface)).orElse(null),
                        QueueMember.deviceState(m.getStatus()), Boolean.TRUE.equals(m.getPaused()), now));
            }
            return out;
        }
    }

    private Status status() throws AmiException {
        QueueStatusAction a = new QueueStatusAction();
        a.setQueue(config.queue());
        ResponseEvents r = session.sendForEvents(a);
        Map<String, QueueMemberEvent> members = new LinkedHashMap<>();
        List<WaitingCaller> callers = new ArrayList<>();
        Instant now = clock.instant();
        for (ResponseEvent e : r.getEvents()) {
            if (e instanceof QueueMemberEvent m && config.queue().equals(m.getQueue())) {
                members.put(iface(m), m);
            } else if (e instanceof QueueEntryEvent q && config.queue().equals(q.getQueue())) {
                long wait = q.getWait() == null ? 0 : q.getWait();
                callers.add(new WaitingCaller(q.getUniqueId(), q.getQueue(), q.getCallerIdNum(), q.getCallerIdName(),
                        q.getPosition() == null ? 0 : q.getPosition(), now.minusSeconds(wait)));
            }
        }
        return new Status(members, callers);
    }

    private static String iface(QueueMemberEvent m) {
        return m.getInterface() != null ? m.getInterface() : m.getLocation();
    }

    @Override
    public void onEvent(ManagerEvent e) {
        if (!leaving.isEmpty()) {
            concludeLeaves();
        }
        if (e instanceof QueueCallerJoinEvent j && mine(j.getQueue())) {
            int pos = j.getPosition() == null ? 0 : j.getPosition();
            queue.callerJoined(j.getUniqueId(), j.getQueue(), j.getCallerIdNum(), j.getCallerIdName(), pos);
            tell(j.getUniqueId(), "QUEUE_JOINED", "joined the queue at position " + pos
                    + (j.getCount() == null ? "" : " of " + j.getCount()));
        } else if (e instanceof QueueCallerAbandonEvent a && mine(a.getQueue())) {
            Optional<Leaving> left = conclude(a.getUniqueId());
            String from = a.getOriginalPosition() != null && !a.getOriginalPosition().equals(a.getPosition())
                    ? " (joined at position " + a.getOriginalPosition() + ")" : "";
            long held = a.getHoldTime() != null ? a.getHoldTime()
                    : left.map(Leaving::heldSeconds).orElseGet(() -> waited(a.getUniqueId()));
            // Asterisk 22's app_queue reports every caller who leaves unanswered as abandoned: one who
            // hangs up, and one still on the line at the wait limit (TIMEOUT) or put out of an emptied
            // queue (LEAVEEMPTY), both seen on the real Asterisk. Which it was is the call's to say (its
            // HUNG_UP line, or the support line's QUEUE_LEFT with the status): this line says where and how long.
            if (tell(a.getUniqueId(), "QUEUE_LEFT", "left the queue unanswered at position " + a.getPosition()
                    + " after " + span(held) + from)) {
                metrics.queueWait(Duration.ofSeconds(held), false);
            }
        } else if (e instanceof AgentCalledEvent c && mine(c.getQueue())) {
            String iface = c.getInterface() != null ? c.getInterface() : c.getAgentCalled();
            if (iface != null) {
                queue.memberState(iface, name(iface, c.getMemberName()), "RINGING", false);
            }
        } else if (e instanceof AgentRingNoAnswerEvent r && mine(r.getQueue())) {
            // the member's phone rang out, or answered without the technician's 1 (their own voicemail:
            // the dialplan's [pagerline-member-accept] let it go): the caller keeps their place. One
            // line per ring (its member channel), however many nodes hear it.
            String iface = r.getInterface();
            String rang = r.getRingtime() == null ? "" : " (rang " + span(r.getRingtime() / 1000) + ")";
            tell(r.getUniqueId(), "QUEUE_NOT_TAKEN", name(iface, r.getMemberName()) + " did not take the call" + rang,
                    r.getDestUniqueId());
        } else if (e instanceof AgentConnectEvent c && mine(c.getQueue())) {
            Optional<Leaving> left = conclude(c.getUniqueId());
            String who = name(c.getInterface(), c.getMemberName());
            long held = c.getHoldTime() != null ? c.getHoldTime()
                    : left.map(Leaving::heldSeconds).orElseGet(() -> waited(c.getUniqueId()));
            if (c.getInterface() != null) {
                queue.memberState(c.getInterface(), who, "IN_USE", false);
            }
            if (tell(c.getUniqueId(), "QUEUE_ANSWERED", "answered by " + who + " after " + span(held) + " in the queue")) {
                metrics.queueWait(Duration.ofSeconds(held), true);
            }
        } else if (e instanceof QueueCallerLeaveEvent l && mine(l.getQueue())) {
            Optional<WaitingCaller> was = queue.callerLeft(l.getUniqueId());
            if (!concluded.remove(l.getUniqueId())) {
                long held = was.map(w -> Duration.between(w.since(), clock.instant()).toSeconds()).orElse(0L);
                leaving.put(l.getUniqueId(), new Leaving(l.getPosition(), held, clock.instant()));
            }
        } else if (e instanceof QueueMemberStatusEvent s && mine(s.getQueue())) {
            queue.memberState(iface(s), name(iface(s), s.getMemberName()), QueueMember.deviceState(s.getStatus()),
                    Boolean.TRUE.equals(s.getPaused()));
        } else if (e instanceof QueueMemberAddedEvent a && mine(a.getQueue())) {
            queue.memberState(a.getInterface(), name(a.getInterface(), a.getMemberName()),
                    QueueMember.deviceState(a.getStatus()), Boolean.TRUE.equals(a.getPaused()));
        } else if (e instanceof QueueMemberRemovedEvent r && mine(r.getQueue())) {
            queue.memberRemoved(r.getInterface());
        }
    }

    private boolean mine(String q) {
        return config.queue().equals(q);
    }

    /** Writes the event on the caller's ticket; false when another node has it (several nodes, one Asterisk). */
    private boolean tell(String uniqueId, String kind, String detail) {
        return tell(uniqueId, kind, detail, null);
    }

    /** As above, for an event a caller can have more than once: {@code which} tells them apart. */
    private boolean tell(String uniqueId, String kind, String detail, String which) {
        String key = "ami-queue:" + uniqueId + ":" + kind + (which == null ? "" : ":" + which);
        try {
            if (events != null && uniqueId != null && events.claim(key).isPresent()) {
                log.debug("queue event {} for call {}: another node has it", kind, uniqueId);
                return false;
            }
            calls.onQueueEvent(uniqueId, kind, detail);
            return true;
        } catch (RuntimeException ex) {
            log.error("queue event {} for call {} not recorded: {}", kind, uniqueId, ex.getMessage(), ex);
            return false;
        }
    }

    private long waited(String uniqueId) {
        return queue.caller(uniqueId).map(w -> Duration.between(w.since(), clock.instant()).toSeconds()).orElse(0L);
    }

    /** The technician's name for a member interface; Asterisk's MemberName, else the interface itself. */
    private String name(String iface, String memberName) {
        String n = iface == null ? null : names.get(iface);
        if (n != null) {
            return n;
        }
        return memberName != null && !memberName.isBlank() ? memberName : String.valueOf(iface);
    }

    static String span(long seconds) {
        long s = Math.max(0, seconds);
        return s >= 60 ? s / 60 + "m" + String.format("%02d", s % 60) + "s" : s + "s";
    }
}
