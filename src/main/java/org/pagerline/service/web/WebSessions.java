package org.pagerline.service.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.pagerline.core.web.WebSession;
import org.pagerline.service.Transactions;

/**
 * Browser sessions for staff and clients, kept in the database (so a restart, or the other node,
 * keeps everyone signed in). The cookie carries a random token; the database only its SHA-256.
 */
public final class WebSessions {
    private final Transactions tx;
    private final Clock clock;
    private final Tokens tokens;
    private final Duration idle;

    /** @param idle a session not used for this long is over */
    public WebSessions(Transactions tx, Clock clock, Tokens tokens, Duration idle) {
        this.tx = tx;
        this.clock = clock;
        this.tokens = tokens;
        this.idle = idle;
    }

    /** A new session: the cookie's token (give it to the browser, keep it nowhere) and the session. */
    public record Started(String token, WebSession session) {}

    public Started start(WebSession.Kind kind, long subjectId) {
        Instant now = clock.instant();
        String token = tokens.next();
        WebSession s = new WebSession(Tokens.hash(token), kind, subjectId, tokens.next(), now, now.plus(idle));
        tx.run(st -> {
            st.web().deleteExpiredSessions(now);
            st.web().saveSession(s);
        });
        return new Started(token, s);
    }

    /** The live session for a cookie's token (its idle expiry moved on), or empty. */
    public Optional<WebSession> find(String token) {
        if (!Tokens.plausible(token)) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        String h = Tokens.hash(token);
        return tx.inTransaction(st -> {
            Optional<WebSession> s = st.web().session(h);
            if (s.isEmpty()) {
                return Optional.<WebSession>empty();
            }
            if (!s.get().expiresAt().isAfter(now)) {
                st.web().deleteSession(h);
                return Optional.<WebSession>empty();
            }
            // written at most once a minute per session: a page of fragments costs no writes
            Instant renewed = now.plus(idle);
            if (renewed.isAfter(s.get().expiresAt().plusSeconds(60))) {
                st.web().touchSession(h, renewed);
            }
            return s;
        });
    }

    /** Whether a cookie's token is still a live session, asked without moving its idle expiry. */
    public boolean live(String token) {
        if (!Tokens.plausible(token)) {
            return false;
        }
        Instant now = clock.instant();
        String h = Tokens.hash(token);
        return tx.inTransaction(st -> st.web().session(h).filter(s -> s.expiresAt().isAfter(now)).isPresent());
    }

    public void end(String token) {
        if (Tokens.plausible(token)) {
            tx.run(st -> st.web().deleteSession(Tokens.hash(token)));
        }
    }
}
