package org.pagerline.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.pagerline.core.directory.Client;
import org.pagerline.core.text.TextField;

/** The client directory: who calls the support line. Every change is one transaction. */
public final class ClientService {
    private final Transactions tx;
    private final PhoneNumbers phones;
    private final Clock clock;

    public ClientService(Transactions tx, PhoneNumbers phones, Clock clock) {
        this.tx = tx;
        this.phones = phones;
        this.clock = clock;
    }

    /** What an admin types to add a contact; validated by {@link #add}. */
    public record NewClient(String company, String contactName, List<String> phones) {}

    /**
     * Adds a contact. Refuses a missing company or name, a number that is not E.164, the same
     * number twice, a number that already belongs to another contact, and a contact that exists.
     */
    public Client add(NewClient n) {
        String company = RosterService.text(TextField.COMPANY, n.company());
        String name = RosterService.text(TextField.CONTACT_NAME, n.contactName());
        if (company == null) {
            throw new ValidationException("company is missing");
        }
        if (name == null) {
            throw new ValidationException("contact name is missing");
        }
        if (n.phones() == null || n.phones().isEmpty()) {
            throw new ValidationException("at least one phone number is needed (caller ID is matched against it)");
        }
        Set<String> numbers = new LinkedHashSet<>();
        for (String raw : n.phones()) {
            String e164 = phones.requireE164(raw, "phone");
            if (!numbers.add(e164)) {
                throw new ValidationException("phone " + e164 + " is given twice");
            }
        }
        return tx.inTransaction(s -> {
            for (String p : numbers) {
                Optional<Client> owner = s.clients().findByPhone(p);
                if (owner.isPresent()) {
                    throw new ValidationException("phone " + p + " already belongs to " + owner.get().contactName()
                            + " (" + owner.get().company() + ", client " + owner.get().id() + ")");
                }
            }
            for (Client c : s.clients().list()) {
                if (c.company().toLowerCase(Locale.ROOT).equals(company.toLowerCase(Locale.ROOT))
                        && c.contactName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
                    throw new ValidationException(name + " of " + company + " is already client " + c.id());
                }
            }
            return s.clients().insert(new Client(0, company, name, new ArrayList<>(numbers)), clock.instant());
        });
    }

    public List<Client> list() {
        return tx.inTransaction(s -> s.clients().list());
    }

    /**
     * Removes a contact by id; their past tickets keep the name and company they were opened with.
     * Their portal sessions and sign-in links go with them.
     */
    public Client remove(String idText) {
        long id;
        try {
            id = Long.parseLong(idText == null ? "" : idText.trim());
        } catch (NumberFormatException e) {
            throw new ValidationException("client id '" + idText + "' is not a number (see pagerline client list)");
        }
        return tx.inTransaction(s -> {
            Client c = s.clients().find(id).orElseThrow(() -> new NotFoundException("no client with id " + id));
            s.clients().delete(id);
            // a removed contact's portal sessions go with them (their links go by the foreign key)
            s.web().deleteSessions(org.pagerline.core.web.WebSession.Kind.CLIENT, id);
            return c;
        });
    }

    /** The contact a caller ID belongs to (read leniently, as the network gives it). */
    public Optional<Client> identify(String callerId) {
        return phones.toE164(callerId).flatMap(n -> tx.inTransaction(s -> s.clients().findByPhone(n)));
    }
}
