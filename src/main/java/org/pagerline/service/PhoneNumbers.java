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
     * How many numbers are remembered, of each kind below (a few hundred KB at most): a support-line
     * call asks about its caller's number three to five times (the start, the call-back checks).
     * When full, a memory is emptied and fills again.
     */
    static final int REMEMBERED = 4096;
    private final String defaultRegion;
    /** A caller ID or keyed-in number not in plain E.164 form, as given (trimmed), to its E.164 reading. */
    private final Map<String, Optional<String>> readings = new ConcurrentHashMap<>();
    /** A number in E.164 form to what libphonenumber said of it. */
    private final Map<String, Facts> facts = new ConcurrentHashMap<>();
    private final AtomicLong lookups = new AtomicLong();

    /**
     * What libphonenumber says of a number written in E.164: the number (null: not a phone number),
     * its country (null: none; "001" for the non-geographic ones), whether it is the valid number
     * its plain form reads as ({@link #plain}; else the parser's reading is kept), and its
     * kind once asked (null until then). For +1 finding the country goes over the plan's ~25 regions
     * with their regular expressions, and asking the kind does so again: each is asked once.
     */
    private record Facts(PhoneNumber number, String region, boolean readPlainly, PhoneNumberUtil.PhoneNumberType type) {}

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
        if (plain(s) != null && factsOf(s, false).readPlainly()) {
            return Optional.of(s); // already E.164: "+", the country code, the national number
        }
        Optional<String> known = readings.get(s);
        if (known == null) {
            known = parse(s);
            remember(readings, s, known);
        }
        return known;
    }

    private Optional<String> parse(String s) {
        lookups.incrementAndGet();
        try {
            PhoneNumber n = UTIL.parse(s, defaultRegion);
            return UTIL.isValidNumber(n) ? Optional.of(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164)) : Optional.empty();
        } catch (NumberParseException e) {
            return Optional.empty();
        }
    }

    /** What libphonenumber says of {@code e164}, from memory when it was asked before; {@code kind}: with its kind. */
    private Facts factsOf(String e164, boolean kind) {
        Facts f = facts.get(e164);
        if (f != null && (!kind || f.type() != null || f.number() == null)) {
            return f;
        }
        lookups.incrementAndGet();
        if (f == null) {
            PhoneNumber quick = plain(e164);
            String region = quick == null ? null : UTIL.getRegionCodeForNumber(quick);
            // valid: what isValidNumber does, with the region it would look up again
            if (region != null && UTIL.isValidNumberForRegion(quick, region)) {
                f = new Facts(quick, region, true, null);
            } else {
                try {   // anything else is read as the parser reads it (it may strip a national prefix)
                    PhoneNumber n = UTIL.parse(e164, "ZZ");
                    f = new Facts(n, UTIL.getRegionCodeForNumber(n), false, null);
                } catch (NumberParseException e) {
                    f = new Facts(null, null, false, null);
                }
            }
        }
        if (kind && f.number() != null) {
            f = new Facts(f.number(), f.region(), f.readPlainly(), UTIL.getNumberType(f.number()));
        }
        remember(facts, e164, f);
        return f;
    }

    /**
     * The number a plain E.164 form ("+", a known country code, a national number with no leading
     * zero, 8-16 characters in all) reads as, without libphonenumber's general parser, whose regular
     * expressions were most of a call's number work: a caller ID from a trunk is in this form. Null
     * for anything else, which the parser reads. Valid or not: a valid reading is the number the
     * parser reads; an invalid one is left to the parser ({@link #factsOf}).
     */
    static PhoneNumber plain(String s) {
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
            return new PhoneNumber().setCountryCode(cc).setNationalNumber(Long.parseLong(s, 1 + len, n, 10));
        }
        return null;
    }

    /**
     * Why pagerline must not call {@code e164} back, or empty when it may: premium-rate,
     * shared-cost and UAN numbers cost the desk money (toll fraud), and so may any country outside
     * {@code regions} (ISO codes, e.g. CA, US).
     */
    public Optional<String> callbackRefusal(String e164, Set<String> regions) {
        if (e164 == null) {
            return Optional.of("no number to call back");
        }
        Facts f = factsOf(e164, true);
        if (f.number() == null) {
            return Optional.of("'" + e164 + "' is not a phone number");
        }
        switch (f.type()) {
            case PREMIUM_RATE, SHARED_COST, UAN -> {
                return Optional.of(e164 + " is a " + f.type().name().toLowerCase(Locale.ROOT).replace('_', '-')
                        + " number");
            }
            default -> { }
        }
        String region = f.region();
        if (region == null || !regions.contains(region)) {
            return Optional.of(e164 + " is in " + (region == null ? "no known country" : region)
                    + ", outside the call-back regions " + new java.util.TreeSet<>(regions));
        }
        return Optional.empty();
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

    /** How many numbers are remembered now, of both kinds. */
    int remembered() {
        return readings.size() + facts.size();
    }
}
