package org.pagerline.core.directory;

import java.util.List;

/**
 * A client contact in the directory: who is calling, from which company. Numbers are E.164
 * (normalised where they enter the system); one number belongs to one contact.
 */
public record Client(long id, String company, String contactName, List<String> phones) {
    public Client {
        if (company == null || company.isBlank()) {
            throw new IllegalArgumentException("client has no company");
        }
        if (contactName == null || contactName.isBlank()) {
            throw new IllegalArgumentException("client has no contact name");
        }
        phones = List.copyOf(phones == null ? List.of() : phones);
    }
}
