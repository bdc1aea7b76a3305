/*
 * C tests of include/contrast_auth.h, linked against the built library.
 * Run by bindings/c/run-tests.sh (plain, then ASan+UBSan, then valgrind).
 * Usage: test_capi VECTOR_DIR WORK_DIR CLI   (VECTOR_DIR holds headers.tsv and signing.tsv,
 * written by vectors_to_tsv.py from tests/vectors/; CLI is the `contrast-auth` binary, whose
 * `test-server` is a real loopback HTTPS server with a certificate made at start).
 *    or: test_capi VECTOR_DIR WORK_DIR SERVER_URL CA_FILE CA_DER_FILE   with a test server the
 * caller started (scripts/test-platforms does, on the host, for cross-built suites; it
 * accepts the same credentials as the CLI form). Builds for POSIX and, with MinGW-w64, for
 * Windows, where only the second form exists (no fork).
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef _WIN32
#include <io.h>
#include <windows.h>
/* The helpers of the POSIX-only tests (#ifndef _WIN32 below: they start the CLI's server
 * with fork/exec) are unused in the Windows build. */
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-variable"

/* The CRT's environment is in the ANSI code page, the library reads the process's UTF-16
 * one: _putenv_s keeps the CRT's copy (which clear_contrast_environment walks), then the
 * UTF-8 value is set again as UTF-16, so non-ASCII values arrive intact. */
static int set_wide(const char *name, const char *value) {
    wchar_t wname[256], wvalue[4096];
    if (!MultiByteToWideChar(CP_UTF8, 0, name, -1, wname, 256)) return -1;
    if (!value) return SetEnvironmentVariableW(wname, NULL) ? 0 : -1;
    if (!MultiByteToWideChar(CP_UTF8, 0, value, -1, wvalue, 4096)) return -1;
    return SetEnvironmentVariableW(wname, wvalue) ? 0 : -1;
}
static int setenv(const char *name, const char *value, int overwrite) {
    (void)overwrite;
    if (_putenv_s(name, value) != 0) return -1;
    return set_wide(name, value);
}
static int unsetenv(const char *name) {
    if (_putenv_s(name, "") != 0) return -1;
    return set_wide(name, NULL);
}
#define environ _environ
#define unlink _unlink
#include <direct.h>
static int make_dir(const char *path) { return _mkdir(path); }
#define rmdir _rmdir
static void pause_ms(long ms) { Sleep((DWORD)ms); }
#else
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;
static int make_dir(const char *path) { return mkdir(path, 0700); }
static void pause_ms(long ms) {
    struct timespec pause = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&pause, NULL);
}
#endif

#include "contrast_auth.h"

static int checks;
static int failures;

#define CHECK(cond, ...)                                                         \
    do {                                                                         \
        checks++;                                                                \
        if (!(cond)) {                                                           \
            failures++;                                                          \
            fprintf(stderr, "%s:%d: FAILED: %s: ", __FILE__, __LINE__, #cond);  \
            fprintf(stderr, __VA_ARGS__);                                        \
            fputc('\n', stderr);                                                 \
        }                                                                        \
    } while (0)

#define EXPECT(expr, expected)                                                   \
    do {                                                                         \
        contrast_result got_ = (expr);                                           \
        CHECK(got_ == (expected), "%s returned %u (%s), expected %u", #expr,     \
              (unsigned)got_, contrast_result_message(got_), (unsigned)(expected)); \
    } while (0)

static const char *URL = "https://app.contrastsecurity.com/Contrast";
static const char *USER = "agent_0f3c9a1e@ExampleOrg";
static const char *SERVICE = "SVCKEY4Q7Z2M9X1B";
static const char *API = "APIKEYd8f2a61c0e9b47";
/* base64("agent_0f3c9a1e@ExampleOrg:SVCKEY4Q7Z2M9X1B") */
static const char *AUTHORIZATION = "YWdlbnRfMGYzYzlhMWVARXhhbXBsZU9yZzpTVkNLRVk0UTdaMk05WDFC";

/* ---------- helpers ---------- */

static char *base64(const unsigned char *in, size_t len) {
    static const char table[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((len + 2) / 3) + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len) v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len) v |= in[i + 2];
        out[o++] = table[(v >> 18) & 63];
        out[o++] = table[(v >> 12) & 63];
        out[o++] = i + 1 < len ? table[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? table[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static char *authorization_of(const char *user, const char *service_key) {
    size_t n = strlen(user) + 1 + strlen(service_key);
    char *plain = malloc(n + 1);
    snprintf(plain, n + 1, "%s:%s", user, service_key);
    char *encoded = base64((const unsigned char *)plain, n);
    free(plain);
    return encoded;
}

static int nibble(char c) { return c <= '9' ? c - '0' : c - 'a' + 10; }

/* Decodes a hex field (NUL appended); "-" gives NULL. */
static unsigned char *unhex(const char *hex, size_t *len) {
    if (strcmp(hex, "-") == 0) return NULL;
    size_t n = strlen(hex) / 2;
    unsigned char *out = malloc(n + 1);
    for (size_t i = 0; i < n; i++) out[i] = (unsigned char)(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
    out[n] = 0;
    if (len) *len = n;
    return out;
}

/* Splits a line into at most `max` tab-separated fields, in place (empty fields kept). */
static size_t split(char *line, char **fields, size_t max) {
    size_t n = 0;
    line[strcspn(line, "\n")] = '\0';
    char *start = line;
    while (n < max) {
        fields[n++] = start;
        char *tab = strchr(start, '\t');
        if (!tab) break;
        *tab = '\0';
        start = tab + 1;
    }
    return n;
}

typedef contrast_result (*reader_fn)(const contrast_auth *, char *, size_t, size_t *);

/* Reads a header value with the size-query protocol: a 1-byte buffer first. */
static char *read_value(reader_fn read, const contrast_auth *auth) {
    char probe[1];
    size_t needed = 0;
    contrast_result r = read(auth, probe, sizeof probe, &needed);
    if (r == CONTRAST_RESULT_OK) {
        char *empty = malloc(1);
        empty[0] = '\0';
        return empty;
    }
    CHECK(r == CONTRAST_RESULT_BUFFER_TOO_SMALL, "size query returned %u", (unsigned)r);
    char *buf = malloc(needed + 1);
    size_t written = 0;
    EXPECT(read(auth, buf, needed + 1, &written), CONTRAST_RESULT_OK);
    CHECK(written == needed && strlen(buf) == needed, "length %zu vs %zu", written, needed);
    return buf;
}

static contrast_auth *new_auth(void) {
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_new(URL, USER, SERVICE, API, &auth), CONTRAST_RESULT_OK);
    CHECK(auth != NULL, "handle");
    return auth;
}

static const char *find(const contrast_headers *list, const char *name) {
    const char *value = NULL;
    EXPECT(contrast_headers_find(list, name, &value), CONTRAST_RESULT_OK);
    return value ? value : "";
}

static char last_error_buf[1024];
static const char *last_error(void) {
    size_t len = 0;
    if (contrast_last_error(last_error_buf, sizeof last_error_buf, &len) != CONTRAST_RESULT_OK)
        return "(contrast_last_error failed)";
    return last_error_buf;
}

static void clear_contrast_environment(void) {
    char *names[256];
    size_t n = 0;
    for (char **e = environ; *e && n < 256; e++) {
        if (strncmp(*e, "CONTRAST", 8) == 0) {
            size_t len = strcspn(*e, "=");
            names[n] = malloc(len + 1);
            memcpy(names[n], *e, len);
            names[n][len] = '\0';
            n++;
        }
    }
    for (size_t i = 0; i < n; i++) {
        unsetenv(names[i]);
        free(names[i]);
    }
}

/* Makes a handle from CONTRAST__API__* variables (plus one extra variable if named), then clears them. */
static contrast_auth *environment_handle(const char *url, const char *user, const char *service,
                                         const char *api, const char *extra_name,
                                         const char *extra_value) {
    clear_contrast_environment();
    setenv("CONTRAST__API__URL", url, 1);
    setenv("CONTRAST__API__USER_NAME", user, 1);
    setenv("CONTRAST__API__SERVICE_KEY", service, 1);
    setenv("CONTRAST__API__API_KEY", api, 1);
    if (extra_name) setenv(extra_name, extra_value, 1);
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_from_environment(&auth), CONTRAST_RESULT_OK);
    clear_contrast_environment();
    return auth;
}

/* Reads both header values of `auth` and checks them against the expected ones. */
static void check_credentials(const contrast_auth *auth, const char *name,
                              const char *authorization, const char *api_key) {
    char *a = read_value(contrast_auth_authorization, auth);
    char *k = read_value(contrast_auth_api_key, auth);
    CHECK(strcmp(a, authorization) == 0, "%s: authorization %s", name, a);
    CHECK(strcmp(k, api_key) == 0, "%s: api key", name);
    free(a);
    free(k);
}

/* Reads one line (any length) into *line, growing it; 0 at the end of the file. (getline
 * is POSIX only.) */
static int read_line(char **line, size_t *cap, FILE *f) {
    size_t len = 0;
    for (;;) {
        if (*cap - len < 2) {
            *cap = *cap ? *cap * 2 : 4096;
            *line = realloc(*line, *cap);
        }
        if (!fgets(*line + len, (int)(*cap - len), f)) return len > 0;
        len += strlen(*line + len);
        if (len > 0 && (*line)[len - 1] == '\n') return 1;
    }
}

/* Runs `each` on every line of DIR/FILE (each returns 1 per case) and checks there were at least min_cases. */
static void run_vectors(const char *dir, const char *file, int (*each)(char *line), int min_cases) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    FILE *f = fopen(path, "r");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    char *line = NULL;
    size_t cap = 0;
    int cases = 0;
    while (read_line(&line, &cap, f)) cases += each(line);
    free(line);
    fclose(f);
    CHECK(cases >= min_cases, "%d cases in %s", cases, file);
}

/* Joins `n` threads and adds up the counts they return. */
static long join_counts(const pthread_t *threads, int n) {
    long total = 0;
    for (int i = 0; i < n; i++) {
        void *r = NULL;
        pthread_join(threads[i], &r);
        total += (long)(intptr_t)r;
    }
    return total;
}

/* ---------- tests ---------- */

static void test_result_messages(void) {
    const char *seen[15];
    for (unsigned code = 0; code < 15; code++) {
        seen[code] = contrast_result_message(code);
        CHECK(seen[code] != NULL && strlen(seen[code]) > 0, "message for %u", code);
        for (unsigned j = 0; j < code; j++)
            CHECK(strcmp(seen[code], seen[j]) != 0, "codes %u and %u share a message", code, j);
    }
    CHECK(CONTRAST_RESULT_OK == 0 && CONTRAST_RESULT_PANIC == 9, "fixed values");
    const unsigned unknown[] = {15, 1000, 0x7fffffffu, 0xffffffffu};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *m = contrast_result_message(unknown[i]);
        CHECK(m != NULL && strstr(m, "unknown") != NULL, "unknown code %u: %s", unknown[i], m);
    }
    CHECK(strlen(CONTRAST_AUTH_VERSION) >= 5, "version macro");
}

