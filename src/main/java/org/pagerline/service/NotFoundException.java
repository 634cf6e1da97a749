package org.pagerline.service;

/** A user named something that does not exist (an unknown technician, ticket, override ...). */
public final class NotFoundException extends ValidationException {
    public NotFoundException(String message) {
        super(message);
    }
}
