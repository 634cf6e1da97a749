package org.pagerline.adapter.quartz;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one Quartz job: run the engine's due pass. Passes never overlap; a failing pass is logged
 * and the next trigger (or the sweep) tries again, since the pass is idempotent.
 */
@DisallowConcurrentExecution
final class DuePassJob implements Job {
    private static final Logger log = LoggerFactory.getLogger(DuePassJob.class);
    private final Runnable pass;

    DuePassJob(Runnable pass) {
        this.pass = pass;
    }

    @Override
    public void execute(JobExecutionContext context) {
        try {
            pass.run();
        } catch (RuntimeException e) {
            log.error("engine pass failed; the next wake-up or sweep retries", e);
        }
    }
}