/* One line of headers.tsv; counts as one case. */
static int header_case(char *line) {
    char *fields[8];
    CHECK(split(line, fields, 8) == 7, "7 fields");
    unsigned char *v[7];
    for (int i = 0; i < 7; i++) v[i] = unhex(fields[i], NULL);
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_new((char *)v[1], (char *)v[2], (char *)v[3], (char *)v[4], &auth),
           CONTRAST_RESULT_OK);
    if (auth) {
        check_credentials(auth, (char *)v[0], (char *)v[5], (char *)v[6]);
        contrast_headers *list = NULL;
        EXPECT(contrast_auth_headers(auth, &list), CONTRAST_RESULT_OK);
        CHECK(strcmp(find(list, "Authorization"), (char *)v[5]) == 0, "list authorization");
        CHECK(strcmp(find(list, "api-key"), (char *)v[6]) == 0, "list api key");
        contrast_headers_free(list);
        contrast_auth_free(auth);
    }
    for (int i = 0; i < 7; i++) free(v[i]);
    return 1;
}

static void test_header_vectors(const char *dir) { run_vectors(dir, "headers.tsv", header_case, 6); }

static void test_headers_list(void) {
    contrast_auth *auth = new_auth();
    contrast_headers *list = NULL;
    EXPECT(contrast_auth_headers(auth, &list), CONTRAST_RESULT_OK);
    CHECK(contrast_headers_count(list) == 4, "4 headers");
    const char *expected_names[] = {"Authorization", "API-Key", "Accept", "User-Agent"};
    for (size_t i = 0; i < 4; i++) {
        const char *name = NULL, *value = NULL;
        EXPECT(contrast_headers_get(list, i, &name, &value), CONTRAST_RESULT_OK);
        CHECK(name && strcmp(name, expected_names[i]) == 0, "name %zu", i);
        CHECK(value && strlen(value) > 0, "value %zu", i);
    }
    CHECK(strcmp(find(list, "ACCEPT"), "application/json") == 0, "accept");
    CHECK(strncmp(find(list, "User-Agent"), "contrast-auth/", 14) == 0, "user agent");
    const char *name = NULL, *value = NULL;
    EXPECT(contrast_headers_get(list, 4, &name, &value), CONTRAST_RESULT_INVALID_ARGUMENT);
    CHECK(name == NULL && value == NULL, "no output on failure");
    EXPECT(contrast_headers_find(list, "Signature", &value), CONTRAST_RESULT_NOT_FOUND);
    CHECK(value == NULL, "no output on failure");
    CHECK(contrast_headers_count(NULL) == 0, "count of NULL");
    contrast_headers_free(list);
    contrast_headers_free(NULL);
    contrast_auth_free(auth);
}

static void test_token(void) {
    char json[512];
    snprintf(json, sizeof json,
             "{\"url\":\"%s\",\"api_key\":\"%s\",\"service_key\":\"%s\",\"user_name\":\"%s\"}",
             URL, API, SERVICE, USER);
    char *token = base64((const unsigned char *)json, strlen(json));
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_from_token(token, &auth), CONTRAST_RESULT_OK);
    if (auth) {
        char *a = read_value(contrast_auth_authorization, auth);
        CHECK(strcmp(a, AUTHORIZATION) == 0, "token authorization");
        free(a);
        contrast_auth_free(auth);
    }
    contrast_auth *bad = NULL;
    EXPECT(contrast_auth_from_token("not base64!", &bad), CONTRAST_RESULT_INVALID_TOKEN);
    EXPECT(contrast_auth_from_token("", &bad), CONTRAST_RESULT_INVALID_TOKEN);
    token[strlen(token) - 2] = '\0'; /* truncated */
    EXPECT(contrast_auth_from_token(token, &bad), CONTRAST_RESULT_INVALID_TOKEN);
    CHECK(bad == NULL, "no handle on failure");
    free(token);
}

static void write_yaml(const char *path, const char *api_key) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "write %s", path);
    if (!f) return;
    fprintf(f, "api:\n  url: %s\n  user_name: %s\n  service_key: %s\n  api_key: %s\n", URL, USER,
            SERVICE, api_key);
    fclose(f);
}

static void test_environment_and_reload(const char *work) {
    char path[4096];
    snprintf(path, sizeof path, "%s/contrast_security.yaml", work);
    clear_contrast_environment();
    write_yaml(path, API);
    setenv("CONTRAST_CONFIG_PATH", path, 1);
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_from_environment(&auth), CONTRAST_RESULT_OK);
    if (!auth) return;
    char *a = read_value(contrast_auth_authorization, auth);
    CHECK(strcmp(a, AUTHORIZATION) == 0, "yaml authorization");
    free(a);
    uint32_t changed = 99;
    EXPECT(contrast_auth_reload(auth, &changed), CONTRAST_RESULT_OK);
    CHECK(changed == 0, "nothing changed: %u", changed);
    contrast_fingerprints before, after;
    EXPECT(contrast_auth_fingerprints(auth, &before), CONTRAST_RESULT_OK);
    write_yaml(path, "ROTATEDAPIKEY0001");
    EXPECT(contrast_auth_reload(auth, &changed), CONTRAST_RESULT_OK);
    CHECK((changed & CONTRAST_KEY_API_KEY) && !(changed & CONTRAST_KEY_SERVICE_KEY) &&
              !(changed & CONTRAST_KEY_USER_NAME),
          "api key changed: %u", changed);
    char *k = read_value(contrast_auth_api_key, auth);
    CHECK(strcmp(k, "ROTATEDAPIKEY0001") == 0, "reloaded api key %s", k);
    free(k);
    EXPECT(contrast_auth_fingerprints(auth, &after), CONTRAST_RESULT_OK);
    CHECK(after.generation == before.generation + 1, "generation %llu",
          (unsigned long long)after.generation);
    CHECK(strcmp(after.api_key, before.api_key) != 0, "api key fingerprint changed");
    CHECK(strcmp(after.service_key, before.service_key) == 0, "service key fingerprint kept");
    CHECK(strlen(after.signing_key) == CONTRAST_FINGERPRINT_LEN, "fingerprint length");
    /* A broken file: the reload fails, the credentials in use stay. */
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("api:\n  url: http://insecure.example/Contrast\n", f);
        fclose(f);
    }
    changed = 77;
    contrast_result r = contrast_auth_reload(auth, &changed);
    CHECK(r != CONTRAST_RESULT_OK && changed == 77, "broken reload: %u", (unsigned)r);
    k = read_value(contrast_auth_api_key, auth);
    CHECK(strcmp(k, "ROTATEDAPIKEY0001") == 0, "kept api key");
    free(k);
    contrast_auth_free(auth);

    /* Missing keys: CONFIG, with a message naming the key and no handle. */
    f = fopen(path, "w");
    if (f) {
        fprintf(f, "api:\n  url: %s\n  user_name: %s\n  service_key: %s\n", URL, USER, SERVICE);
        fclose(f);
    }
    contrast_auth *missing = NULL;
    EXPECT(contrast_auth_from_environment(&missing), CONTRAST_RESULT_CONFIG);
    CHECK(missing == NULL && strstr(last_error(), "api_key") != NULL, "%s", last_error());
    /* The environment beats the file. */
    setenv("CONTRAST__API__API_KEY", "FROMENVIRONMENT", 1);
    EXPECT(contrast_auth_from_environment(&missing), CONTRAST_RESULT_OK);
    if (missing) {
        k = read_value(contrast_auth_api_key, missing);
        CHECK(strcmp(k, "FROMENVIRONMENT") == 0, "env api key");
        free(k);
        contrast_auth_free(missing);
    }
    /* http:// is refused. */
    setenv("CONTRAST__API__URL", "http://app.contrastsecurity.com/Contrast", 1);
    missing = NULL;
    EXPECT(contrast_auth_from_environment(&missing), CONTRAST_RESULT_TLS_REQUIRED);
    CHECK(missing == NULL, "no handle");
    clear_contrast_environment();
    unlink(path);
}

/* contrast_auth_from_environment_with_options: the agent's own directory under the system
 * directory, host settings above the environment and the file (copied during the call), bad
 * options refused with the field named and nothing written. */
