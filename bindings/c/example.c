/*
 * contrast-auth from C: credentials from the environment (or explicit values), the two
 * header values, a signed report, a key rotation. Build and run: bindings/c/run-tests.sh
 * (or, from the repository root: gcc -std=c11 -Iinclude bindings/c/example.c
 *  -Ltarget/release -lcontrast_auth -Wl,-rpath,"$PWD/target/release" -o example).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contrast_auth.h"

/* Prints what failed: the code's static message and this thread's detail (no secrets). */
static int fail(const char *what, contrast_result r) {
    char detail[512];
    size_t len = 0;
    if (contrast_last_error(detail, sizeof detail, &len) != CONTRAST_RESULT_OK) detail[0] = '\0';
    fprintf(stderr, "%s: %s (%s)\n", what, contrast_result_message(r), detail);
    return 1;
}

int main(void) {
    contrast_auth *auth = NULL;
    /* Agents normally use contrast_auth_from_environment(&auth). */
    contrast_result r = contrast_auth_new("https://app.contrastsecurity.com/Contrast",
                                          "agent_0f3c9a1e@ExampleOrg", "SVCKEY4Q7Z2M9X1B",
                                          "APIKEYd8f2a61c0e9b47", &auth);
    if (r != CONTRAST_RESULT_OK) return fail("contrast_auth_new", r);

    /* A header value into a caller buffer; on BUFFER_TOO_SMALL, len says what is needed. */
    char authorization[256];
    size_t len = 0;
    r = contrast_auth_authorization(auth, authorization, sizeof authorization, &len);
    if (r != CONTRAST_RESULT_OK) return fail("contrast_auth_authorization", r);
    printf("Authorization: %zu characters\n", len); /* a secret: never print the value */

    /* Every request header from one snapshot, in a list the library owns. */
    contrast_headers *headers = NULL;
    r = contrast_auth_headers(auth, &headers);
    if (r != CONTRAST_RESULT_OK) return fail("contrast_auth_headers", r);
    for (size_t i = 0; i < contrast_headers_count(headers); i++) {
        const char *name, *value;
        if (contrast_headers_get(headers, i, &name, &value) == CONTRAST_RESULT_OK)
            printf("header %s (%zu bytes)\n", name, strlen(value));
    }
    contrast_headers_free(headers); /* zeroizes the values */

    /* Sign a report body. */
    const char *body = "{\"findings\":[]}";
    contrast_headers *signature = NULL;
    r = contrast_auth_sign(auth, "POST",
                           "https://app.contrastsecurity.com/Contrast/api/ng/agents/report",
                           "application/json", (const uint8_t *)body, strlen(body), &signature);
    if (r != CONTRAST_RESULT_OK) return fail("contrast_auth_sign", r);
    const char *digest = NULL;
    if (contrast_headers_find(signature, "Content-Digest", &digest) == CONTRAST_RESULT_OK)
        printf("Content-Digest: %s\n", digest);
    contrast_headers_free(signature);

    /* Rotate the API key (layer 2) while other threads may keep reading. */
    contrast_fingerprints before, after;
    contrast_auth_fingerprints(auth, &before);
    r = contrast_auth_rotate(auth, NULL, "NEWAPIKEY7c1d2e3f");
    if (r != CONTRAST_RESULT_OK) return fail("contrast_auth_rotate", r);
    contrast_auth_fingerprints(auth, &after);
    printf("api_key %s -> %s (generation %llu)\n", before.api_key, after.api_key,
           (unsigned long long)after.generation);

    /* Errors are typed and never carry a secret. */
    contrast_auth *bad = NULL;
    r = contrast_auth_new("http://app.contrastsecurity.com/Contrast", "u", "s", "k", &bad);
    printf("http:// URL: %s\n", contrast_result_message(r));

    contrast_auth_free(auth);
    return 0;
}
