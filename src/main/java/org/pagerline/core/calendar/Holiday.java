package org.pagerline.core.calendar;

import java.time.LocalDate;

/** A date on which the desk is closed all day (in the desk's zone). */
public record Holiday(LocalDate date, String name) {

    public Holiday {
        if (date == null) {
            throw new IllegalArgumentException("holiday '" + name + "' has no date");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("holiday on " + date + " has no name");
        }
    }
}
