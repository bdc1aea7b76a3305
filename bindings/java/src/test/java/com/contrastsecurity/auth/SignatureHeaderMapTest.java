package com.contrastsecurity.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

/** The map sign() returns: ordered, unmodifiable, and equal to any map with the same entries. */
class SignatureHeaderMapTest {
    @Test
    void behavesAsAnOrderedUnmodifiableMap() throws Exception {
        try (ContrastAuth auth = ContrastAuth.fromCredentials(TestSupport.URL, "agent@Org", "SK", "AK")) {
            Map<String, String> headers = auth.sign("POST", TestSupport.URL + "/r", "application/json", new byte[] {1});
            assertEquals(3, headers.size());
            List<String> names = new ArrayList<>(headers.keySet());
            assertEquals(List.of(ContrastAuth.CONTENT_DIGEST, ContrastAuth.SIGNATURE_INPUT, ContrastAuth.SIGNATURE), names);
            assertTrue(headers.get(ContrastAuth.CONTENT_DIGEST).startsWith("sha-256=:"));
            assertTrue(headers.get(ContrastAuth.SIGNATURE_INPUT).startsWith("contrast=("));
            assertTrue(headers.get(ContrastAuth.SIGNATURE).startsWith("contrast=:"));
            assertTrue(headers.containsKey(ContrastAuth.SIGNATURE));
            assertFalse(headers.containsKey("signature"));
            assertNull(headers.get("Authorization"));
            assertNull(headers.get(null));

            Map<String, String> copy = new LinkedHashMap<>(headers);
            assertEquals(copy, headers);
            assertEquals(headers, copy);
            assertEquals(copy.hashCode(), headers.hashCode());
            assertEquals(copy.toString(), headers.toString());

            assertThrows(UnsupportedOperationException.class, () -> headers.put("X", "y"));
            assertThrows(UnsupportedOperationException.class, () -> headers.remove(ContrastAuth.SIGNATURE));
            assertThrows(UnsupportedOperationException.class, headers::clear);
            Map.Entry<String, String> first = headers.entrySet().iterator().next();
            assertThrows(UnsupportedOperationException.class, () -> first.setValue("x"));
            Iterator<Map.Entry<String, String>> it = headers.entrySet().iterator();
            it.next();
            assertThrows(UnsupportedOperationException.class, it::remove);
            it.next();
            it.next();
            assertFalse(it.hasNext());
            assertThrows(NoSuchElementException.class, it::next);
            assertEquals(3, headers.size());
        }
    }
}
