package com.contrastsecurity.auth;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The three signature headers of a report as an unmodifiable map, in the order they are sent:
 * {@code Content-Digest}, {@code Signature-Input}, {@code Signature}. Three fields instead of a
 * hash table: built once per signature, read a few times.
 */
final class SignatureHeaderMap extends AbstractMap<String, String> {
    private static final String[] NAMES = {
        ContrastAuth.CONTENT_DIGEST, ContrastAuth.SIGNATURE_INPUT, ContrastAuth.SIGNATURE
    };

    private final String[] values;

    SignatureHeaderMap(String contentDigest, String signatureInput, String signature) {
        this.values = new String[] {contentDigest, signatureInput, signature};
    }

    private static int indexOf(Object name) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public String get(Object name) {
        int i = indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return indexOf(name) >= 0;
    }

    @Override
    public int size() {
        return NAMES.length;
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet() {
        return new AbstractSet<Map.Entry<String, String>>() {
            @Override
            public Iterator<Map.Entry<String, String>> iterator() {
                return new Iterator<Map.Entry<String, String>>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < NAMES.length;
                    }

                    @Override
                    public Map.Entry<String, String> next() {
                        if (next >= NAMES.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new AbstractMap.SimpleImmutableEntry<>(NAMES[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return NAMES.length;
            }
        };
    }
}
