package org.pagerline.core.page;

/** What a page asks of its reader. */
public enum PageKind {
    /** Asks for an acknowledgement (carries the reply code); cancelled once someone acknowledges. */
    PAGE,
    /** Tells something (who took it, late call-back, service level): never cancelled, needs no reply. */
    NOTICE
}