static void test_environment_options(const char *work) {
    char system[4096], agent_dir[4200], path[4300];
    snprintf(system, sizeof system, "%s/etc-contrast", work);
    snprintf(agent_dir, sizeof agent_dir, "%s/c-test_agent", system);
    snprintf(path, sizeof path, "%s/contrast_security.yaml", agent_dir);
    make_dir(system);
    make_dir(agent_dir);
    clear_contrast_environment();
    write_yaml(path, "APIKEYFROMAGENTDIR");

    contrast_environment_options options = {0};
    options.system_config_dir = system;
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_from_environment_with_options(&options, &auth), CONTRAST_RESULT_CONFIG);
    CHECK(auth == NULL, "no handle without the agent's directory");
    options.agent = "c-test_agent";
    EXPECT(contrast_auth_from_environment_with_options(&options, &auth), CONTRAST_RESULT_OK);
    if (auth) {
        check_credentials(auth, "agent directory", AUTHORIZATION, "APIKEYFROMAGENTDIR");
        contrast_auth_free(auth);
        auth = NULL;
    }
    /* The environment beats the file; a host setting beats both. */
    setenv("CONTRAST__API__API_KEY", "APIKEYFROMENVIRONMENT", 1);
    EXPECT(contrast_auth_from_environment_with_options(&options, &auth), CONTRAST_RESULT_OK);
    if (auth) {
        check_credentials(auth, "environment", AUTHORIZATION, "APIKEYFROMENVIRONMENT");
        contrast_auth_free(auth);
        auth = NULL;
    }
    char *key = malloc(64), *value = malloc(64), *user = malloc(64);
    strcpy(key, "contrast.api.api_key");
    strcpy(value, "APIKEYFROMHOST");
    strcpy(user, "agent_\xc3\xbc" "7f3a");
    contrast_setting settings[2] = {{key, value}, {"api.user_name", user}};
    options.settings = settings;
    options.setting_count = 2;
    EXPECT(contrast_auth_from_environment_with_options(&options, &auth), CONTRAST_RESULT_OK);
    memset(value, 0, 64);
    memset(user, 0, 64);
    free(key);
    free(value);
    free(user);
    if (auth) {
        char *expected = authorization_of("agent_\xc3\xbc" "7f3a", SERVICE);
        check_credentials(auth, "host settings", expected, "APIKEYFROMHOST");
        free(expected);
        contrast_auth_free(auth);
        auth = NULL;
    }

    /* Bad options: a typed result naming the field, `*out` untouched. */
    contrast_auth *untouched = (contrast_auth *)&options;
    auth = untouched;
    EXPECT(contrast_auth_from_environment_with_options(NULL, &auth), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "options") != NULL, "%s", last_error());
    EXPECT(contrast_auth_from_environment_with_options(&options, NULL),
           CONTRAST_RESULT_NULL_ARGUMENT);
    contrast_environment_options bad = {0};
    bad.agent = "../etc";
    EXPECT(contrast_auth_from_environment_with_options(&bad, &auth), CONTRAST_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "agent name") != NULL, "%s", last_error());
    bad.agent = NULL;
    bad.setting_count = 1;
    EXPECT(contrast_auth_from_environment_with_options(&bad, &auth), CONTRAST_RESULT_NULL_ARGUMENT);
    contrast_setting null_key[2] = {{"api.api_key", "APIKEYGOOD"}, {NULL, "PLANTEDSECRET77"}};
    bad.settings = null_key;
    bad.setting_count = 2;
    EXPECT(contrast_auth_from_environment_with_options(&bad, &auth), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "setting 1") != NULL && strstr(last_error(), "PLANTED") == NULL,
          "%s", last_error());
    contrast_setting crlf[4] = {{"api.url", URL},
                                {"api.user_name", USER},
                                {"api.service_key", SERVICE},
                                {"api.api_key", "PLANTEDSECRET77\r\nX-Injected: 1"}};
    bad.settings = crlf;
    bad.setting_count = 4;
    EXPECT(contrast_auth_from_environment_with_options(&bad, &auth), CONTRAST_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "api_key") != NULL && strstr(last_error(), "PLANTED") == NULL, "%s",
          last_error());
    CHECK(auth == untouched, "out untouched on failure");

    clear_contrast_environment();
    unlink(path);
    rmdir(agent_dir);
    rmdir(system);
}

