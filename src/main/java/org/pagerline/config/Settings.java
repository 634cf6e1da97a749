package org.pagerline.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Raw key/value settings: the properties file, overridden by environment variables
 * ({@code db.url} is overridden by {@code PAGERLINE_DB_URL}). Typed readers name the key in
 * every error. Keys marked secret are read from the environment only, so a secret never sits
 * in a file that is copied around, and never appears in {@link #toString()}.
 *
 * <p>Every key a typed config reads is remembered, so {@link #rejectUnknownKeys()} can turn a
 * typo in the file into an error instead of a silently ignored line.
 */
public final class Settings {
    private final Map<String, String> file;
    private final Map<String, String> env;
    private final Set<String> read = ConcurrentHashMap.newKeySet();

    public Settings(Map<String, String> file, Map<String, String> env) {
        this.file = Map.copyOf(file);
        this.env = Map.copyOf(env);
    }

    /** Loads the file if it exists (no file means all defaults) and layers the environment on top. */
    public static Settings load(Path file, Map<String, String> env) {
        Map<String, String> values = new HashMap<>();
        if (file != null && Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(file)) {
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
            for (String k : p.stringPropertyNames()) {
                values.put(k.trim(), p.getProperty(k).trim());
            }
        }
        return new Settings(values, env);
    }

    public static Settings ofMap(Map<String, String> values) {
        return new Settings(values, Map.of());
    }

    /** PAGERLINE_ + the key upper-cased with '.' and '-' turned into '_'. */
    public static String envName(String key) {
        // concat, not +: the command line's fast path (AdminClient) stays clear of the invokedynamic bootstrap
        return "PAGERLINE_".concat(key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }

    public Optional<String> raw(String key) {
        read.add(key);
        String v = env.get(envName(key));
        if (v == null) {
            v = file.get(key);
        }
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(v.trim());
    }

    /** A secret: environment only. A secret written in the file is refused, naming the key. */
    public Optional<String> secret(String key) {
        read.add(key);
        if (file.containsKey(key) && !file.get(key).isBlank()) {
            throw new ConfigException(key, "is a secret and must come from the environment variable "
                    + envName(key) + ", not the properties file");
        }
        String v = env.get(envName(key));
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }

    public String string(String key, String dflt) {
        return raw(key).orElse(dflt);
    }

    public int integer(String key, int dflt, int min, int max) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return dflt;
        }
        int n;
        try {
            n = Integer.parseInt(v.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v.get() + "' is not a whole number");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, n + " is out of range (" + min + " to " + max + ")");
        }
        return n;
    }

    public int port(String key, int dflt) {
        return integer(key, dflt, 0, 65535);
    }

    public boolean bool(String key, boolean dflt) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return dflt;
        }
        return switch (v.get().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(key, "'" + v.get() + "' is not true or false");
        };
    }

    /** Durations as ISO-8601 (PT30M) or a number with a unit: 500ms, 30s, 5m, 2h, 1d. */
    public Duration duration(String key, Duration dflt) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return parseDuration(v.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** As {@link #duration(String, Duration)}, refused naming the key unless within {@code min} to {@code max}. */
    public Duration duration(String key, Duration dflt, Duration min, Duration max) {
        Duration d = duration(key, dflt);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new ConfigException(key, shown(d) + " is out of range (" + shown(min) + " to " + shown(max) + ")");
        }
        return d;
    }

    /** A duration as a setting would give it: 10m, 2s, 1h, 500ms. */
    static String shown(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms != 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    public ZoneId zone(String key, String dflt) {
        String v = string(key, dflt);
        try {
            return ZoneId.of(v);
        } catch (RuntimeException e) {
            throw new ConfigException(key, "unknown time zone '" + v + "'");
        }
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type, E dflt) {
        Optional<String> v = raw(key);
        if (v.isEmpty()) {
            return dflt;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(v.get().replace('-', '_'))) {
                return e;
            }
        }
        throw new ConfigException(key, "'" + v.get() + "' is not one of "
                + java.util.Arrays.toString(type.getEnumConstants()).toLowerCase(Locale.ROOT));
    }

    static Duration parseDuration(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.startsWith("p")) {
            try {
                return Duration.parse(s.toUpperCase(Locale.ROOT));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("'" + text + "' is not a duration");
            }
        }
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (try 30s, 5m, 2h or PT5M)");
        }
        long n = Long.parseLong(s.substring(0, i));
        String unit = s.substring(i).trim();
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "sec", "seconds" -> Duration.ofSeconds(n);
            case "m", "min", "minutes" -> Duration.ofMinutes(n);
            case "h", "hours" -> Duration.ofHours(n);
            case "d", "days" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("'" + text + "' has an unknown unit (use ms, s, m, h or d)");
        };
        return d;
    }

    /** Every key some part of pagerline has asked for so far (for documentation checks). */
    public Set<String> keysRead() {
        return Set.copyOf(read);
    }

    /** Fails on the first key in the file that no part of pagerline reads: a typo, most likely. */
    public void rejectUnknownKeys() {
        Set<String> unknown = new TreeSet<>(file.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            String k = unknown.iterator().next();
            throw new ConfigException(k, "unknown key (a typo? every key is listed in config/pagerline.properties)");
        }
    }

    @Override
    public String toString() {
        return "Settings" + new TreeSet<>(file.keySet());
    }
}
