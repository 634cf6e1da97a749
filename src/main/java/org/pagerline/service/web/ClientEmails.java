package org.pagerline.service.web;

import java.util.Optional;
import org.pagerline.service.NotFoundException;
import org.pagerline.service.Transactions;
import org.pagerline.service.ValidationException;

/**
 * The email address of each client contact ({@code pagerline client email ID ADDRESS}): the
 * portal signs a contact in by it (and mail intake can know a sender by it).
 */
public final class ClientEmails {
    private final Transactions tx;

    public ClientEmails(Transactions tx) {
        this.tx = tx;
    }

    /**
     * Sets the contact's address (one contact, one address); blank clears it. A changed address ends
     * the contact's portal sessions and expires the sign-in links mailed to the old one.
     */
    public String set(String clientId, String email) {
        long id;
        try {
            id = Long.parseLong(clientId == null ? "" : clientId.trim());
        } catch (NumberFormatException e) {
            throw new ValidationException("client id '" + clientId + "' is not a number (see pagerline client list)");
        }
        String e = email == null || email.isBlank() ? null : PortalDesk.normalEmail(email);
        tx.run(s -> {
            s.clients().find(id).orElseThrow(() -> new NotFoundException("no client with id " + id));
            if (e != null) {
                Optional<Long> owner = s.web().clientByEmail(e);
                if (owner.isPresent() && owner.get() != id) {
                    throw new ValidationException("email " + e + " already belongs to client " + owner.get());
                }
            }
            if (!java.util.Objects.equals(s.web().clientEmail(id).orElse(null), e)) {
                // the old address no longer speaks for the contact: its sessions end, its unused links expire
                s.web().deleteSessions(org.pagerline.core.web.WebSession.Kind.CLIENT, id);
                s.web().expireLinks(id);
            }
            s.web().setClientEmail(id, e);
        });
        return e;
    }

    public Optional<String> of(long clientId) {
        return tx.inTransaction(s -> s.web().clientEmail(clientId));
    }
}
