package org.pagerline.service;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Phone numbers in E.164, validated with libphonenumber. Numbers typed by admins must be in
 * international form (a leading +); punctuation and spaces are forgiven. Caller IDs from the
 * network are matched leniently, since Asterisk may hand over national forms.
 */
public final class PhoneNumbers {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    /**
     * How many numbers' readings are remembered (a few hundred KB at most): a support-line call
     * asks about its caller's number three to five times (the start, the call-back checks), and
     * for +1 each reading goes over the ~25 regions of the plan, regular expressions and all. When
     * full, the memory is emptied and fills again.
     */
    static final int REMEMBERED = 4096;
    private final String defaultRegion;
    /** A caller ID or keyed-in number as given (trimmed) to its E.164 reading (empty: none). */
    private final Map<String, Optional<String>> readings = new ConcurrentHashMap<>();
    /** An E.164 number to where it is and what kind it is, for {@link #callbackRefusal}. */
    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();

    /** Where a number is (null: no known country) and what kind; unparseable: not a phone number. */
    private record Kind(String region, PhoneNumberUtil.PhoneNumberType type, boolean unparseable) {}

    /** @param defaultRegion ISO country used to read caller IDs given without a country code */
    public PhoneNumbers(String defaultRegion) {
        this.defaultRegion = defaultRegion;
    }

    /** Normalises an admin-entered number to E.164, or throws naming the problem. */
    public String requireE164(String input, String what) {
        String raw = input == null ? "" : input.trim();
        if (raw.isEmpty()) {
            throw new ValidationException(what + " is missing");
        }
        if (!raw.startsWith("+")) {
            throw new ValidationException(what + " '" + raw + "' is not in international E.164 form (start with + and the country code, e.g. +12045550123)");
        }
        try {
            PhoneNumber n = UTIL.parse(raw, "ZZ");
            if (!UTIL.isValidNumber(n)) {
                throw new ValidationException(what + " '" + raw + "' is not a valid phone number");
            }
            return UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new ValidationException(what + " '" + raw + "' is not a phone number: " + e.getMessage());
        }
    }

    /** Reads a caller ID or keyed-in number leniently; empty when it is not a valid number. */
    public Optional<String> toE164(String input) {
        if (input == null || input.isBlank()) {
            return Optional.empty();
        }
        String s = input.trim();
        Optional<String> known = readings.get(s);
        if (known == null) {
            known = read(s);
            remember(readings, s, known);
        }
        return known;
    }

    private Optional<String> read(String s) {
        lookups.incrementAndGet();
        if (international(s) != null) {
            return Optional.of(s); // already E.164: "+", the country code, the national number
        }
        try {
            PhoneNumber n = UTIL.parse(s, defaultRegion);
            return UTIL.isValidNumber(n) ? Optional.of(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164)) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /**
     * A number already in E.164 form ("+", a known country code, a national number with no leading
     * zero, 8-16 characters in all) read without libphonenumber's general parser, whose regular
     * expressions were most of a call's number work: a caller ID from a trunk is in this form.
     * Null for anything else, which the parser reads, and for a reading that is not a valid number
     * (a valid one is the number the parser reads).
     */
    static PhoneNumber international(String s) {
        int n = s.length();
        if (n < 8 || n > 16 || s.charAt(0) != '+' || s.charAt(1) == '0') {
            return null; // no calling code begins with 0 ("+00..." is an international prefix: the parser's)
        }
        for (int i = 1; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        // country calling codes are prefix-free: the first known one is the only one
        for (int len = 1; len <= 3; len++) {
            int cc = Integer.parseInt(s, 1, 1 + len, 10);
            if ("ZZ".equals(UTIL.getRegionCodeForCountryCode(cc))) {
                continue; // not a calling code ("001" for the non-geographic ones is)
            }
            if (s.charAt(1 + len) == '0') {
                return null; // a leading zero (Italy and others) is the parser's to read
            }
            PhoneNumber read = new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(s, 1 + len, n, 10));
            return UTIL.isValidNumber(read) ? read : null;
        }
        return null;
    }

    /**
     * Why pagerline must not call {@code e164} back, or empty when it may: premium-rate,
     * shared-cost and UAN numbers cost the desk money (toll fraud), and so may any country outside
     * {@code regions} (ISO codes, e.g. CA, US).
     */
    public Optional<String> callbackRefusal(String e164, Set<String> regions) {
        Kind k = e164 == null ? null : kinds.get(e164);
        if (k == null) {
            k = kindOf(e164);
            if (e164 != null) {
                remember(kinds, e164, k);
            }
        }
        if (k.unparseable()) {
            return Optional.of("'" + e164 + "' is not a phone number");
        }
        switch (k.type()) {
            case PREMIUM_RATE, SHARED_COST, UAN -> {
                return Optional.of(e164 + " is a " + k.type().name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + " number");
            }
            default -> { }
        }
        if (k.region() == null || !regions.contains(k.region())) {
            return Optional.of(e164 + " is in " + (k.region() == null ? "no known country" : k.region())
                    + ", outside the call-back regions " + new java.util.TreeSet<>(regions));
        }
        return Optional.empty();
    }

    private Kind kindOf(String e164) {
        lookups.incrementAndGet();
        try {
            PhoneNumber quick = e164 == null ? null : international(e164);
            PhoneNumber n = quick != null ? quick : UTIL.parse(e164, "ZZ");
            return new Kind(UTIL.getRegionCodeForNumber(n), UTIL.getNumberType(n), false);
        } catch (NumberParseException e) {
            return new Kind(null, PhoneNumberUtil.PhoneNumberType.UNKNOWN, true);
        }
    }

    private static <V> void remember(Map<String, V> memory, String key, V value) {
        if (memory.size() >= REMEMBERED) {
            memory.clear();
        }
        memory.put(key, value);
    }

    /** How many times libphonenumber was asked (not the memory) since this was made. */
    long lookups() {
        return lookups.get();
    }

    /** How many readings are remembered now, of both kinds. */
    int remembered() {
        return readings.size() + kinds.size();
    }
}
