/*
 * Drives every C ABI call that touches a secret, for the heap audit (run.sh): handles from
 * the environment (+ YAML file), from a token and from explicit values; header reads;
 * signing; sending to the loopback test server with retries (503, 500) and a 401 that makes
 * the library reload its file; rotation; reload; a report through a proxy with a password;
 * free. Every secret comes from the
 * environment (see run.sh) and is passed on without a heap copy; buffers that receive
 * secrets are on the stack and wiped. Exits non-zero if a call does not behave; the
 * interposer (LD_PRELOAD) counts the freed blocks holding a secret.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contrast_auth.h"

static int failures;
static const char *REPORT = "/api/ng/agents/report";
static const char *SIGN_URL = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report";
static const char *JSON = "application/json";

#define CHECK(cond, ...)                                                                      \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            failures++;                                                                       \
            fprintf(stderr, "heap-audit driver: %s:%d: ", __FILE__, __LINE__);                \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fprintf(stderr, "\n");                                                            \
        }                                                                                     \
    } while (0)

static void phase(const char *name) {
    void (*set)(const char *) = NULL;
    void *symbol = dlsym(RTLD_DEFAULT, "heap_audit_phase");
    /* POSIX: a function pointer may be read through an object pointer of the same size. */
    memcpy(&set, &symbol, sizeof set);
    if (set) set(name);
}

static const char *need(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) {
        fprintf(stderr, "heap-audit driver: %s is not set\n", name);
        exit(2);
    }
    return v;
}

static const char *last_error(void) {
    static char buf[1024];
    size_t len = 0;
    if (contrast_last_error(buf, sizeof buf, &len) != CONTRAST_RESULT_OK) return "?";
    return buf;
}

/* Switches the configuration file to the prepared variant `name` (no copy on the heap). */
static void use_config(const char *name) {
    char from[4096];
    snprintf(from, sizeof from, "%s/%s", need("AUDIT_DIR"), name);
    CHECK(rename(from, need("CONTRAST_CONFIG_PATH")) == 0, "rename %s", from);
}

/* Every header read: both values into stack buffers (wiped), the list, the fingerprints. */
static void read_headers(const contrast_auth *auth) {
    char buf[512];
    size_t len = 0;
    CHECK(contrast_auth_authorization(auth, buf, sizeof buf, &len) == CONTRAST_RESULT_OK, "%s",
          last_error());
    explicit_bzero(buf, sizeof buf);
    CHECK(contrast_auth_api_key(auth, buf, sizeof buf, &len) == CONTRAST_RESULT_OK, "%s",
          last_error());
    explicit_bzero(buf, sizeof buf);
    contrast_headers *headers = NULL;
    CHECK(contrast_auth_headers(auth, &headers) == CONTRAST_RESULT_OK, "%s", last_error());
    const char *value = NULL;
    CHECK(contrast_headers_find(headers, "Authorization", &value) == CONTRAST_RESULT_OK &&
              value && *value,
          "Authorization in the list");
    contrast_headers_free(headers);
    contrast_fingerprints fp;
    CHECK(contrast_auth_fingerprints(auth, &fp) == CONTRAST_RESULT_OK, "%s", last_error());
}

static void sign(const contrast_auth *auth, int times) {
    static const char body[] = "{\"findings\":[{\"rule\":\"sql-injection\"}]}";
    for (int i = 0; i < times; i++) {
        contrast_headers *signed_headers = NULL;
        CHECK(contrast_auth_sign(auth, "POST", SIGN_URL, JSON, (const uint8_t *)body,
                                 sizeof body - 1, &signed_headers) == CONTRAST_RESULT_OK,
              "sign: %s", last_error());
        contrast_headers_free(signed_headers);
    }
    uint8_t nonce[CONTRAST_NONCE_LEN] = {1, 2, 3};
    contrast_headers *fixed = NULL;
    CHECK(contrast_auth_sign_with_nonce(auth, "PUT", SIGN_URL, JSON, (const uint8_t *)body,
                                        sizeof body - 1, 1767225600, nonce,
                                        &fixed) == CONTRAST_RESULT_OK,
          "sign_with_nonce: %s", last_error());
    contrast_headers_free(fixed);
}

static contrast_send_outcome send_report(const contrast_auth *auth) {
    static const char body[] = "{\"findings\":[{\"rule\":\"xss\"}]}";
    contrast_send_outcome outcome;
    memset(&outcome, 0, sizeof outcome);
    CHECK(contrast_auth_send(auth, "POST", REPORT, JSON, (const uint8_t *)body, sizeof body - 1,
                             &outcome) == CONTRAST_RESULT_OK,
          "send: %s", last_error());
    return outcome;
}

