package org.pagerline.adapter.mail;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.pagerline.config.MailConfig;
import org.pagerline.core.mail.InboundMail;
import org.pagerline.service.Transactions;
import org.pagerline.service.intake.EmailIntake;
import org.pagerline.service.intake.MailOutbox;

/** Builds the server's mail runner for tests, with the reader's before-commit hook. */
public final class MailTestAccess {
    private MailTestAccess() {}

    public static MailRunner runner(MailConfig config, EmailIntake intake, Transactions tx, Consumer<InboundMail> beforeCommit) {
        return runner(config, intake, tx, beforeCommit, n -> {});
    }

    public static MailRunner runner(MailConfig config, EmailIntake intake, Transactions tx, Consumer<InboundMail> beforeCommit,
            java.util.function.LongConsumer fetchToCommit) {
        SmtpSender smtp = new SmtpSender(config);
        MailOutbox outbox = new MailOutbox(tx, smtp, Clock.systemUTC());
        AtomicReference<MailRunner> runner = new AtomicReference<>();
        ImapInbox inbox = new ImapInbox(config, intake, new MimeReader(config.attachmentMaxBytes()), Clock.systemUTC(),
                () -> runner.get().kick(), beforeCommit, fetchToCommit);
        runner.set(new MailRunner(inbox, smtp, intake, outbox, config.pollInterval()));
        intake.onQueued(runner.get()::kick);
        return runner.get().start();
    }

    public static boolean up(AutoCloseable runner) {
        return ((MailRunner) runner).isUp();
    }
}
