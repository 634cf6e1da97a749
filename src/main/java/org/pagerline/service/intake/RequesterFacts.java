package org.pagerline.service.intake;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The facts the desk needs before an email becomes a ticket (PRODUCT.md, "Other ways in"): the
 * requester's full name, company, call-back number(s) and a description. Read from labelled lines
 * ("Name:", "Company:", "Phone:", "Problem:"), free text ("My name is Jane Smith from Acme Ltd"),
 * and the signature block (after "-- " or a closing such as "Regards,"). Quoted text of earlier
 * messages is ignored. Phone numbers are found and normalised to E.164 with libphonenumber.
 *
 * @param name        full name (two words or more), or null
 * @param company     or null
 * @param phones      E.164, in the order found
 * @param description the problem in the sender's words (labelled lines and signature removed), or null
 */
public record RequesterFacts(String name, String company, List<String> phones, String description) {

    public RequesterFacts {
        phones = List.copyOf(phones == null ? List.of() : phones);
        name = blankToNull(name);
        company = blankToNull(company);
        description = blankToNull(description);
    }

    /** A missing fact, in the words the reply uses. */
    public enum Missing {
        NAME("your full name (first and last name)", "Name: Jane Smith"),
        COMPANY("your company", "Company: Acme Ltd"),
        PHONE("a phone number we can call you back on", "Phone: +1 204 555 0123"),
        DESCRIPTION("a description of the problem", "Problem: the printer on the 2nd floor shows a paper jam and prints nothing");

        public final String words;
        public final String example;

        Missing(String words, String example) {
            this.words = words;
            this.example = example;
        }
    }

    public List<Missing> missing() {
        List<Missing> out = new ArrayList<>();
        if (name == null) {
            out.add(Missing.NAME);
        }
        if (company == null) {
            out.add(Missing.COMPANY);
        }
        if (phones.isEmpty()) {
            out.add(Missing.PHONE);
        }
        if (description == null) {
            out.add(Missing.DESCRIPTION);
        }
        return out;
    }

    public boolean complete() {
        return missing().isEmpty();
    }

