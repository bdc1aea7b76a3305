package com.contrastsecurity.auth;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Enumeration;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.DestroyFailedException;
import javax.security.auth.Destroyable;

/**
 * The JVM's TLS settings as DER for the native transport: the trust anchors of the default
 * {@link TrustManagerFactory} (which honours {@code javax.net.ssl.trustStore},
 * {@code trustStorePassword}, {@code trustStoreType} and otherwise the JDK's {@code cacerts}),
 * and the client certificate of {@code javax.net.ssl.keyStore} (PKCS12 unless
 * {@code javax.net.ssl.keyStoreType} says otherwise, opened with
 * {@code javax.net.ssl.keyStorePassword}).
 *
 * <p>The private key leaves Java once, as PKCS#8 DER: {@link #wipe()} overwrites every array
 * after the native side has copied them. Error messages name properties and paths, never a
 * password.
 */
final class JvmTls {
    static final String KEY_STORE = "javax.net.ssl.keyStore";
    static final String KEY_STORE_TYPE = "javax.net.ssl.keyStoreType";
    static final String KEY_STORE_PASSWORD = "javax.net.ssl.keyStorePassword";

    /** DER X.509 certificates the JVM trusts. */
    final byte[][] trustAnchors;
    /** The client certificate chain (DER, leaf first), or null without a key store. */
    final byte[][] clientChain;
    /** The client's PKCS#8 DER private key, or null without a key store. */
    final byte[] clientKey;

    private JvmTls(byte[][] trustAnchors, byte[][] clientChain, byte[] clientKey) {
        this.trustAnchors = trustAnchors;
        this.clientChain = clientChain;
        this.clientKey = clientKey;
    }

    /** Reads this JVM's trust anchors and, when {@code javax.net.ssl.keyStore} is set, its client identity. */
    static JvmTls read() throws InvalidConfigurationException {
        byte[][] anchors = trustAnchors();
        String keyStore = System.getProperty(KEY_STORE);
        if (keyStore == null || keyStore.isEmpty() || "NONE".equals(keyStore)) {
            return new JvmTls(anchors, null, null);
        }
        return clientIdentity(anchors, keyStore);
    }

    private static byte[][] trustAnchors() throws InvalidConfigurationException {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager) {
                    X509Certificate[] issuers = ((X509TrustManager) manager).getAcceptedIssuers();
                    byte[][] out = new byte[issuers.length][];
                    for (int i = 0; i < issuers.length; i++) {
                        out[i] = issuers[i].getEncoded();
                    }
                    return out;
                }
            }
            throw new InvalidConfigurationException(
                    "contrast-auth: the JVM's default TrustManagerFactory has no X509TrustManager");
        } catch (GeneralSecurityException e) {
            throw new InvalidConfigurationException("contrast-auth: cannot read the JVM's trust store ("
                    + describe("javax.net.ssl.trustStore") + "): " + e.getClass().getSimpleName());
        }
    }

    private static JvmTls clientIdentity(byte[][] anchors, String path) throws InvalidConfigurationException {
        String type = System.getProperty(KEY_STORE_TYPE, "PKCS12");
        String passwordProperty = System.getProperty(KEY_STORE_PASSWORD);
        char[] password = passwordProperty == null ? new char[0] : passwordProperty.toCharArray();
        String where = KEY_STORE + "=" + path + " (" + type + ")";
        try {
            KeyStore store = KeyStore.getInstance(type);
            try (InputStream in = new FileInputStream(path)) {
                store.load(in, password);
            }
            Enumeration<String> aliases = store.aliases();
            while (aliases.hasMoreElements()) {
                String alias = aliases.nextElement();
                if (!store.isKeyEntry(alias)) {
                    continue;
                }
                Key key = store.getKey(alias, password);
                Certificate[] chain = store.getCertificateChain(alias);
                if (!(key instanceof PrivateKey) || chain == null || chain.length == 0
                        || !"PKCS#8".equals(key.getFormat())) {
                    continue;
                }
                byte[] der = key.getEncoded();
                destroy(key);
                byte[][] chainDer = new byte[chain.length][];
                for (int i = 0; i < chain.length; i++) {
                    chainDer[i] = chain[i].getEncoded();
                }
                return new JvmTls(anchors, chainDer, der);
            }
            throw new InvalidConfigurationException(
                    "contrast-auth: " + where + " holds no private key entry with a certificate chain");
        } catch (IOException | GeneralSecurityException e) {
            // IOException from load() also covers a wrong password; the message names no secret.
            throw new InvalidConfigurationException("contrast-auth: cannot read the key store " + where + ": "
                    + e.getClass().getSimpleName()
                    + (e instanceof java.io.FileNotFoundException ? " (no such file)" : ""));
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static void destroy(Key key) {
        if (key instanceof Destroyable) {
            try {
                ((Destroyable) key).destroy();
            } catch (DestroyFailedException e) {
                // Most providers' keys cannot be destroyed; the DER copy is wiped by wipe().
            }
        }
    }

    private static String describe(String property) {
        String value = System.getProperty(property);
        return value == null ? property + " not set" : property + "=" + value;
    }

    /** Overwrites every array handed to the native side. */
    void wipe() {
        wipeAll(trustAnchors);
        wipeAll(clientChain);
        if (clientKey != null) {
            Arrays.fill(clientKey, (byte) 0);
        }
    }

    private static void wipeAll(byte[][] arrays) {
        if (arrays != null) {
            for (byte[] a : arrays) {
                if (a != null) {
                    Arrays.fill(a, (byte) 0);
                }
            }
        }
    }
}
