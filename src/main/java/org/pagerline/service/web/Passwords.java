package org.pagerline.service.web;

import java.nio.charset.StandardCharsets;
import java.nio.CharBuffer;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.pagerline.service.ValidationException;

/**
 * Staff passwords as Argon2id (Bouncy Castle's generator, pure Java), stored as the PHC string
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>} (OWASP's minimum: 19 MiB, 2 passes). The
 * parameters are read back from the string, so they can be raised later without locking anyone out.
 */
public final class Passwords {
    static final int MEMORY_KIB = 19_456;
    static final int ITERATIONS = 2;
    static final int PARALLELISM = 1;
    static final int MIN_LENGTH = 12;
    static final int MAX_LENGTH = 200;
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{16,88})\\$([A-Za-z0-9+/]{16,88})");
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getDecoder();
    private final SecureRandom random = new SecureRandom();

    /** A password good enough to keep: 12 to 200 characters, not all one character. */
    public static void check(char[] password) {
        if (password == null || password.length == 0) {
            throw new ValidationException("password is missing (give it on standard input or in PAGERLINE_USER_PASSWORD)");
        }
        if (password.length < MIN_LENGTH) {
            throw new ValidationException("password is too short: at least " + MIN_LENGTH + " characters");
        }
        if (password.length > MAX_LENGTH) {
            throw new ValidationException("password is too long: at most " + MAX_LENGTH + " characters");
        }
        boolean same = true;
        for (char c : password) {
            same &= c == password[0];
        }
        if (same) {
            throw new ValidationException("password is one character repeated");
        }
    }

    /** Checks and hashes a password with a fresh 16-byte salt. */
    public String hash(char[] password) {
        check(password);
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        byte[] out = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM);
        return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM + "$" + B64.encodeToString(salt)
                + "$" + B64.encodeToString(out);
    }

    /** True when {@code hash} is a PHC string this class can verify (what {@code --password-hash} accepts). */
    public static boolean wellFormed(String hash) {
        return hash != null && PHC.matcher(hash).matches();
    }

    /** True when the password matches; false for a wrong password or a hash that is not ours. Constant time in the hash. */
    public boolean verify(String hash, char[] password) {
        Matcher m = hash == null ? null : PHC.matcher(hash);
        if (m == null || !m.matches() || password == null || password.length > MAX_LENGTH) {
            return false;
        }
        int mem = Integer.parseInt(m.group(1));
        int t = Integer.parseInt(m.group(2));
        int p = Integer.parseInt(m.group(3));
        if (mem < 8 || mem > 1_048_576 || t < 1 || p < 1) {
            return false;
        }
        byte[] salt = B64D.decode(m.group(4));
        byte[] expected = B64D.decode(m.group(5));
        byte[] actual = derive(password, salt, mem, t, p, expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /** Spends the time a verification would, for an unknown name (so timing does not tell which names exist). */
    public void burn(char[] password) {
        derive(password == null ? new char[0] : password, new byte[16], MEMORY_KIB, ITERATIONS, PARALLELISM);
    }

    private static byte[] derive(char[] password, byte[] salt, int mem, int t, int p) {
        return derive(password, salt, mem, t, p, 32);
    }

    private static byte[] derive(char[] password, byte[] salt, int mem, int t, int p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(mem).withIterations(t)
                .withParallelism(p).withSalt(salt).build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        ByteBuffer bb = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] pw = new byte[bb.remaining()];
        bb.get(pw);
        byte[] out = new byte[length];
        try {
            gen.generateBytes(pw, out);
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
        return out;
    }
}
