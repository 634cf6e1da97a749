package org.pagerline.config;

/** A setting is missing or wrong. The message names the key and what is wrong with it. */
public final class ConfigException extends RuntimeException {
    private final String key;

    public ConfigException(String key, String problem) {
        super(key + ": " + problem);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
