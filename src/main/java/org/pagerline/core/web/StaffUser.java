package org.pagerline.core.web;

import java.time.Instant;

/**
 * A staff account for the console. {@code name} is also how the account is matched to a
 * technician of the roster (same name, ignoring case) when its holder acknowledges or takes work.
 *
 * @param passwordHash an Argon2id PHC string ({@code $argon2id$v=19$m=...,t=...,p=...$salt$hash}); never shown
 */
public record StaffUser(long id, String name, StaffRole role, String passwordHash, Instant createdAt) {
    @Override
    public String toString() {
        return "StaffUser[id=" + id + ", name=" + name + ", role=" + role + "]";
    }
}
