package org.pagerline.core.directory;

import java.util.List;
import java.util.Optional;

/** Port: the client directory. Implementations run inside a transaction. */
public interface ClientStore {

    /** Inserts the client and its numbers (the id is ignored); returns it with its id. */
    Client insert(Client client, java.time.Instant at);

    Optional<Client> find(long id);

    /** The contact a number (E.164) belongs to. */
    Optional<Client> findByPhone(String e164);

    /** By company, then contact name. */
    List<Client> list();

    boolean delete(long id);
}
