package org.pagerline.config;

/**
 * The one meaning of the placeholders in every dial-string template pagerline reads
 * ({@code line.dial-template}, {@code ami.page-dial-template}, {@code ami.member-template}):
 * {@code {number}} is the E.164 number's digits without the '+' ({@code 12045550101}), what a
 * trunk's {@code _X.} dialplan patterns and most carriers expect; {@code {phone}} is the E.164
 * number with its '+' ({@code +12045550101}). The urgent Dial, the paging call, the call-back to
 * the customer and the queue members all expand them the same way.
 */
public final class DialTemplate {
    private DialTemplate() {}

    /** {@code template} with {@code {number}} and {@code {phone}} filled in from {@code e164}. */
    public static String expand(String template, String e164) {
        String digits = e164.startsWith("+") ? e164.substring(1) : e164;
        return template.replace("{number}", digits).replace("{phone}", digits.isEmpty() ? "" : "+" + digits);
    }

    /**
     * Reads and checks a template: it has a placeholder, is a TECH/resource dial string, and has
     * no ',' (pagerline adds the Dial options itself).
     */
    static String read(Settings s, String key, String dflt) {
        String t = s.string(key, dflt);
        if (!t.contains("{number}") && !t.contains("{phone}")) {
            throw new ConfigException(key, "'" + t + "' has no {number} (digits without '+') or {phone} (with '+') placeholder");
        }
        if (!t.contains("/")) {
            throw new ConfigException(key, "'" + t + "' is not a dial string (TECH/resource, e.g. PJSIP/{number}@trunk)");
        }
        if (t.contains(",")) {
            throw new ConfigException(key, "'" + t + "' must not contain ',' (Dial options are added by pagerline)");
        }
        return t;
    }
}
