package org.pagerline.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Numbers read the quick way (already E.164) come out as libphonenumber's parser reads them. */
class PhoneNumbersTest {
    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private final PhoneNumbers phones = new PhoneNumbers("CA");

    /** Every region's and non-geographic entity's example numbers of every type, in E.164. */
    private static List<String> examples() {
        List<String> out = new ArrayList<>();
        for (String region : UTIL.getSupportedRegions()) {
            for (PhoneNumberUtil.PhoneNumberType type : PhoneNumberUtil.PhoneNumberType.values()) {
                PhoneNumber n = UTIL.getExampleNumberForType(region, type);
                if (n != null) {
                    out.add(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
                }
            }
        }
        for (int cc : UTIL.getSupportedGlobalNetworkCallingCodes()) {
            PhoneNumber n = UTIL.getExampleNumberForNonGeoEntity(cc);
            if (n != null) {
                out.add(UTIL.format(n, PhoneNumberUtil.PhoneNumberFormat.E164));
            }
        }
        return out;
    }

    /** The plain reading when it is a valid number: what the line takes without the parser. */
    private static PhoneNumber quick(String s) {
        PhoneNumber read = PhoneNumbers.plain(s);
        return read != null && UTIL.isValidNumber(read) ? read : null;
    }

    @Test
    void aValidNumberReadQuicklyIsTheNumberTheParserReads() throws NumberParseException {
        int quick = 0;
        for (String e164 : examples()) {
            PhoneNumber q = quick(e164);
            if (q != null) { // read quickly only when valid
                quick++;
                assertEquals(UTIL.parse(e164, "ZZ"), q, e164);
            }
            // what the line and the call-back check say is what the parser alone said
            PhoneNumber parsed = UTIL.parse(e164, "ZZ");
            Optional<String> expected = UTIL.isValidNumber(parsed)
                    ? Optional.of(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164)) : Optional.empty();
            assertEquals(expected, phones.toE164(e164), e164);
        }
        assertTrue(quick > 1000, "most example numbers are read quickly: " + quick);
    }

    @Test
    void anythingNotPlainE164IsLeftToTheParser() {
        for (String s : List.of("2045550123", "+1 204 555 0123", "+1-204-555-0123", "+12", "+12045550123456789",
                "tel:+12045550123", "+012045550123", "+0012025550123", "+\uff11\uff12\uff10\uff14\uff15\uff15\uff15\uff10\uff11\uff12\uff13")) {
            assertNull(quick(s), s);
        }
        assertNull(quick("+390669812345"), "a national number with a leading zero");
        assertNull(quick("+9991234567"), "no calling code 9, 99 or 999");
        assertEquals(Optional.of("+12045550123"), phones.toE164("+1 204 555 0123"));
        assertEquals(Optional.of("+12045550123"), phones.toE164("2045550123"));
        assertEquals(Optional.of("+390669812345"), phones.toE164("+390669812345"));
        assertEquals(Optional.empty(), phones.toE164("+12"));
        // no calling code begins with 0: read as the parser reads it (+1 204... would be wrong)
        assertEquals(Optional.empty(), phones.toE164("+012045550123"));
        assertEquals(Optional.of("+12025550123"), new PhoneNumbers("DE").toE164("+0012025550123"));
    }

    @Test
    void callBackRefusalsAreTheSameForQuicklyReadNumbers() {
        Set<String> regions = Set.of("CA", "US");
        assertEquals(Optional.empty(), phones.callbackRefusal("+12045550123", regions));
        assertTrue(phones.callbackRefusal("+19005550123", regions).orElseThrow().contains("premium-rate"));
        assertTrue(phones.callbackRefusal("+442079460000", regions).orElseThrow().contains("GB, outside the call-back regions"));
        assertTrue(phones.callbackRefusal("+1204", regions).isPresent());
        assertTrue(phones.callbackRefusal("+012045550123", regions).orElseThrow().contains("not a phone number"));
    }

