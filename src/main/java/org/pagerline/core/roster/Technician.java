package org.pagerline.core.roster;

import java.time.ZoneId;

/**
 * A person who can be paged. Phone numbers are already-normalised E.164 strings
 * (syntax is checked where they enter the system, not here).
 *
 * @param smsPhone number for text messages, or null to text {@code phone}
 * @param email    may be null
 * @param zone     the technician's own time zone, for friendly times in messages
 */
public record Technician(long id, String name, String phone, String smsPhone, String email, ZoneId zone) {

    public Technician {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("technician " + id + " has a blank name");
        }
        if (phone == null || phone.isBlank()) {
            throw new IllegalArgumentException("technician '" + name + "' has no phone number");
        }
        if (zone == null) {
            throw new IllegalArgumentException("technician '" + name + "' has no time zone");
        }
    }

    /** The number to text: {@code smsPhone} if set, else {@code phone}. */
    public String textPhone() {
        return smsPhone != null && !smsPhone.isBlank() ? smsPhone : phone;
    }
}
