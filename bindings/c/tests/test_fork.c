/*
 * Pre-fork servers (issue #20): a handle that has sent a report before fork() keeps working
 * in the parent and in every child, and no connection or TLS session crosses the fork.
 * The parent sends 1 report, forks 4 children; every process then sends 10 reports (the
 * parent 5 while the children run and 5 after they exited). All are acknowledged on the
 * first attempt, `failed` is 0 everywhere, and the test server (which tags each report with
 * the `process=<pid>` query parameter) saw exactly one connection per process, no connection
 * shared by two processes, 5 TLS handshakes, no TLS error (two writers on one session give
 * a bad record MAC) and no close_notify (a child only closes its inherited descriptor).
 *
 * Usage: test_fork WORK_DIR CLI   (CLI is the `contrast-auth` binary, for its test-server).
 * POSIX only: Windows has no fork().
 */
#define _POSIX_C_SOURCE 200809L

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "contrast_auth.h"

#define CHILDREN 4
#define REPORTS 10

static const char *USER = "agent_fork@OrgExample";
static const char *SERVICE = "SERVICEKEYFORKTEST0001";
static const char *API = "APIKEYFORKTEST00000001";

static int failures = 0;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            fprintf(stderr, "FAIL %s:%d (pid %ld): ", __FILE__, __LINE__, (long)getpid()); \
            fprintf(stderr, __VA_ARGS__);                                                  \
            fputc('\n', stderr);                                                           \
        }                                                                                  \
    } while (0)

struct server {
    pid_t pid;
    int stdin_fd;
    char url[256];
    char ca_file[4096];
};

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

/* The number after `"key":` in the object that starts at `"section":{`; -1 if absent. */
static long long json_number(const char *text, const char *section, const char *key) {
    char pattern[96];
    snprintf(pattern, sizeof pattern, "\"%s\":{", section);
    const char *from = strstr(text, pattern);
    if (!from) return -1;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    const char *at = strstr(from, pattern);
    if (!at) return -1;
    return strtoll(at + strlen(pattern), NULL, 10);
}

static int start_server(const char *cli, const char *work, const char *stats_out,
                        struct server *s) {
    memset(s, 0, sizeof *s);
    char ca_out[4096], accept[256];
    snprintf(ca_out, sizeof ca_out, "%s/fork-ca.pem", work);
    snprintf(accept, sizeof accept, "%s:%s:%s", USER, SERVICE, API);
    const char *argv[] = {cli,         "test-server", "--accept",          accept,
                          "--ca-out",  ca_out,        "--require-signature", "--stats-out",
                          stats_out,   NULL};
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
             json_string(line, "ca_file", s->ca_file, sizeof s->ca_file);
    if (f) fclose(f);
    CHECK(ok, "test server started: %s", line);
    return ok;
}

static void stop_server(struct server *s) {
    close(s->stdin_fd);
    int status = 0;
    waitpid(s->pid, &status, 0);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "test server exit status %d", status);
}

/* Sends `n` reports tagged with this process's id; returns how many were acknowledged on
 * the first attempt. */
static int send_reports(const contrast_auth *auth, int n) {
    char path[64];
    snprintf(path, sizeof path, "/api/ng/report?process=%ld", (long)getpid());
    const char *body = "{\"prefork\":true}";
    int first_attempt = 0;
    for (int i = 0; i < n; i++) {
        contrast_send_outcome outcome;
        contrast_result r = contrast_auth_send(auth, "POST", path, "application/json",
                                               (const uint8_t *)body, strlen(body), &outcome);
        CHECK(r == CONTRAST_RESULT_OK, "report %d: %s", i, contrast_result_message(r));
        if (r == CONTRAST_RESULT_OK && outcome.attempts == 1) first_attempt++;
    }
    return first_attempt;
}