    @Test
    void aNumberAskedAboutAgainIsAnsweredFromMemoryWithTheSameAnswers() {
        PhoneNumbers fresh = new PhoneNumbers("CA");
        for (int i = 0; i < 5; i++) { // a call's start, its call-back checks, its voicemail
            assertEquals(Optional.of("+12045550123"), fresh.toE164("+12045550123"));
            assertEquals(Optional.of("+12045550123"), fresh.toE164(" 204-555-0123 "));
            assertEquals(Optional.empty(), fresh.callbackRefusal("+12045550123", Set.of("CA")));
        }
        assertEquals(3, fresh.lookups(), "each reading asked of libphonenumber once");
        // what is remembered is the number's country and kind, not the verdict: other regions, other answers
        assertTrue(fresh.callbackRefusal("+12045550123", Set.of("US")).orElseThrow().contains("CA, outside"));
        assertTrue(fresh.callbackRefusal("+442079460000", Set.of("CA")).isPresent());
        assertEquals(Optional.empty(), fresh.callbackRefusal("+442079460000", Set.of("GB")));
        assertTrue(fresh.callbackRefusal("+19005550123", Set.of("CA", "US")).orElseThrow().contains("premium-rate"));
        assertTrue(fresh.callbackRefusal("+19005550123", Set.of("CA", "US")).orElseThrow().contains("premium-rate"));
        assertTrue(fresh.callbackRefusal("+012045550123", Set.of("CA")).orElseThrow().contains("not a phone number"));
        assertTrue(fresh.callbackRefusal("+012045550123", Set.of("CA")).orElseThrow().contains("not a phone number"));
        assertEquals(6, fresh.lookups());
        assertEquals(Optional.of("no number to call back"), fresh.callbackRefusal(null, Set.of("CA")));
    }

    @Test
    void aPlainFormThatIsNoValidNumberIsReadAsTheParserReadsIt() throws NumberParseException {
        // +1 1204...: no valid number as written; the parser reads +1 204 555 0123 (a national prefix)
        PhoneNumber parsed = UTIL.parse("+112045550123", "ZZ");
        String region = UTIL.getRegionCodeForNumber(parsed);
        for (int i = 0; i < 2; i++) {   // read, then from memory
            assertEquals(Optional.of(UTIL.format(parsed, PhoneNumberUtil.PhoneNumberFormat.E164)), phones.toE164("+112045550123"));
            assertEquals(Optional.empty(), phones.callbackRefusal("+112045550123", Set.of(region)));
            assertTrue(phones.callbackRefusal("+112045550123", Set.of("GB")).orElseThrow().contains(region + ", outside"));
        }
    }

    @Test
    void aNewCallersNumberIsLookedUpOnceForItsCountryAndOnceForItsKind() {
        PhoneNumbers fresh = new PhoneNumbers("CA");
        for (int i = 0; i < 3; i++) { // the start, then the call-back checks of the message
            assertEquals(Optional.of("+13065550123"), fresh.toE164("+13065550123"));
            assertEquals(Optional.empty(), fresh.callbackRefusal("+13065550123", Set.of("CA")));
        }
        assertEquals(2, fresh.lookups());
        // an invalid number in plain form is still read by the parser (which says no), once
        assertEquals(Optional.empty(), fresh.toE164("+12045550"));
        assertEquals(Optional.empty(), fresh.toE164("+12045550"));
        assertEquals(4, fresh.lookups());
    }

    @Test
    void answersFromMemoryAreTheAnswersOfAFreshReading() {
        PhoneNumbers remembering = new PhoneNumbers("CA");
        Set<String> regions = Set.of("CA", "US", "GB");
        List<String> numbers = new ArrayList<>(examples());
        numbers.addAll(List.of("2045550123", "+1 204 555 0123", "+12", "tel:+12045550123", "nonsense", ""));
        for (String n : numbers) {
            Optional<String> first = remembering.toE164(n);
            String refusal = first.map(e -> remembering.callbackRefusal(e, regions).orElse("")).orElse(null);
            assertEquals(first, remembering.toE164(n), n);
            assertEquals(new PhoneNumbers("CA").toE164(n), remembering.toE164(n), n);
            assertEquals(refusal, first.map(e -> remembering.callbackRefusal(e, regions).orElse("")).orElse(null), n);
        }
    }

    @Test
    void theMemoryIsBoundedAndKeepsAnsweringOnceFull() {
        PhoneNumbers fresh = new PhoneNumbers("CA");
        for (int i = 0; i < PhoneNumbers.REMEMBERED * 2 + 10; i++) {
            String n = String.format("+1204555%04d", i % 10_000);
            String other = String.format("+1306555%04d", i % 10_000);
            assertEquals(Optional.of(n), fresh.toE164(n));
            assertEquals(Optional.empty(), fresh.callbackRefusal(other, Set.of("CA")));
            assertTrue(fresh.remembered() <= 2 * PhoneNumbers.REMEMBERED, "remembered " + fresh.remembered());
        }
        assertEquals(Optional.of("+12045550001"), fresh.toE164("+12045550001"));
    }
}
