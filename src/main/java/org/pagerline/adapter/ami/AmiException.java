package org.pagerline.adapter.ami;

/** An AMI action could not be done: the link is down, Asterisk timed out, or refused. */
public final class AmiException extends Exception {
    public AmiException(String message, Throwable cause) {
        super(message, cause);
    }
}