static contrast_counters counters_of(const contrast_auth *auth) {
    contrast_counters c;
    memset(&c, 0, sizeof c);
    CHECK(contrast_auth_counters(auth, &c) == CONTRAST_RESULT_OK, "counters");
    return c;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: test_fork WORK_DIR CLI\n");
        return 2;
    }
    const char *work = argv[1], *cli = argv[2];
    char stats_out[4096];
    snprintf(stats_out, sizeof stats_out, "%s/fork-stats.json", work);
    unlink(stats_out);
    struct server srv;
    if (!start_server(cli, work, stats_out, &srv)) return 1;

    setenv("CONTRAST__API__URL", srv.url, 1);
    setenv("CONTRAST__API__USER_NAME", USER, 1);
    setenv("CONTRAST__API__SERVICE_KEY", SERVICE, 1);
    setenv("CONTRAST__API__API_KEY", API, 1);
    setenv("CONTRAST__API__CERTIFICATE__CA_FILE", srv.ca_file, 1);
    contrast_auth *auth = NULL;
    CHECK(contrast_auth_from_environment(&auth) == CONTRAST_RESULT_OK, "handle");
    if (!auth) return 1;
    CHECK(send_reports(auth, 1) == 1, "the report before the fork");

    pid_t children[CHILDREN];
    for (int i = 0; i < CHILDREN; i++) {
        fflush(stderr);
        children[i] = fork();
        CHECK(children[i] >= 0, "fork");
        if (children[i] == 0) {
            int sent = send_reports(auth, REPORTS);
            contrast_counters c = counters_of(auth);
            /* The counters were copied by the fork: 1 report and 1 handshake before it. */
            CHECK(sent == REPORTS, "child: %d of %d acknowledged on the first attempt", sent,
                  REPORTS);
            CHECK(c.acknowledged == 1 + REPORTS && c.failed == 0 && c.handshakes == 2 &&
                      c.reconnects == 0,
                  "child counters: acknowledged %llu failed %llu handshakes %llu reconnects %llu",
                  (unsigned long long)c.acknowledged, (unsigned long long)c.failed,
                  (unsigned long long)c.handshakes, (unsigned long long)c.reconnects);
            /* Freeing the handle closes the child's own connection; nothing is written on
             * the parent's. */
            contrast_auth_free(auth);
            fflush(stderr);
            _exit(failures == 0 ? 0 : 1);
        }
    }
    int sent = send_reports(auth, REPORTS / 2);
    for (int i = 0; i < CHILDREN; i++) {
        int status = 0;
        CHECK(waitpid(children[i], &status, 0) == children[i], "waitpid");
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %ld exit status %d",
              (long)children[i], status);
    }
    /* Every child has exited and closed what it inherited: the parent's connection still
     * carries its reports. */
    sent += send_reports(auth, REPORTS / 2);
    CHECK(sent == REPORTS, "parent: %d of %d acknowledged on the first attempt", sent, REPORTS);
    contrast_counters c = counters_of(auth);
    CHECK(c.acknowledged == 1 + REPORTS && c.failed == 0 && c.handshakes == 1 &&
              c.reconnects == 0,
          "parent counters: acknowledged %llu failed %llu handshakes %llu reconnects %llu",
          (unsigned long long)c.acknowledged, (unsigned long long)c.failed,
          (unsigned long long)c.handshakes, (unsigned long long)c.reconnects);
    contrast_auth_free(auth);
    stop_server(&srv);

    FILE *f = fopen(stats_out, "r");
    char text[8192] = {0};
    size_t len = f ? fread(text, 1, sizeof text - 1, f) : 0;
    if (f) fclose(f);
    CHECK(len > 0, "the test server wrote %s", stats_out);
    struct {
        const char *section, *key;
        long long expected;
    } expect[] = {
        {"by_process", "processes", 1 + CHILDREN},
        {"by_process", "connections", 1 + CHILDREN},
        {"by_process", "shared_connections", 0},
        {"by_process", "most_connections_per_process", 1},
        {"by_process", "fewest_connections_per_process", 1},
        {"server", "tls_handshakes", 1 + CHILDREN},
        {"server", "accepted", 1 + REPORTS * (1 + CHILDREN)},
        {"server", "rejected", 0},
        {"server", "tls_errors", 0},
        {"server", "close_notifies", 0},
    };
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        long long got = json_number(text, expect[i].section, expect[i].key);
        CHECK(got == expect[i].expected, "%s.%s = %lld, expected %lld (%s)", expect[i].section,
              expect[i].key, got, expect[i].expected, text);
    }
    if (failures) {
        fprintf(stderr, "test_fork: %d failure(s)\n", failures);
        return 1;
    }
    printf("test_fork: parent and %d children, %d reports each, one connection per process\n",
           CHILDREN, REPORTS);
    return 0;
}
