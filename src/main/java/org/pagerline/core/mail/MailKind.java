package org.pagerline.core.mail;

import java.util.Locale;

/**
 * What kind of sender wrote a message, for loop protection (RFC 3834). Only {@link #PERSON}
 * mail is ever answered; the others are kept and, when they belong to a ticket, recorded there.
 */
public enum MailKind {
    /** A person: may be answered (within the per-sender cap). */
    PERSON,
    /** An auto-reply (Auto-Submitted other than "no", vacation marks): never answered. */
    AUTOMATIC,
    /** A bounce: null return path, mailer-daemon/postmaster, or a delivery status report. */
    BOUNCE,
    /** Bulk or list mail (Precedence bulk/junk/list, List-Id): never answered. */
    BULK,
    /** Sent from the desk's own address: never answered (a loop with ourselves). */
    OWN;

    /** Decides the kind from the headers; bounces first, since a bounce may carry the other marks too. */
    public static MailKind of(InboundMail m, String ownAddress) {
        String local = m.from().contains("@") ? m.from().substring(0, m.from().indexOf('@')) : m.from();
        if ("".equals(m.returnPath()) || m.deliveryReport() || local.equals("mailer-daemon") || local.equals("postmaster")
                || m.from().isEmpty()) {
            return BOUNCE;
        }
        if (ownAddress != null && m.from().equalsIgnoreCase(ownAddress)) {
            return OWN;
        }
        String auto = m.autoSubmitted() == null ? null : m.autoSubmitted().trim().toLowerCase(Locale.ROOT);
        if ((auto != null && !auto.isEmpty() && !auto.startsWith("no")) || m.otherAutoMark() != null) {
            return AUTOMATIC;
        }
        String prec = m.precedence() == null ? "" : m.precedence().trim().toLowerCase(Locale.ROOT);
        if (prec.equals("bulk") || prec.equals("junk") || prec.equals("list") || m.listId() != null) {
            return BULK;
        }
        return PERSON;
    }
}