int main(void) {
    int sends = atoi(need("AUDIT_SENDS"));

    /* 1. From the environment with a configured api.signing_key (signing only). */
    phase("from_environment");
    use_config("signing.yaml");
    contrast_auth *configured = NULL;
    CHECK(contrast_auth_from_environment(&configured) == CONTRAST_RESULT_OK, "%s", last_error());
    phase("header_reads");
    read_headers(configured);
    phase("sign");
    sign(configured, sends);
    phase("free");
    contrast_auth_free(configured);

    /* 2. From a token. */
    phase("from_token");
    contrast_auth *from_token = NULL;
    CHECK(contrast_auth_from_token(need("AUDIT_TOKEN"), &from_token) == CONTRAST_RESULT_OK, "%s",
          last_error());
    phase("header_reads");
    read_headers(from_token);
    phase("sign");
    sign(from_token, sends);
    phase("free");
    contrast_auth_free(from_token);

    /* 3. From explicit values, rotated (then signed with contrast-prev as well). */
    phase("new");
    contrast_auth *explicit_values = NULL;
    CHECK(contrast_auth_new("https://app.contrastsecurity.com/Contrast", need("AUDIT_USER_N"),
                            need("AUDIT_SK_N"), need("AUDIT_AK_N"),
                            &explicit_values) == CONTRAST_RESULT_OK,
          "%s", last_error());
    phase("header_reads");
    read_headers(explicit_values);
    phase("sign");
    sign(explicit_values, sends);
    phase("rotate");
    CHECK(contrast_auth_rotate(explicit_values, need("AUDIT_SK_N2"), need("AUDIT_AK_N2")) ==
              CONTRAST_RESULT_OK,
          "%s", last_error());
    read_headers(explicit_values);
    sign(explicit_values, sends);
    phase("free");
    contrast_auth_free(explicit_values);

    /* 4. From the environment, sending to the test server. The file holds a service key the
     * server refuses; before the first report the file is replaced: the server answers 503,
     * 500 (retried), then 401, the library reloads the file and the retry is accepted. */
    phase("from_environment");
    use_config("refused.yaml");
    contrast_auth *sender = NULL;
    CHECK(contrast_auth_from_environment(&sender) == CONTRAST_RESULT_OK, "%s", last_error());
    if (!sender) return 1;
    use_config("accepted.yaml");
    phase("send_retry_reload");
    contrast_send_outcome first = send_report(sender);
    CHECK(first.attempts == 4 && first.reloaded && first.generation == 2,
          "first report: %u attempts, reloaded %d, generation %llu", first.attempts,
          (int)first.reloaded, (unsigned long long)first.generation);
    phase("send");
    for (int i = 0; i < sends; i++) {
        contrast_send_outcome o = send_report(sender);
        CHECK(o.attempts == 1, "report %d: %u attempts", i, o.attempts);
    }
    phase("header_reads");
    read_headers(sender);
    phase("sign");
    sign(sender, sends);
    phase("reload");
    use_config("reloaded.yaml");
    uint32_t changed = 0;
    CHECK(contrast_auth_reload(sender, &changed) == CONTRAST_RESULT_OK, "%s", last_error());
    CHECK(changed & CONTRAST_KEY_SERVICE_KEY, "reload changed %u", changed);
    phase("send");
    for (int i = 0; i < 3; i++) send_report(sender);
    phase("rotate");
    CHECK(contrast_auth_rotate(sender, need("AUDIT_SK_E4"), need("AUDIT_AK_E4")) ==
              CONTRAST_RESULT_OK,
          "%s", last_error());
    phase("send");
    for (int i = 0; i < 3; i++) send_report(sender);
    phase("sign");
    sign(sender, 3);
    phase("free");
    contrast_auth_free(sender);

    /* 5. The proxy in use: its URL holds a password, which the HTTP client copies into its
     * own proxy settings; they are freed with the handle. The proxy (127.0.0.1:9) refuses
     * connections, so the report ends with CONTRAST_RESULT_NETWORK after its retries. */
    phase("proxy");
    CHECK(setenv("CONTRAST__API__PROXY__ENABLE", "true", 1) == 0, "setenv");
    contrast_auth *proxied = NULL;
    CHECK(contrast_auth_from_environment(&proxied) == CONTRAST_RESULT_OK, "%s", last_error());
    if (proxied) {
        static const char body[] = "{\"findings\":[]}";
        contrast_send_outcome outcome;
        memset(&outcome, 0, sizeof outcome);
        contrast_result r = contrast_auth_send(proxied, "POST", REPORT, JSON, (const uint8_t *)body,
                                               sizeof body - 1, &outcome);
        CHECK(r == CONTRAST_RESULT_NETWORK, "send through the refusing proxy: result %d (%s)",
              (int)r, last_error());
        phase("free");
        contrast_auth_free(proxied);
    }
    phase("exit");

    printf("heap-audit driver: %d failures\n", failures);
    return failures == 0 ? 0 : 1;
}
