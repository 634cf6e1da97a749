package org.pagerline.service;

/** Bad input from a user: the message says what is wrong. Nothing was changed. */
public class ValidationException extends IllegalArgumentException {
    public ValidationException(String message) {
        super(message);
    }
}
