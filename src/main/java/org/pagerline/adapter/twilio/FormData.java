package org.pagerline.adapter.twilio;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * application/x-www-form-urlencoded as Twilio posts it: UTF-8, '+' is a space, "%2B" is a plus
 * (so "From=%2B12045550101" is "+12045550101"). Bodies are read with a size limit.
 */
final class FormData {
    private FormData() {}

    /** Thrown for a body over the limit or malformed percent-encoding. */
    static final class BadForm extends Exception {
        final int status;

        BadForm(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static Map<String, String> parse(String encoded) throws BadForm {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                out.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new BadForm(400, "malformed form encoding");
            }
        }
        return out;
    }

    /** Reads at most {@code limit} bytes; more is refused (413) without reading the rest. */
    static String readBody(InputStream in, int limit) throws IOException, BadForm {
        byte[] bytes = in.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new BadForm(413, "body over " + limit + " bytes");
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