    /** These facts, with the gaps filled from {@code later} (a reply that adds what was missing). */
    public RequesterFacts plus(RequesterFacts later) {
        Set<String> ph = new LinkedHashSet<>(phones);
        ph.addAll(later.phones);
        String d = description == null ? later.description
                : later.description == null ? description : description + "\n\n" + later.description;
        return new RequesterFacts(name != null ? name : later.name, company != null ? company : later.company,
                new ArrayList<>(ph), d);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    // ---------------------------------------------------------------------------------------------

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();
    private static final String WORD = "[\\p{Lu}][\\p{L}'\\-]+";
    private static final Pattern LABEL = Pattern.compile(
            "^\\s*[*_]*\\s*(full name|your name|contact name|name|company name|company|organi[sz]ation|business|employer"
                    + "|phone number|phone|telephone|tel|call-?back number|call ?back|call-?back|mobile|cell phone|cell|direct line"
                    + "|contact number|problem|issue|description|details)\\s*[*_]*\\s*[:=\\-]\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern NAME_TEXT = Pattern.compile(
            "(?i:my name is|my name's|this is|i am|i'm|it's)\\s+(" + WORD + "(?:\\s+" + WORD + "){1,3})");
    private static final String COMPANY_WORDS = "([\\p{Lu}0-9][\\p{L}0-9&.'\\-]*(?:\\s+(?:[\\p{Lu}0-9][\\p{L}0-9&.'\\-]*|&|of|and|de)){0,5})";
    private static final Pattern COMPANY_TEXT = Pattern.compile(
            "(?:\\b(?:from|at|with|of) |i work (?:at|for) |calling from |writing from |here at |on behalf of )" + COMPANY_WORDS);
    private static final Pattern CLOSING = Pattern.compile(
            "^\\s*(best regards|kind regards|warm regards|regards|best wishes|best|many thanks|thanks again|thanks|thank you"
                    + "|cheers|sincerely|yours sincerely|yours truly|cordialement|merci|br)\\s*[,.!]*\\s*(.*)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TITLE = Pattern.compile(
            "\\b(manager|director|officer|assistant|administrator|admin|engineer|ceo|cfo|cto|coo|president|owner|coordinator"
                    + "|specialist|analyst|accountant|consultant|lead|head of|supervisor|secretary|receptionist|developer"
                    + "|technician|partner|founder|clerk|bookkeeper|controller|principal)\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern QUOTE_HEADER = Pattern.compile(
            "^\\s*(on .+wrote:|-{2,}\\s*original message\\s*-{2,}|from: .+|le .+a écrit\\s*:)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern GREETING = Pattern.compile("^\\s*(hi|hello|hey|dear|good (morning|afternoon|evening))\\b[^.!?]{0,40}[,!.:]?\\s*$",
            Pattern.CASE_INSENSITIVE);

    /**
     * Reads the facts from a message.
     *
     * @param region ISO country for phone numbers written without a country code
     */
    public static RequesterFacts parse(String subject, String text, String region) {
        List<String> lines = unquoted(text == null ? "" : text);
        int sig = signatureStart(lines);
        List<String> body = new ArrayList<>(lines.subList(0, sig));
        List<String> signature = lines.subList(sig, lines.size());

        String name = null;
        String company = null;
        Set<String> phones = new LinkedHashSet<>();
        List<String> described = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LABEL.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String label = m.group(1).toLowerCase(Locale.ROOT);
            String value = m.group(2).strip();
            if (label.contains("name")) {
                name = name == null && fullName(value) ? value : name;
            } else if (label.startsWith("compan") || label.startsWith("organi") || label.equals("business") || label.equals("employer")) {
                company = company == null && !value.isEmpty() ? value : company;
            } else if (label.equals("problem") || label.equals("issue") || label.equals("description") || label.equals("details")) {
                if (!value.isEmpty()) {
                    described.add(value);
                }
            } else {
                phones.addAll(numbers(value, region));
            }
        }
        for (String line : body) {
            if (LABEL.matcher(line).matches() || GREETING.matcher(line).matches()) {
                continue;
            }
            rest.add(line);
        }
        String prose = String.join("\n", rest).strip();
        if (name == null) {
            Matcher m = NAME_TEXT.matcher(prose);
            if (m.find()) {
                name = m.group(1);
                Matcher c = COMPANY_TEXT.matcher(prose.substring(m.end()));
                if (company == null && c.lookingAt()) {
                    company = trimCompany(c.group(1));
                }
            }
        }
        if (company == null) {
            Matcher c = Pattern.compile("(?i:\\bi work (?:at|for) |\\bcalling from |\\bwriting from |\\bhere at |\\bon behalf of |\\bi'm from |\\bi am from |\\bwe at )"
                    + COMPANY_WORDS).matcher(prose);
            if (c.find() && Character.isUpperCase(c.group(1).charAt(0))) {
                company = trimCompany(c.group(1));
            }
        }
        // the signature block: a name line, then title / company / numbers
        List<String> sigLines = signature.stream().map(String::strip).filter(s -> !s.isEmpty() && !s.equals("--")).toList();
        int start = 0;
        if (!sigLines.isEmpty()) {
            Matcher closing = CLOSING.matcher(sigLines.get(0));
            if (closing.matches()) {
                String after = closing.group(2).strip();
                if (after.isEmpty()) {
                    start = 1;
                } else {
                    sigLines = new ArrayList<>(sigLines);
                    sigLines.set(0, after);
                }
            }
        }
        boolean sigName = false;
        for (int i = start; i < sigLines.size(); i++) {
            String l = sigLines.get(i);
            List<String> found = numbers(l, region);
            if (!found.isEmpty()) {
                phones.addAll(found);
                continue;
            }
            if (LABEL.matcher(l).matches() || l.contains("@") || l.toLowerCase(Locale.ROOT).contains("http")
                    || l.toLowerCase(Locale.ROOT).startsWith("www.") || l.toLowerCase(Locale.ROOT).startsWith("sent from")) {
                continue;
            }
            if (!sigName && i == start) {
                sigName = true;
                if (fullName(l)) {
                    name = name == null ? l : name;
                }
                continue;
            }
            if (TITLE.matcher(l).find() && !l.contains(",")) {
                continue;
            }
            String co = l.contains(",") && TITLE.matcher(l).find() ? l.substring(l.lastIndexOf(',') + 1).strip() : l;
            if (company == null && co.length() <= 80 && co.chars().anyMatch(Character::isLetter)) {
                company = co;
            }
        }
        phones.addAll(numbers(prose, region));

        String desc = String.join("\n", described);
        String prosePart = prose;
        if (described(prosePart)) {
            desc = desc.isEmpty() ? prosePart : desc + "\n" + prosePart;
        }
        if (desc.isEmpty()) {
            String subj = strippedSubject(subject);
            if (described(subj)) {
                desc = subj;
            }
        }
        return new RequesterFacts(name, company, new ArrayList<>(phones), desc);
    }

