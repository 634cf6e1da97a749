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

    @Test
    void aValidNumberReadQuicklyIsTheNumberTheParserReads() throws NumberParseException {
        int quick = 0;
        for (String e164 : examples()) {
            PhoneNumber q = PhoneNumbers.international(e164);
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
            assertNull(PhoneNumbers.international(s), s);
        }
        assertNull(PhoneNumbers.international("+390669812345"), "a national number with a leading zero");
        assertNull(PhoneNumbers.international("+9991234567"), "no calling code 9, 99 or 999");
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
}
