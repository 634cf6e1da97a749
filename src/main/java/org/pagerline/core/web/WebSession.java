package org.pagerline.core.web;

import java.time.Instant;

/**
 * A signed-in browser. Only a hash of the cookie's value is kept, so a copy of the database
 * does not sign anyone in.
 *
 * @param kind STAFF (subjectId is a staff_users id) or CLIENT (subjectId is a clients id)
 * @param csrf the token every form and htmx request of this session must carry
 * @param expiresAt idle expiry: moved on by each request ({@link WebStore#touchSession})
 */
public record WebSession(String tokenHash, Kind kind, long subjectId, String csrf, Instant createdAt, Instant expiresAt) {
    public enum Kind { STAFF, CLIENT }
}