    /**
     * Whether the subject asks for a desktop project ("Desktop project request: new hire's PC",
     * "Project request - move two desks"; Re:/Fwd:, [#n] and a mail system's tag such as
     * "[EXTERNAL]" aside), which is done within one business day rather than worked to a priority.
     * The first mail's subject decides: a reply joins its ticket as it is.
     */
    public static boolean projectRequest(String subject) {
        return strippedSubject(subject).replaceFirst("^(\\[[^\\]]{1,40}\\]\\s*)+", "")
                .matches("(?is)(desktop\\s+)?project\\s+request\\b.*");
    }

    /** The subject without Re:/Fwd: prefixes and ticket tags. */
    public static String strippedSubject(String subject) {
        String s = subject == null ? "" : subject.strip();
        String before;
        do {
            before = s;
            s = s.replaceFirst("(?i)^(re|fw|fwd|aw|tr|sv)\\s*:\\s*", "").replaceAll("\\[#\\d+\\]", "").strip();
        } while (!s.equals(before));
        return s;
    }

    private static String trimCompany(String c) {
        String s = c.strip().replaceAll("[.,;:!]+$", "");
        return s.isEmpty() ? null : s;
    }

    private static boolean fullName(String v) {
        if (v == null || v.isBlank() || v.contains("@") || v.chars().anyMatch(Character::isDigit) || v.length() > 80) {
            return false;
        }
        String[] w = v.strip().split("\\s+");
        return w.length >= 2 && w.length <= 5 && Character.isLetter(w[0].charAt(0)) && Character.isLetter(w[w.length - 1].charAt(0));
    }

    /**
     * Enough to say what the problem is: three words, or (for scripts written without spaces, such
     * as Japanese) twelve letters.
     */
    private static boolean described(String s) {
        return wordCount(s) >= 3 || (s != null && s.codePoints().filter(Character::isLetter).count() >= 12
                && s.codePoints().anyMatch(c -> Character.UnicodeScript.of(c) != Character.UnicodeScript.LATIN
                        && Character.isLetter(c)));
    }

    private static int wordCount(String s) {
        if (s == null || s.isBlank()) {
            return 0;
        }
        int n = 0;
        for (String w : s.strip().split("\\s+")) {
            if (w.chars().anyMatch(Character::isLetterOrDigit)) {
                n++;
            }
        }
        return n;
    }

    static List<String> numbers(String text, String region) {
        List<String> out = new ArrayList<>();
        for (PhoneNumberMatch m : PHONES.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
            out.add(PHONES.format(m.number(), PhoneNumberUtil.PhoneNumberFormat.E164));
        }
        return out;
    }

    /** The lines of the message up to the first quoted part (">" lines, "On ... wrote:"). */
    private static List<String> unquoted(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.replace("\r\n", "\n").replace('\r', '\n').split("\n", -1)) {
            if (QUOTE_HEADER.matcher(line).matches() && !out.isEmpty()) {
                break;
            }
            if (line.stripLeading().startsWith(">")) {
                continue;
            }
            out.add(line);
        }
        while (!out.isEmpty() && out.get(out.size() - 1).isBlank()) {
            out.remove(out.size() - 1);
        }
        return out;
    }

    /**
     * Where the signature starts: the "-- " delimiter, else the last closing line ("Regards,"),
     * else a short last paragraph that opens with a name; the line count when there is none.
     */
    private static int signatureStart(List<String> lines) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("-- ") || lines.get(i).strip().equals("--")) {
                return i;
            }
        }
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (CLOSING.matcher(lines.get(i)).matches() && lines.size() - i <= 8) {
                String after = CLOSING.matcher(lines.get(i)).replaceFirst("$2").strip();
                if (after.isEmpty() || fullName(after) || after.split("\\s+").length == 1) {
                    return i;
                }
            }
        }
        int lastBlank = -1;
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).isBlank()) {
                lastBlank = i;
                break;
            }
        }
        if (lastBlank > 0 && lines.size() - lastBlank - 1 >= 2 && lines.size() - lastBlank - 1 <= 6
                && fullName(lines.get(lastBlank + 1).strip())) {
            return lastBlank + 1;
        }
        return lines.size();
    }
}