static void test_null_arguments(void) {
    contrast_auth *auth = new_auth();
    contrast_auth *out = NULL;
    char buf[128];
    size_t len = 0;
    EXPECT(contrast_auth_new(NULL, USER, SERVICE, API, &out), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "url") != NULL, "%s", last_error());
    EXPECT(contrast_auth_new(URL, NULL, SERVICE, API, &out), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "user_name") != NULL, "%s", last_error());
    EXPECT(contrast_auth_new(URL, USER, NULL, API, &out), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "service_key") != NULL, "%s", last_error());
    EXPECT(contrast_auth_new(URL, USER, SERVICE, NULL, &out), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(strstr(last_error(), "api_key") != NULL, "%s", last_error());
    EXPECT(contrast_auth_new(URL, USER, SERVICE, API, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_from_token(NULL, &out), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_from_token("e30=", NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_from_environment(NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(out == NULL, "no handle written");

    const reader_fn readers[] = {contrast_auth_authorization, contrast_auth_api_key};
    for (size_t i = 0; i < 2; i++) {
        EXPECT(readers[i](NULL, buf, sizeof buf, &len), CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(readers[i](auth, NULL, sizeof buf, &len), CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(readers[i](auth, buf, sizeof buf, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    }
    EXPECT(contrast_last_error(NULL, sizeof buf, &len), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_last_error(buf, sizeof buf, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(len == 0, "no length written");

    contrast_headers *list = NULL;
    EXPECT(contrast_auth_headers(NULL, &list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_headers(auth, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_rotate(NULL, "S", "A"), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_rotate(auth, NULL, NULL), CONTRAST_RESULT_INVALID_ARGUMENT);
    uint32_t changed = 5;
    EXPECT(contrast_auth_reload(NULL, &changed), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_reload(auth, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(changed == 5, "untouched");
    contrast_fingerprints fp;
    EXPECT(contrast_auth_fingerprints(NULL, &fp), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_fingerprints(auth, NULL), CONTRAST_RESULT_NULL_ARGUMENT);

    EXPECT(contrast_auth_headers(auth, &list), CONTRAST_RESULT_OK);
    const char *name = NULL, *value = NULL;
    EXPECT(contrast_headers_get(NULL, 0, &name, &value), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_headers_get(list, 0, NULL, &value), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_headers_get(list, 0, &name, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_headers_find(NULL, "Accept", &value), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_headers_find(list, NULL, &value), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_headers_find(list, "Accept", NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(name == NULL && value == NULL, "nothing written");
    contrast_headers_free(list);

    const char *m = "POST", *u = "https://app.contrastsecurity.com/Contrast/api/ng/x",
               *ct = "application/json";
    const uint8_t body[] = "{}";
    uint8_t nonce[CONTRAST_NONCE_LEN] = {0};
    contrast_headers *signed_list = NULL;
    EXPECT(contrast_auth_sign(NULL, m, u, ct, body, 2, &signed_list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign(auth, NULL, u, ct, body, 2, &signed_list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign(auth, m, NULL, ct, body, 2, &signed_list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign(auth, m, u, NULL, body, 2, &signed_list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign(auth, m, u, ct, NULL, 2, &signed_list), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign(auth, m, u, ct, body, 2, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(NULL, m, u, ct, body, 2, 1, nonce, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, NULL, u, ct, body, 2, 1, nonce, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, m, NULL, ct, body, 2, 1, nonce, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, m, u, NULL, body, 2, 1, nonce, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, m, u, ct, NULL, 2, 1, nonce, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, m, u, ct, body, 2, 1, NULL, &signed_list),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_sign_with_nonce(auth, m, u, ct, body, 2, 1, nonce, NULL),
           CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(signed_list == NULL, "nothing written");
    /* NULL body with length 0 is an empty body. */
    EXPECT(contrast_auth_sign(auth, m, u, ct, NULL, 0, &signed_list), CONTRAST_RESULT_OK);
    CHECK(strcmp(find(signed_list, "Content-Digest"),
                 "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:") == 0,
          "empty-body digest");
    contrast_headers_free(signed_list);
    contrast_auth_free(auth);
    contrast_auth_free(NULL);
}

static void test_invalid_utf8(void) {
    const char *bad[] = {"\xff", "abc\xc3", "\xed\xa0\x80", "ok\xc0\xaf"};
    contrast_auth *auth = new_auth();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *b = bad[i];
        contrast_auth *out = NULL;
        EXPECT(contrast_auth_new(b, USER, SERVICE, API, &out), CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_new(URL, b, SERVICE, API, &out), CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_new(URL, USER, b, API, &out), CONTRAST_RESULT_INVALID_UTF8);
        CHECK(strstr(last_error(), "service_key") && strstr(last_error(), "UTF-8"), "%s",
              last_error());
        EXPECT(contrast_auth_new(URL, USER, SERVICE, b, &out), CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_from_token(b, &out), CONTRAST_RESULT_INVALID_UTF8);
        CHECK(out == NULL, "no handle");
        EXPECT(contrast_auth_rotate(auth, b, NULL), CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_rotate(auth, NULL, b), CONTRAST_RESULT_INVALID_UTF8);
        contrast_headers *list = NULL;
        const char *u = "https://app.contrastsecurity.com/Contrast/x";
        EXPECT(contrast_auth_sign(auth, b, u, "text/plain", NULL, 0, &list),
               CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_sign(auth, "POST", b, "text/plain", NULL, 0, &list),
               CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_sign(auth, "POST", u, b, NULL, 0, &list), CONTRAST_RESULT_INVALID_UTF8);
        CHECK(list == NULL, "no list");
        EXPECT(contrast_auth_headers(auth, &list), CONTRAST_RESULT_OK);
        const char *value = NULL;
        EXPECT(contrast_headers_find(list, b, &value), CONTRAST_RESULT_INVALID_UTF8);
        contrast_headers_free(list);
    }
    char *k = read_value(contrast_auth_api_key, auth);
    CHECK(strcmp(k, API) == 0, "failed rotations changed nothing");
    free(k);
    contrast_auth_free(auth);
}

static void test_bad_values(void) {
    const char *bad[] = {"", "   ", "\t", "KEY\r\nX-Injected: yes", "KEY\n", "\rKEY", "K\x01Y"};
    contrast_auth *auth = new_auth();
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *b = bad[i];
        contrast_auth *out = NULL;
        EXPECT(contrast_auth_new(URL, b, SERVICE, API, &out), CONTRAST_RESULT_INVALID_ARGUMENT);
        EXPECT(contrast_auth_new(URL, USER, b, API, &out), CONTRAST_RESULT_INVALID_ARGUMENT);
        EXPECT(contrast_auth_new(URL, USER, SERVICE, b, &out), CONTRAST_RESULT_INVALID_ARGUMENT);
        CHECK(strstr(last_error(), "api_key") != NULL, "names the key: %s", last_error());
        CHECK(strstr(last_error(), "KEY") == NULL, "no value in the message: %s", last_error());
        contrast_result r = contrast_auth_new(b, USER, SERVICE, API, &out);
        CHECK(r == CONTRAST_RESULT_INVALID_ARGUMENT, "url %zu: %u", i, (unsigned)r);
        EXPECT(contrast_auth_rotate(auth, b, NULL), CONTRAST_RESULT_INVALID_ARGUMENT);
        EXPECT(contrast_auth_rotate(auth, "NEWSERVICEKEY", b), CONTRAST_RESULT_INVALID_ARGUMENT);
        CHECK(out == NULL, "no handle");
    }
    contrast_auth *out = NULL;
    EXPECT(contrast_auth_new("http://app.contrastsecurity.com/Contrast", USER, SERVICE, API, &out),
           CONTRAST_RESULT_TLS_REQUIRED);
    EXPECT(contrast_auth_new("not a url", USER, SERVICE, API, &out),
           CONTRAST_RESULT_INVALID_ARGUMENT);
    EXPECT(contrast_auth_new(URL, "user:name", SERVICE, API, &out),
           CONTRAST_RESULT_INVALID_ARGUMENT);
    CHECK(out == NULL, "no handle");
    contrast_headers *list = NULL;
    EXPECT(contrast_auth_sign(auth, "POST", "http://app.contrastsecurity.com/Contrast/x",
                              "application/json", NULL, 0, &list),
           CONTRAST_RESULT_SIGNING);
    EXPECT(contrast_auth_sign(auth, "PO\r\nST", "https://app.contrastsecurity.com/Contrast/x",
                              "application/json", NULL, 0, &list),
           CONTRAST_RESULT_SIGNING);
    CHECK(list == NULL, "no list");
    /* Values around the rules still work: surrounding blanks are trimmed. */
    EXPECT(contrast_auth_rotate(auth, " NEWSERVICE\t", NULL), CONTRAST_RESULT_OK);
    char *a = read_value(contrast_auth_authorization, auth);
    char *expected = authorization_of(USER, "NEWSERVICE");
    CHECK(strcmp(a, expected) == 0, "trimmed rotation");
    free(a);
    free(expected);
    char *k = read_value(contrast_auth_api_key, auth);
    CHECK(strcmp(k, API) == 0, "api key kept by a NULL");
    free(k);
    contrast_auth_free(auth);
}

static void test_buffer_sizes(void) {
    contrast_auth *auth = new_auth();
    const reader_fn readers[] = {contrast_auth_authorization, contrast_auth_api_key};
    const char *values[] = {AUTHORIZATION, API};
    for (size_t i = 0; i < 2; i++) {
        size_t needed = strlen(values[i]);
        char *buf = malloc(needed + 1);
        for (size_t len = 0; len <= needed; len++) {
            memset(buf, '#', needed + 1);
            size_t out_len = 424242;
            EXPECT(readers[i](auth, buf, len, &out_len), CONTRAST_RESULT_BUFFER_TOO_SMALL);
            CHECK(out_len == needed, "len %zu: out_len %zu, needed %zu", len, out_len, needed);
            int untouched = 1;
            for (size_t j = 0; j <= needed; j++) untouched &= buf[j] == '#';
            CHECK(untouched, "len %zu: the buffer was written", len);
        }
        /* A size probe (snprintf-style): NULL with 0 sets only *out_len. */
        size_t probed = 424242;
        EXPECT(readers[i](auth, NULL, 0, &probed), CONTRAST_RESULT_BUFFER_TOO_SMALL);
        CHECK(probed == needed, "probe: out_len %zu, needed %zu", probed, needed);
        /* NULL with a non-zero length stays NULL_ARGUMENT and writes nothing. */
        probed = 424242;
        EXPECT(readers[i](auth, NULL, needed + 1, &probed), CONTRAST_RESULT_NULL_ARGUMENT);
        CHECK(probed == 424242, "out_len untouched on NULL_ARGUMENT");
        EXPECT(readers[i](auth, NULL, 0, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
        size_t out_len = 0;
        memset(buf, '#', needed + 1);
        EXPECT(readers[i](auth, buf, needed + 1, &out_len), CONTRAST_RESULT_OK);
        CHECK(out_len == needed && buf[needed] == '\0' && strcmp(buf, values[i]) == 0,
              "exact fit");
        free(buf);
    }
    /* contrast_last_error follows the same rules and keeps its text on failure. */
    contrast_auth *out = NULL;
    EXPECT(contrast_auth_new(URL, USER, SERVICE, "", &out), CONTRAST_RESULT_INVALID_ARGUMENT);
    char full[512];
    size_t full_len = 0;
    EXPECT(contrast_last_error(full, sizeof full, &full_len), CONTRAST_RESULT_OK);
    char tiny[4];
    size_t needed = 0;
    EXPECT(contrast_last_error(tiny, sizeof tiny, &needed), CONTRAST_RESULT_BUFFER_TOO_SMALL);
    CHECK(needed == full_len && full_len > 4, "last error length %zu vs %zu", needed, full_len);
    CHECK(strcmp(last_error(), full) == 0, "kept");
    size_t probed = 0;
    EXPECT(contrast_last_error(NULL, 0, &probed), CONTRAST_RESULT_BUFFER_TOO_SMALL);
    CHECK(probed == full_len, "last error probe %zu vs %zu", probed, full_len);
    CHECK(strcmp(last_error(), full) == 0, "kept after a probe");
    EXPECT(contrast_last_error(NULL, 1, &probed), CONTRAST_RESULT_NULL_ARGUMENT);
    contrast_auth_free(auth);
}

/* ---------- contrast_version ---------- */

static void test_version(void) {
    const char *version = contrast_version();
    CHECK(version != NULL, "contrast_version() is not NULL");
    if (!version) return;
    CHECK(strcmp(version, CONTRAST_AUTH_VERSION) == 0, "library %s, header %s", version,
          CONTRAST_AUTH_VERSION);
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", CONTRAST_AUTH_VERSION_MAJOR,
             CONTRAST_AUTH_VERSION_MINOR, CONTRAST_AUTH_VERSION_PATCH);
    CHECK(strcmp(version, expected) == 0, "%s vs %s", version, expected);
    CHECK(contrast_version() == version, "the same static string every call");
}

/* ---------- rotation while 8 threads read ---------- */

#define READERS 8
#define ROTATIONS 200
#define MAX_READS 3000

struct shared {
    contrast_auth *auth;
    atomic_int done;
};

static void *reader_thread(void *arg) {
    struct shared *s = arg;
    long bad = 0, reads = 0;
    while ((!atomic_load(&s->done) || reads < 100) && reads < MAX_READS) {
        contrast_headers *list = NULL;
        if (contrast_auth_headers(s->auth, &list) != CONTRAST_RESULT_OK) {
            bad++;
            continue;
        }
        const char *a = NULL, *k = NULL;
        if (contrast_headers_find(list, "Authorization", &a) != CONTRAST_RESULT_OK ||
            contrast_headers_find(list, "API-Key", &k) != CONTRAST_RESULT_OK) {
            bad++;
        } else {
            /* API key "api-N" goes with service key "svc-N". */
            char service[32];
            snprintf(service, sizeof service, "svc-%s", k + 4);
            char *expected = authorization_of(USER, service);
            if (strncmp(k, "api-", 4) != 0 || strcmp(a, expected) != 0) bad++;
            free(expected);
        }
        contrast_headers_free(list);
        /* Single reads must each be a value of some generation. */
        char buf[128];
        size_t len = 0;
        if (contrast_auth_api_key(s->auth, buf, sizeof buf, &len) != CONTRAST_RESULT_OK ||
            strncmp(buf, "api-", 4) != 0 || len != strlen(buf))
            bad++;
        reads++;
    }
    return (void *)(intptr_t)bad;
}

static void test_rotation_threads(void) {
    struct shared s;
    s.auth = NULL;
    atomic_init(&s.done, 0);
    EXPECT(contrast_auth_new(URL, USER, "svc-0", "api-0", &s.auth), CONTRAST_RESULT_OK);
    if (!s.auth) return;
    pthread_t threads[READERS];
    for (int i = 0; i < READERS; i++) pthread_create(&threads[i], NULL, reader_thread, &s);
    int rotate_failures = 0;
    for (int n = 1; n <= ROTATIONS; n++) {
        char service[32], api[32];
        snprintf(service, sizeof service, "svc-%d", n);
        snprintf(api, sizeof api, "api-%d", n);
        if (contrast_auth_rotate(s.auth, service, api) != CONTRAST_RESULT_OK) rotate_failures++;
    }
    atomic_store(&s.done, 1);
    long bad = join_counts(threads, READERS);
    CHECK(rotate_failures == 0, "%d rotations failed", rotate_failures);
    CHECK(bad == 0, "%ld inconsistent reads", bad);
    contrast_fingerprints fp;
    EXPECT(contrast_auth_fingerprints(s.auth, &fp), CONTRAST_RESULT_OK);
    CHECK(fp.generation == ROTATIONS + 1, "generation %llu", (unsigned long long)fp.generation);
    char *k = read_value(contrast_auth_api_key, s.auth);
    CHECK(strcmp(k, "api-200") == 0, "last rotation wins: %s", k);
    free(k);
    contrast_auth_free(s.auth);
}

/* ---------- signing vectors ---------- */

static contrast_auth *signing_handle(unsigned char **v) {
    const char *user = (char *)v[1], *service = (char *)v[2], *api = (char *)v[3];
    const char *signing_key = (char *)v[4], *prev_service = (char *)v[5], *prev_api = (char *)v[6];
    /* With previous keys, the handle starts with them and then rotates to the current ones. */
    const char *first_service = prev_service ? prev_service : service;
    const char *first_api = prev_api ? prev_api : api;
    contrast_auth *auth = NULL;
    if (signing_key)
        auth = environment_handle(URL, user, first_service, first_api, "CONTRAST__API__SIGNING_KEY",
                                  signing_key);
    else
        EXPECT(contrast_auth_new(URL, user, first_service, first_api, &auth), CONTRAST_RESULT_OK);
    if (auth && prev_service)
        EXPECT(contrast_auth_rotate(auth, service, api), CONTRAST_RESULT_OK);
    return auth;
}

/* One line of signing.tsv; counts as one case unless it has the wrong number of fields. */
static int signing_case(char *line) {
    char *fields[20];
    size_t n = split(line, fields, 20);
    CHECK(n == 18, "18 fields, got %zu", n);
    if (n != 18) return 0;
    unsigned char *v[18];
    size_t body_len = 0, nonce_len = 0;
    for (size_t i = 0; i < 18; i++)
        v[i] = i == 11 ? NULL : unhex(fields[i], i == 10 ? &body_len : i == 12 ? &nonce_len : NULL);
    unsigned long long created = strtoull(fields[11], NULL, 10);
    const char *name = (char *)v[0];
    contrast_auth *auth = signing_handle(v);
    CHECK(nonce_len == CONTRAST_NONCE_LEN, "%s: nonce", name);
    if (auth) {
        check_credentials(auth, name, (char *)v[13], (char *)v[14]);
        contrast_headers *list = NULL;
        EXPECT(contrast_auth_sign_with_nonce(auth, (char *)v[7], (char *)v[8], (char *)v[9], v[10],
                                             body_len, (uint64_t)created, v[12], &list),
               CONTRAST_RESULT_OK);
        if (list) {
            CHECK(contrast_headers_count(list) == 3, "%s: 3 headers", name);
            CHECK(strcmp(find(list, "Content-Digest"), (char *)v[15]) == 0,
                  "%s: content digest %s", name, find(list, "Content-Digest"));
            CHECK(strcmp(find(list, "Signature-Input"), (char *)v[16]) == 0,
                  "%s: signature input %s", name, find(list, "Signature-Input"));
            CHECK(strcmp(find(list, "Signature"), (char *)v[17]) == 0, "%s: signature %s", name,
                  find(list, "Signature"));
            contrast_headers_free(list);
        }
        contrast_auth_free(auth);
    }
    for (size_t i = 0; i < 18; i++) free(v[i]);
    return 1;
}

static void test_signing_vectors(const char *dir) { run_vectors(dir, "signing.tsv", signing_case, 20); }

static void test_sign_now(void) {
    contrast_auth *auth = new_auth();
    const char *body = "{\"report\":1}";
    contrast_headers *first = NULL, *second = NULL;
    const char *url = "https://app.contrastsecurity.com/Contrast/api/ng/agents/report";
    EXPECT(contrast_auth_sign(auth, "POST", url, "application/json", (const uint8_t *)body,
                              strlen(body), &first),
           CONTRAST_RESULT_OK);
    EXPECT(contrast_auth_sign(auth, "POST", url, "application/json", (const uint8_t *)body,
                              strlen(body), &second),
           CONTRAST_RESULT_OK);
    if (first && second) {
        const char *input = find(first, "Signature-Input");
        CHECK(strncmp(input, "contrast=(\"@method\"", 19) == 0, "%s", input);
        const char *created = strstr(input, ";created=");
        long long t = created ? atoll(created + 9) : 0;
        long long now = (long long)time(NULL);
        CHECK(t >= now - 5 && t <= now + 5, "created %lld vs now %lld", t, now);
        contrast_fingerprints fp;
        EXPECT(contrast_auth_fingerprints(auth, &fp), CONTRAST_RESULT_OK);
        /* The keyid: 16 hex digits of SHA-256 of the key (the fingerprint its first 8). */
        char keyid_prefix[32];
        snprintf(keyid_prefix, sizeof keyid_prefix, ";keyid=\"%s", fp.signing_key);
        const char *keyid = strstr(input, keyid_prefix);
        CHECK(keyid != NULL && strspn(keyid + 8, "0123456789abcdef") == 16 && keyid[24] == '"',
              "%s", input);
        CHECK(strstr(input, "agent_0f3c9a1e") == NULL, "no user name: %s", input);
        CHECK(strcmp(find(first, "Content-Digest"), find(second, "Content-Digest")) == 0,
              "same digest");
        CHECK(strcmp(input, find(second, "Signature-Input")) != 0, "fresh nonce each time");
    }
    contrast_headers_free(first);
    contrast_headers_free(second);
    /* After a rotation, both signatures. */
    EXPECT(contrast_auth_rotate(auth, "NEWSERVICEKEY", "NEWAPIKEY"), CONTRAST_RESULT_OK);
    EXPECT(contrast_auth_sign(auth, "POST", url, "application/json", NULL, 0, &first),
           CONTRAST_RESULT_OK);
    if (first) CHECK(strstr(find(first, "Signature"), "contrast-prev=:") != NULL, "prev label");
    contrast_headers_free(first);
    contrast_auth_free(auth);
}

/* ---------- sending reports to a real loopback HTTPS server ---------- */

static const char *ROTATED_API = "ROTATEDAPIKEY2222";
/* User names with a Latin-1 character (ü) and a 4-byte UTF-8 character (U+1D11E). */
static const char *LATIN1_USER = "agent_\xc3\xbc" "7f3a";
static const char *FOUR_BYTE_USER = "agent_\xf0\x9d\x84\x9e" "7f3a@Org";

struct server {
    int external; /* started by the caller: not stopped here */
#ifndef _WIN32
    pid_t pid;
    int stdin_fd;
#endif
    char url[256];
    char ca_file[4096];
    char ca_der_file[4096];
};


/* Uses a server the caller started (URL, its CA as PEM and as DER). */
static int external_server(const char *const *args, struct server *s) {
    memset(s, 0, sizeof *s);
    s->external = 1;
    int ok = strlen(args[0]) < sizeof s->url && strlen(args[1]) < sizeof s->ca_file &&
             strlen(args[2]) < sizeof s->ca_der_file;
    CHECK(ok, "server URL and CA files fit");
    if (!ok) return 0;
    strcpy(s->url, args[0]);
    strcpy(s->ca_file, args[1]);
    strcpy(s->ca_der_file, args[2]);
    return 1;
}

#ifdef _WIN32
static int start_server(const char *cli, const char *work, struct server *s) {
    (void)work;
    (void)s;
    CHECK(0, "on Windows the test server is started by the caller (got %s)", cli);
    return 0;
}
static void stop_server(struct server *s) { (void)s; }
#else
static int json_string(const char *line, const char *key, char *out, size_t cap) {
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\":\"", key);
    const char *start = strstr(line, pattern);
    if (!start) return 0;
    start += strlen(pattern);
    size_t len = strcspn(start, "\"");
    if (len >= cap) return 0;
    memcpy(out, start, len);
    out[len] = '\0';
    return 1;
}

/* Starts `CLI test-server --accept USER:SERVICE:API ... EXTRA...` (EXTRA NULL-terminated, or
 * NULL); it serves until its stdin closes. */
static int start_server_with(const char *cli, const char *work, struct server *s,
                             const char *const *extra) {
    memset(s, 0, sizeof *s);
    char ca_out[4096], accept[256];
    snprintf(ca_out, sizeof ca_out, "%s/test-server-ca.pem", work);
    snprintf(accept, sizeof accept, "%s:%s:%s", USER, SERVICE, API);
    char accept_rotated[256], accept_latin1[256], accept_four_byte[256];
    snprintf(accept_rotated, sizeof accept_rotated, "%s:%s:%s", USER, SERVICE, ROTATED_API);
    snprintf(accept_latin1, sizeof accept_latin1, "%s:%s:%s", LATIN1_USER, SERVICE, API);
    snprintf(accept_four_byte, sizeof accept_four_byte, "%s:%s:%s", FOUR_BYTE_USER, SERVICE, API);
    const char *argv[40] = {cli, "test-server", "--accept", accept, "--accept", accept_rotated,
                            "--accept", accept_latin1, "--accept", accept_four_byte,
                            "--ca-out", ca_out};
    int argc = 12;
    for (int i = 0; extra && extra[i] && argc < 39; i++) argv[argc++] = extra[i];
    argv[argc] = NULL;
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) return 0;
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        dup2(to_child[0], 0);
        dup2(from_child[1], 1);
        close(to_child[0]);
        close(to_child[1]);
        close(from_child[0]);
        close(from_child[1]);
        execv(cli, (char *const *)argv);
        _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    s->pid = pid;
    s->stdin_fd = to_child[1];
    FILE *f = fdopen(from_child[0], "r");
    char line[8192] = {0};
    int ok = f && fgets(line, sizeof line, f) && json_string(line, "url", s->url, sizeof s->url) &&
             json_string(line, "ca_file", s->ca_file, sizeof s->ca_file) &&
             json_string(line, "ca_der_file", s->ca_der_file, sizeof s->ca_der_file);
    if (f) fclose(f);
    CHECK(ok, "test server started: %s", line);
    return ok;
}

static int start_server(const char *cli, const char *work, struct server *s) {
    return start_server_with(cli, work, s, NULL);
}

static void stop_server(struct server *s) {
    close(s->stdin_fd);
    int status = 0;
    waitpid(s->pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "test server exit status %d", status);
}
#endif

static contrast_auth *server_handle(const struct server *s, const char *api_key, int trust_ca) {
    return environment_handle(s->url, USER, SERVICE, api_key,
                              trust_ca ? "CONTRAST__API__CERTIFICATE__CA_FILE" : NULL, s->ca_file);
}

#define SENDERS 4
#define SENDS_PER_THREAD 8

struct send_shared {
    contrast_auth *auth;
    int failed;
};

static void *sender_thread(void *arg) {
    struct send_shared *s = arg;
    long failed = 0;
    for (int i = 0; i < SENDS_PER_THREAD; i++) {
        contrast_send_outcome outcome;
        const char *body = "{\"concurrent\":true}";
        if (contrast_auth_send(s->auth, "POST", "/api/ng/agents/report", "application/json",
                               (const uint8_t *)body, strlen(body),
                               &outcome) != CONTRAST_RESULT_OK)
            failed++;
    }
    return (void *)(intptr_t)failed;
}

/* A non-ASCII user name works end to end: configuration (environment), headers, signing
 * (the user name is in no signature header) and sending to the test server, which verifies
 * every signature it receives (and every report the library sends is signed). */
static void test_non_ascii_user_names(const struct server *srv) {
    const char *users[] = {LATIN1_USER, FOUR_BYTE_USER};
    for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
        contrast_auth *auth = environment_handle(srv->url, users[i], SERVICE, API,
                                                 "CONTRAST__API__CERTIFICATE__CA_FILE", srv->ca_file);
        if (!auth) continue;
        char *a = read_value(contrast_auth_authorization, auth);
        CHECK(a[0] != '\0', "Authorization for a non-ASCII user name");
        free(a);
        const char *body = "{\"findings\":[]}";
        contrast_headers *signed_headers = NULL;
        char url[512];
        snprintf(url, sizeof url, "%s/api/ng/agents/report", srv->url);
        EXPECT(contrast_auth_sign(auth, "POST", url, "application/json", (const uint8_t *)body,
                                  strlen(body), &signed_headers),
               CONTRAST_RESULT_OK);
        for (size_t h = 0; h < contrast_headers_count(signed_headers); h++) {
            const char *name = NULL, *value = NULL;
            contrast_headers_get(signed_headers, h, &name, &value);
            CHECK(value && strstr(value, users[i]) == NULL, "%s carries the user name", name);
        }
        contrast_headers_free(signed_headers);
        contrast_send_outcome outcome;
        memset(&outcome, 0, sizeof outcome);
        EXPECT(contrast_auth_send(auth, "POST", "/api/ng/agents/report", "application/json",
                                  (const uint8_t *)body, strlen(body), &outcome),
               CONTRAST_RESULT_OK);
        CHECK(outcome.status == 200 && outcome.attempts == 1, "non-ASCII user: status %u",
              outcome.status);
        contrast_auth_free(auth);
    }
}

/* Several threads send on one handle while the main thread rotates the API key back and
 * forth between two keys the server accepts: every report is accepted. */
static void test_concurrent_send(const struct server *srv) {
    struct send_shared s;
    s.auth = server_handle(srv, API, 1);
    if (!s.auth) return;
    pthread_t threads[SENDERS];
    for (int i = 0; i < SENDERS; i++) pthread_create(&threads[i], NULL, sender_thread, &s);
    for (int i = 0; i < 20; i++) {
        EXPECT(contrast_auth_rotate(s.auth, NULL, i % 2 == 0 ? ROTATED_API : API),
               CONTRAST_RESULT_OK);
        pause_ms(2);
    }
    long failed = join_counts(threads, SENDERS);
    CHECK(failed == 0, "%ld of %d concurrent reports failed", failed, SENDERS * SENDS_PER_THREAD);
    contrast_auth_free(s.auth);
}

/* musl gives the threads a C program creates 128 KiB of stack (glibc 8 MiB, Windows 1 MiB),
 * and a library loaded with dlopen cannot raise that default. Creating a handle, a first
 * report (TLS handshake, retry loop) and signing must fit in it: run on a thread created
 * with exactly that much stack against every shipped library (scripts/test-platforms).
 * The unoptimized development build needs more: bindings/c/run-tests.sh sets SMALL_STACK. */
#ifndef SMALL_STACK
#define SMALL_STACK (128 * 1024)
#endif

static void *small_stack_thread(void *arg) {
    const struct server *srv = arg;
    long failed = 0;
    contrast_auth *auth = server_handle(srv, API, 1);
    if (!auth) return (void *)(intptr_t)1;
    const char *body = "{\"small_stack\":true}";
    contrast_send_outcome outcome;
    memset(&outcome, 0, sizeof outcome);
    if (contrast_auth_send(auth, "POST", "/api/ng/agents/report", "application/json",
                           (const uint8_t *)body, strlen(body), &outcome) != CONTRAST_RESULT_OK ||
        outcome.status != 200)
        failed++;
    char url[512];
    snprintf(url, sizeof url, "%s/api/ng/agents/report", srv->url);
    contrast_headers *signed_headers = NULL;
    if (contrast_auth_sign(auth, "POST", url, "application/json", (const uint8_t *)body,
                           strlen(body), &signed_headers) != CONTRAST_RESULT_OK ||
        contrast_headers_count(signed_headers) != 3)
        failed++;
    contrast_headers_free(signed_headers);
    contrast_auth_free(auth);
    return (void *)(intptr_t)failed;
}

static void test_send_on_a_small_stack(const struct server *srv) {
    pthread_attr_t attr;
    pthread_t thread;
    CHECK(pthread_attr_init(&attr) == 0, "pthread_attr_init");
    CHECK(pthread_attr_setstacksize(&attr, SMALL_STACK) == 0, "a %d-byte stack", SMALL_STACK);
    int created = pthread_create(&thread, &attr, small_stack_thread, (void *)srv);
    pthread_attr_destroy(&attr);
    CHECK(created == 0, "pthread_create with a %d-byte stack", SMALL_STACK);
    if (created != 0) return;
    long failed = join_counts(&thread, 1);
    CHECK(failed == 0, "%ld of 2 calls failed on a %d-byte stack", failed, SMALL_STACK);
}

/* Reads a whole (small) file into a malloc'd buffer; returns NULL on failure. */
static uint8_t *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    uint8_t *buf = malloc(65536);
    *len = buf ? fread(buf, 1, 65536, f) : 0;
    fclose(f);
    return buf;
}

/* contrast_auth_from_environment_with_trust: the server's CA handed over as DER (no
 * ca_file) is trusted; bad anchors are refused with the index named; the extra anchors are
 * used together with api.certificate.ca_file. */
static void test_trust_anchors(const struct server *s) {
    const char *path = "/api/ng/agents/report", *json = "application/json";
    size_t der_len = 0;
    uint8_t *der = read_file(s->ca_der_file, &der_len);
    CHECK(der != NULL && der_len > 100, "CA DER read from %s", s->ca_der_file);
    if (!der) return;
    uint8_t junk[] = {0x30, 0x03, 0x01, 0x02, 0x03};
    contrast_bytes good = {der, der_len};
    contrast_bytes anchors[2] = {{der, der_len}, {junk, sizeof junk}};
    contrast_bytes null_data = {NULL, 10};
    contrast_bytes empty = {der, 0};

    clear_contrast_environment();
    setenv("CONTRAST__API__URL", s->url, 1);
    setenv("CONTRAST__API__USER_NAME", USER, 1);
    setenv("CONTRAST__API__SERVICE_KEY", SERVICE, 1);
    setenv("CONTRAST__API__API_KEY", API, 1);

    contrast_auth *untouched = (contrast_auth *)&good;
    contrast_auth *auth = untouched;
    EXPECT(contrast_auth_from_environment_with_trust(anchors, 2, &auth),
           CONTRAST_RESULT_INVALID_ARGUMENT);
    CHECK(strstr(last_error(), "trust anchor 1") != NULL, "%s", last_error());
    EXPECT(contrast_auth_from_environment_with_trust(NULL, 1, &auth), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_from_environment_with_trust(&null_data, 1, &auth),
           CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_from_environment_with_trust(&empty, 1, &auth),
           CONTRAST_RESULT_INVALID_ARGUMENT);
    EXPECT(contrast_auth_from_environment_with_trust(&good, 1, NULL), CONTRAST_RESULT_NULL_ARGUMENT);
    CHECK(auth == untouched, "out untouched on failure");

    /* The DER anchor alone: accepted. The bytes may be freed once the call returns. */
    uint8_t *copy = malloc(der_len);
    memcpy(copy, der, der_len);
    contrast_bytes copied = {copy, der_len};
    auth = NULL;
    EXPECT(contrast_auth_from_environment_with_trust(&copied, 1, &auth), CONTRAST_RESULT_OK);
    memset(copy, 0, der_len);
    free(copy);
    contrast_send_outcome outcome;
    if (auth) {
        EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, &outcome), CONTRAST_RESULT_OK);
        contrast_auth_free(auth);
    }

    /* No anchors and no ca_file: the system store does not trust the test CA. */
    auth = NULL;
    EXPECT(contrast_auth_from_environment_with_trust(NULL, 0, &auth), CONTRAST_RESULT_OK);
    if (auth) {
        EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, &outcome), CONTRAST_RESULT_TLS);
        contrast_auth_free(auth);
    }

    /* The anchors are added to api.certificate.ca_file, not used instead of it: a ca_file
     * that holds no certificate is still read and reported (CONFIG), anchors or not. */
    char broken[4200];
    snprintf(broken, sizeof broken, "%s.broken.pem", s->ca_file);
    FILE *f = fopen(broken, "w");
    CHECK(f != NULL, "write %s", broken);
    if (f) {
        fputs("not a certificate\n", f);
        fclose(f);
        setenv("CONTRAST__API__CERTIFICATE__CA_FILE", broken, 1);
        auth = NULL;
        EXPECT(contrast_auth_from_environment_with_trust(&good, 1, &auth), CONTRAST_RESULT_OK);
        if (auth) {
            EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, &outcome),
                   CONTRAST_RESULT_CONFIG);
            CHECK(strstr(last_error(), "no PEM certificate") != NULL, "%s", last_error());
            contrast_auth_free(auth);
        }
        /* With the server's CA in ca_file and the anchor too: accepted. */
        setenv("CONTRAST__API__CERTIFICATE__CA_FILE", s->ca_file, 1);
        auth = NULL;
        EXPECT(contrast_auth_from_environment_with_trust(&good, 1, &auth), CONTRAST_RESULT_OK);
        if (auth) {
            EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, &outcome),
                   CONTRAST_RESULT_OK);
            contrast_auth_free(auth);
        }
    }
    clear_contrast_environment();
    free(der);
}

/* Sends to the CLI's test server (`server_args` = {CLI}), or to a running one
 * (`server_args` = {URL, CA_FILE, CA_DER_FILE}). */
static void test_send(const char *const *server_args, int n_args, const char *work) {
    struct server s;
    int started = n_args == 3 ? external_server(server_args, &s)
                              : start_server(server_args[0], work, &s);
    if (!started) return;
    const char *path = "/api/ng/agents/report", *json = "application/json";
    const char *body = "{\"findings\":[]}";
    size_t body_len = strlen(body);

    contrast_auth *auth = server_handle(&s, API, 1);
    if (auth) {
        contrast_send_outcome outcome;
        memset(&outcome, 0, sizeof outcome);
        EXPECT(contrast_auth_send(auth, "POST", path, json, (const uint8_t *)body, body_len,
                                  &outcome),
               CONTRAST_RESULT_OK);
        CHECK(outcome.status >= 200 && outcome.status < 300, "status %u", outcome.status);
        CHECK(outcome.attempts == 1 && outcome.generation == 1 && !outcome.reloaded,
              "attempts %u generation %llu", outcome.attempts,
              (unsigned long long)outcome.generation);
        /* Bad input to send. */
        contrast_send_outcome untouched;
        memset(&untouched, 0x5a, sizeof untouched);
        EXPECT(contrast_auth_send(NULL, "POST", path, json, NULL, 0, &untouched),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, NULL, path, json, NULL, 0, &untouched),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", NULL, json, NULL, 0, &untouched),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", path, NULL, NULL, 0, &untouched),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 5, &untouched),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, NULL),
               CONTRAST_RESULT_NULL_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", "\xff", json, NULL, 0, &untouched),
               CONTRAST_RESULT_INVALID_UTF8);
        EXPECT(contrast_auth_send(auth, "POST", "no-slash", json, NULL, 0, &untouched),
               CONTRAST_RESULT_INVALID_ARGUMENT);
        EXPECT(contrast_auth_send(auth, "POST", "/x\r\nX-Injected: 1", json, NULL, 0, &untouched),
               CONTRAST_RESULT_INVALID_ARGUMENT);
        CHECK(untouched.status == 0x5a5a, "outcome untouched on failure");
    }

    /* A wrong API key (layer 2): rejected, and the message has no key in it. */
    contrast_auth *wrong = server_handle(&s, "WRONGAPIKEY000", 1);
    if (wrong) {
        contrast_send_outcome outcome;
        EXPECT(contrast_auth_send(wrong, "POST", path, json, (const uint8_t *)body, body_len,
                                  &outcome),
               CONTRAST_RESULT_CREDENTIALS_REJECTED);
        CHECK(strstr(last_error(), "401") != NULL, "%s", last_error());
        CHECK(strstr(last_error(), "WRONGAPIKEY") == NULL, "no secret: %s", last_error());
        /* Rotating the right key in makes the next report go through. */
        EXPECT(contrast_auth_rotate(wrong, NULL, API), CONTRAST_RESULT_OK);
        EXPECT(contrast_auth_send(wrong, "POST", path, json, (const uint8_t *)body, body_len,
                                  &outcome),
               CONTRAST_RESULT_OK);
        CHECK(outcome.generation == 2, "rotated generation %llu",
              (unsigned long long)outcome.generation);
        contrast_auth_free(wrong);
    }

    /* Without the test CA the server's certificate is not trusted: TLS. */
    contrast_auth *untrusting = server_handle(&s, API, 0);
    if (untrusting) {
        contrast_send_outcome outcome;
        EXPECT(contrast_auth_send(untrusting, "POST", path, json, NULL, 0, &outcome),
               CONTRAST_RESULT_TLS);
        contrast_auth_free(untrusting);
    }

    test_concurrent_send(&s);
    test_trust_anchors(&s);
    test_non_ascii_user_names(&s);
    test_send_on_a_small_stack(&s);

    if (s.external) {
        /* The caller's server keeps running: nothing to stop, so no "server gone" check. */
        if (auth) contrast_auth_free(auth);
        printf("test_capi: external test server: the NETWORK-after-stop check is skipped\n");
        return;
    }
    stop_server(&s);
    /* The server is gone: NETWORK (after bounded retries). */
    if (auth) {
        contrast_send_outcome outcome;
        EXPECT(contrast_auth_send(auth, "POST", path, json, NULL, 0, &outcome),
               CONTRAST_RESULT_NETWORK);
        contrast_auth_free(auth);
    }
}

/* ---------- logging: the log callback and counters ---------- */

#define MAX_RECORDS 512

struct captured {
    uint32_t level;
    char *event;
    char *message;
    pthread_t thread;
};

static struct {
    pthread_mutex_t lock;
    struct captured records[MAX_RECORDS];
    int count;
    int bad_lengths;
    int overflow;
    const contrast_auth *reenter; /* when set, the callback calls back into the library */
} captured = {PTHREAD_MUTEX_INITIALIZER, {{0, NULL, NULL, 0}}, 0, 0, 0, NULL};

static int userdata_tag;

static void capture_record(void *userdata, uint32_t level, const char *event,
                           const char *message, size_t message_len) {
    if (captured.reenter) {
        contrast_counters c;
        contrast_auth_counters(captured.reenter, &c);
    }
    pthread_mutex_lock(&captured.lock);
    if (userdata != &userdata_tag || strlen(message) != message_len) captured.bad_lengths++;
    if (captured.count < MAX_RECORDS) {
        struct captured *r = &captured.records[captured.count++];
        r->level = level;
        r->event = strdup(event);
        r->message = strdup(message);
        r->thread = pthread_self();
    } else {
        captured.overflow++;
    }
    pthread_mutex_unlock(&captured.lock);
}

static void clear_records(void) {
    pthread_mutex_lock(&captured.lock);
    for (int i = 0; i < captured.count; i++) {
        free(captured.records[i].event);
        free(captured.records[i].message);
    }
    captured.count = 0;
    pthread_mutex_unlock(&captured.lock);
}

/* The first record of `event`, or NULL. */
static const struct captured *record_of(const char *event) {
    for (int i = 0; i < captured.count; i++)
        if (strcmp(captured.records[i].event, event) == 0) return &captured.records[i];
    return NULL;
}

static int count_of(const char *event) {
    int n = 0;
    for (int i = 0; i < captured.count; i++) n += strcmp(captured.records[i].event, event) == 0;
    return n;
}

/* Called first in main: the callback works before any handle exists, and NULL turns it off. */
static void test_log_callback_before_any_handle(void) {
    contrast_set_log_callback(capture_record, &userdata_tag, CONTRAST_LOG_TRACE);
    contrast_auth *auth = new_auth();
    EXPECT(contrast_auth_rotate(auth, "ROTATEDBEFOREHANDLES", NULL), CONTRAST_RESULT_OK);
    const struct captured *rotated = record_of("credentials.rotated");
    CHECK(rotated != NULL, "a rotation record (%d records)", captured.count);
    if (rotated) {
        CHECK(rotated->level == CONTRAST_LOG_INFO, "level %u", rotated->level);
        CHECK(strstr(rotated->message, "service_key") != NULL, "%s", rotated->message);
    }
    /* Filtered by level: WARN does not get INFO. */
    contrast_set_log_callback(capture_record, &userdata_tag, CONTRAST_LOG_WARN);
    int before = captured.count;
    EXPECT(contrast_auth_rotate(auth, "ROTATEDAGAIN", NULL), CONTRAST_RESULT_OK);
    CHECK(captured.count == before, "an INFO record passed a WARN filter");
    /* NULL turns logging off; so does level 0. */
    contrast_set_log_callback(NULL, NULL, CONTRAST_LOG_TRACE);
    EXPECT(contrast_auth_rotate(auth, "ROTATEDTHIRD", NULL), CONTRAST_RESULT_OK);
    contrast_set_log_callback(capture_record, &userdata_tag, 0);
    EXPECT(contrast_auth_rotate(auth, "ROTATEDFOURTH", NULL), CONTRAST_RESULT_OK);
    CHECK(captured.count == before, "records after logging was turned off");
    contrast_set_log_callback(NULL, NULL, 0);
    contrast_auth_free(auth);
    clear_records();
}

static const char *WRONG_SERVICE = "WRONGSVCKEY8PLANTED";
static const char *ROTATED_SERVICE = "ROTATEDSVCKEY5PLANTED";

/* `text` and its padded, unpadded, standard and URL-safe base64 forms appear in no record. */
static void check_absent(const char *text) {
    char *encoded = base64((const unsigned char *)text, strlen(text));
    char *forms[4];
    forms[0] = strdup(text);
    forms[1] = strdup(encoded);
    forms[2] = strdup(encoded);
    forms[2][strcspn(forms[2], "=")] = '\0';
    forms[3] = strdup(forms[2]);
    for (char *c = forms[3]; *c; c++) *c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
    for (int f = 0; f < 4; f++) {
        for (int i = 0; i < captured.count; i++)
            CHECK(strstr(captured.records[i].message, forms[f]) == NULL &&
                      strstr(captured.records[i].event, forms[f]) == NULL,
                  "a secret form leaked into %s: %s", captured.records[i].event,
                  captured.records[i].message);
        free(forms[f]);
    }
    free(encoded);
}

static void write_session_yaml(const char *path, const struct server *s, const char *service) {
    FILE *f = fopen(path, "w");
    CHECK(f != NULL, "open %s", path);
    if (!f) return;
    fprintf(f,
            "api:\n  url: %s\n  user_name: %s\n  service_key: %s\n  api_key: %s\n"
            "  certificate:\n    ca_file: %s\n",
            s->url, USER, service, API, s->ca_file);
    fclose(f);
}

#ifndef _WIN32
/* A full session at TRACE: load, sign, send with a retry (503), a clock correction and a 401
 * reload, rotate, send; the expected events on the calling thread, no secret in any form. */
static void test_logging_session(const char *cli, const char *work) {
    struct server s;
    const char *extra[] = {"--accept", NULL, "--fault", "503", "--clock-offset", "60", NULL};
    char accept[256];
    snprintf(accept, sizeof accept, "%s:%s:%s", USER, ROTATED_SERVICE, API);
    extra[1] = accept;
    if (!start_server_with(cli, work, &s, extra)) return;
    contrast_set_log_callback(capture_record, &userdata_tag, CONTRAST_LOG_TRACE);

    char yaml[4096];
    snprintf(yaml, sizeof yaml, "%s/logging_session.yaml", work);
    write_session_yaml(yaml, &s, WRONG_SERVICE);
    clear_contrast_environment();
    setenv("CONTRAST_CONFIG_PATH", yaml, 1);
    contrast_auth *auth = NULL;
    EXPECT(contrast_auth_from_environment(&auth), CONTRAST_RESULT_OK);
    clear_contrast_environment();
    if (!auth) {
        stop_server(&s);
        return;
    }
    write_session_yaml(yaml, &s, SERVICE);
    contrast_counters counters;
    memset(&counters, 0x5a, sizeof counters);
    EXPECT(contrast_auth_counters(auth, &counters), CONTRAST_RESULT_OK);
    CHECK(counters.requests == 0 && counters.acknowledged == 0, "zero before any send");
    EXPECT(contrast_auth_counters(NULL, &counters), CONTRAST_RESULT_NULL_ARGUMENT);
    EXPECT(contrast_auth_counters(auth, NULL), CONTRAST_RESULT_NULL_ARGUMENT);

    char url[512];
    snprintf(url, sizeof url, "%s/api/ng/agents/report", s.url);
    contrast_headers *signed_headers = NULL;
    EXPECT(contrast_auth_sign(auth, "POST", url, "application/json", (const uint8_t *)"{}", 2,
                              &signed_headers),
           CONTRAST_RESULT_OK);
    contrast_headers_free(signed_headers);

    captured.reenter = auth; /* the callback reads counters from inside: no deadlock */
    const char *path = "/api/ng/agents/report", *body = "{\"session\":1}";
    contrast_send_outcome outcome;
    memset(&outcome, 0, sizeof outcome);
    EXPECT(contrast_auth_send(auth, "POST", path, "application/json", (const uint8_t *)body,
                              strlen(body), &outcome),
           CONTRAST_RESULT_OK);
    CHECK(outcome.attempts == 3 && outcome.reloaded, "attempts %u reloaded %d", outcome.attempts,
          (int)outcome.reloaded);
    EXPECT(contrast_auth_rotate(auth, ROTATED_SERVICE, NULL), CONTRAST_RESULT_OK);
    EXPECT(contrast_auth_send(auth, "POST", path, "application/json", (const uint8_t *)body,
                              strlen(body), &outcome),
           CONTRAST_RESULT_OK);
    captured.reenter = NULL;
    EXPECT(contrast_auth_counters(auth, &counters), CONTRAST_RESULT_OK);
    CHECK(counters.acknowledged == 2 && counters.failed == 0 && counters.requests == 4 &&
              counters.retries == 2 && counters.reloads == 1 && counters.rejections == 1 &&
              counters.reconnects == 0 && counters.handshakes >= 1,
          "counters ack %llu failed %llu requests %llu retries %llu reloads %llu handshakes %llu "
          "rejections %llu reconnects %llu",
          (unsigned long long)counters.acknowledged, (unsigned long long)counters.failed,
          (unsigned long long)counters.requests, (unsigned long long)counters.retries,
          (unsigned long long)counters.reloads, (unsigned long long)counters.handshakes,
          (unsigned long long)counters.rejections, (unsigned long long)counters.reconnects);
    contrast_set_log_callback(NULL, NULL, 0);

    const char *expected[] = {"config.loaded",      "signing.signed",        "transport.connected",
                              "transport.retry",    "transport.clock_skew",  "transport.rejected",
                              "credentials.reloaded", "credentials.rotated", "transport.sent"};
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        CHECK(record_of(expected[i]) != NULL, "no %s record (%d records)", expected[i],
              captured.count);
    CHECK(count_of("transport.rejected") == 1, "%d rejection records",
          count_of("transport.rejected"));
    const struct captured *r = record_of("transport.retry");
    if (r)
        CHECK(r->level == CONTRAST_LOG_DEBUG && strstr(r->message, "attempt 1") &&
                  strstr(r->message, "HTTP 503") && strstr(r->message, " ms"),
              "retry: %u %s", r->level, r->message);
    r = record_of("transport.rejected");
    if (r)
        CHECK(r->level == CONTRAST_LOG_WARN && strstr(r->message, "HTTP 401") &&
                  strstr(r->message, "authentication failed"),
              "rejected: %u %s", r->level, r->message);
    r = record_of("credentials.reloaded");
    if (r)
        CHECK(r->level == CONTRAST_LOG_INFO && strstr(r->message, "service_key"), "reloaded: %s",
              r->message);
    r = record_of("config.loaded");
    if (r) CHECK(r->level == CONTRAST_LOG_DEBUG && strstr(r->message, "logging_session.yaml"),
                 "loaded: %s", r->message);
    CHECK(captured.bad_lengths == 0 && captured.overflow == 0, "%d bad lengths, %d overflow",
          captured.bad_lengths, captured.overflow);
    pthread_t me = pthread_self();
    for (int i = 0; i < captured.count; i++)
        CHECK(pthread_equal(captured.records[i].thread, me), "%s delivered on another thread",
              captured.records[i].event);

    const char *secrets[] = {USER, SERVICE, API, WRONG_SERVICE, ROTATED_SERVICE};
    for (size_t i = 0; i < sizeof secrets / sizeof secrets[0]; i++) check_absent(secrets[i]);
    const char *services[] = {SERVICE, WRONG_SERVICE, ROTATED_SERVICE};
    for (size_t i = 0; i < 3; i++) {
        char pair[256];
        snprintf(pair, sizeof pair, "%s:%s", USER, services[i]);
        check_absent(pair);
    }
    clear_records();
    contrast_auth_free(auth);
    stop_server(&s);
}
#endif

int main(int argc, char **argv) {
    if (argc != 4 && argc != 6) {
        fprintf(stderr, "usage: %s VECTOR_DIR WORK_DIR (CLI | SERVER_URL CA_FILE CA_DER_FILE)\n",
                argv[0]);
        return 2;
    }
    test_log_callback_before_any_handle();
    test_result_messages();
    test_version();
    test_header_vectors(argv[1]);
    test_headers_list();
    test_token();
    test_environment_and_reload(argv[2]);
    test_environment_options(argv[2]);
    test_null_arguments();
    test_invalid_utf8();
    test_bad_values();
    test_buffer_sizes();
    test_rotation_threads();
    test_signing_vectors(argv[1]);
    test_sign_now();
    test_send((const char *const *)argv + 3, argc - 3, argv[2]);
#ifndef _WIN32
    if (argc == 4) test_logging_session(argv[3], argv[2]);
#endif
    printf("test_capi: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
