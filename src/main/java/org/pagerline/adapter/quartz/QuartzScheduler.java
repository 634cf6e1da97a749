package org.pagerline.adapter.quartz;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;
import java.util.UUID;
import javax.sql.DataSource;
import org.quartz.utils.DBConnectionManager;
import org.pagerline.config.SchedulerConfig;
import org.pagerline.service.WakeUps;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.ObjectAlreadyExistsException;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Quartz with its persistent JDBC job store in pagerline's own database. It holds no business
 * state: each trigger only wakes the engine's idempotent pass ({@link DuePassJob}), at a due
 * instant or on the periodic sweep. On PostgreSQL it runs clustered (every node one member), on
 * H2 alone (H2 is single-node). Triggers survive a restart; a trigger whose instant passed
 * while the server was down fires at once (misfire: fire now).
 */
public final class QuartzScheduler implements WakeUps, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QuartzScheduler.class);
    static final JobKey PASS_JOB = JobKey.jobKey("engine-pass", "pagerline");
    private static final TriggerKey SWEEP = TriggerKey.triggerKey("sweep", "pagerline");
    /** Held while a scheduler is made and taken out of Quartz's registry (see the constructor). */
    private static final Object REGISTRY = new Object();
    private final Scheduler scheduler;
    private final SchedulerConfig config;

    /**
     * @param dataSource pagerline's own pool: Quartz shares it (registered under a name unique to
     *                   this scheduler), so its connections are warm from the start and a stop
     *                   never finds Quartz waiting for a fresh connection
     */
    public QuartzScheduler(DataSource dataSource, boolean postgres, SchedulerConfig config, Runnable duePass) {
        this.config = config;
        String name = "pagerline-" + UUID.randomUUID();
        DBConnectionManager.getInstance().addConnectionProvider(name, new SharedPool(dataSource));
        try {
            StdSchedulerFactory factory = new StdSchedulerFactory(properties(name, postgres, config));
            // Quartz keeps its schedulers by name in one JVM-wide registry, and hands a scheduler of
            // that name to whoever asks next: every pagerline scheduler has the same name (the
            // store's SCHED_NAME), so a second server in this JVM (the real-Asterisk suite runs one
            // per lab) was given this one, on this one's database. Nothing else looks us up there.
            // Made and taken out under one lock: two made at once would meet in the registry.
            synchronized (REGISTRY) {
                scheduler = factory.getScheduler();
                SchedulerRepository.getInstance().remove(scheduler.getSchedulerName());
            }
            scheduler.setJobFactory((bundle, s) -> new DuePassJob(duePass));
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot create the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    static Properties properties(String dataSourceName, boolean postgres, SchedulerConfig config) {
        Properties p = new Properties();
        // The instance name is SCHED_NAME in the job store tables: it must stay the same across
        // restarts, or the new scheduler would not see the triggers the old one stored.
        p.setProperty("org.quartz.scheduler.instanceName", "pagerline");
        p.setProperty("org.quartz.scheduler.instanceId", "pagerline");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(config.threads()));
        // Quartz holds a trigger it has acquired until the trigger is due, if it is due within the
        // idle wait (default 30 s). Stopping interrupts that wait, and releasing the trigger then
        // fails noisily. A short idle wait means a stop rarely finds a trigger held.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // A trigger later than this counts as misfired (then: fire now). The misfire handler also
        // polls the store at this interval, so it is kept at Quartz's default rather than seconds.
        p.setProperty("org.quartz.jobStore.misfireThreshold", "60000");
        if (postgres) {
            // Two or more nodes on one PostgreSQL: one Quartz cluster. Each trigger fires on one node;
            // a node that stops checking in (killed) has its triggers recovered by another after
            // about the check-in interval. Node clocks must agree (NTP): Quartz compares check-in times.
            p.setProperty("org.quartz.jobStore.isClustered", "true");
            p.setProperty("org.quartz.scheduler.instanceId", "AUTO");
            p.setProperty("org.quartz.jobStore.clusterCheckinInterval", "5000");
            p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        }
        return p;
    }

    public void start() {
        try {
            JobDetail job = JobBuilder.newJob(DuePassJob.class).withIdentity(PASS_JOB).storeDurably().build();
            scheduler.addJob(job, true);
            Trigger sweep = TriggerBuilder.newTrigger().withIdentity(SWEEP).forJob(PASS_JOB)
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule()
                            .withIntervalInMilliseconds(config.sweepInterval().toMillis()).repeatForever()
                            .withMisfireHandlingInstructionNextWithRemainingCount())
                    .build();
            // Scheduled, or (a restart, or another node starting at the same moment on PostgreSQL)
            // replaced: checking first and then scheduling raced between two nodes, and the slower
            // one refused to start ("one already exists with this identification").
            try {
                scheduler.scheduleJob(sweep);
            } catch (ObjectAlreadyExistsException there) {
                scheduler.rescheduleJob(SWEEP, sweep);
            }
            scheduler.start();
            log.info("scheduler started (sweep every {})", config.sweepInterval());
        } catch (SchedulerException e) {
            throw new IllegalStateException("cannot start the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    /** Wakes the engine at {@code due}. Idempotent: one trigger per due instant. */
    @Override
    public void wakeAt(Instant due) {
        TriggerKey key = TriggerKey.triggerKey("due-" + due.toEpochMilli(), "pagerline");
        try {
            if (scheduler.checkExists(key)) {
                return;
            }
            scheduler.scheduleJob(TriggerBuilder.newTrigger().withIdentity(key).forJob(PASS_JOB)
                    .startAt(Date.from(due))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                    .build());
        } catch (ObjectAlreadyExistsException raced) {
            // another thread scheduled the same instant: that is the point
        } catch (SchedulerException e) {
            // the periodic sweep still catches the work; say so and go on
            log.warn("could not schedule a wake-up at {}; the sweep will catch it: {}", due, e.getMessage());
        }
    }

    /** Number of one-shot wake-ups waiting (for tests and metrics). */
    public int pendingWakeUps() {
        try {
            return (int) scheduler.getTriggerKeys(org.quartz.impl.matchers.GroupMatcher.triggerGroupEquals("pagerline"))
                    .stream().filter(k -> k.getName().startsWith("due-")).count();
        } catch (SchedulerException e) {
            return -1;
        }
    }

    public boolean isUp() {
        try {
            return scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
        } catch (SchedulerException e) {
            return false;
        }
    }

    public Duration sweepInterval() {
        return config.sweepInterval();
    }

    @Override
    public void close() {
        try {
            if (scheduler.isShutdown()) {
                return; // closed before
            }
            // Standby first: the scheduler thread releases any trigger it holds without being
            // interrupted; shutdown then finds it idle.
            scheduler.standby();
            scheduler.shutdown(true);
        } catch (SchedulerException e) {
            log.warn("scheduler did not stop cleanly: {}", e.getMessage());
        }
    }
}
