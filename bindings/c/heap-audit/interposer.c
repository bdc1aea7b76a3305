/*
 * Heap audit interposer (LD_PRELOAD): before every free() and realloc() of the process it
 * scans the whole block (malloc_usable_size bytes) for planted secrets, and counts each block
 * that holds one. glibc only (it calls __libc_free / __libc_realloc to do the real work).
 *
 *   HEAP_AUDIT_NEEDLES  file of lines "<label> <hex bytes>": what to look for
 *   HEAP_AUDIT_REPORT   file the report is written to at exit
 *   HEAP_AUDIT_ONLY     optional: count only hits on blocks freed from code in the shared
 *                       object whose path contains this (e.g. "libcontrast_auth" inside a
 *                       JVM, whose own copies of Java strings the library cannot reach);
 *                       the others are reported as "outside_hits"
 *
 * The report: "freed_blocks N", "scanned_bytes N", "hits N", "outside_hits N", then one line
 * per hit (up to 200): "hit|outside <phase> <free|realloc> <label> <block size> <object that
 * called free>".
 * A program may name its current phase with heap_audit_phase("...") (found with dlsym).
 * Nothing here allocates: needles live in static memory, the report is written with write(2).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern void __libc_free(void *ptr);
extern void *__libc_realloc(void *ptr, size_t size);

#define MAX_NEEDLES 2048
#define NEEDLE_BYTES (256 * 1024)
#define FILE_BYTES (1024 * 1024)
#define MAX_LOGGED 200
#define LABEL_LEN 40

struct needle {
    const unsigned char *bytes;
    size_t len;
    char label[LABEL_LEN];
};

struct hit {
    int outside;
    char phase[24];
    int is_realloc;
    char label[LABEL_LEN];
    size_t size;
    char object[96];
};

static char file_text[FILE_BYTES];
static unsigned char needle_bytes[NEEDLE_BYTES];
static struct needle needles[MAX_NEEDLES];
static int needle_count;
static volatile int ready;
static char report_path[4096];
static char only_object[256];
static char phase[24] = "start";

static unsigned long long freed_blocks, scanned_bytes, hits, outside_hits;
static struct hit logged[MAX_LOGGED];
static unsigned long long logged_count;
static __thread int busy __attribute__((tls_model("initial-exec")));

/* The current phase of the audited program (for the report). */
void heap_audit_phase(const char *name) {
    size_t n = strlen(name);
    if (n >= sizeof phase) n = sizeof phase - 1;
    memcpy(phase, name, n);
    phase[n] = '\0';
}

/* Hits so far (a program may check between phases). */
unsigned long long heap_audit_hits(void) { return __atomic_load_n(&hits, __ATOMIC_RELAXED); }

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void load_needles(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    size_t total = 0;
    ssize_t n;
    while (total < FILE_BYTES - 1 && (n = read(fd, file_text + total, FILE_BYTES - 1 - total)) > 0)
        total += (size_t)n;
    close(fd);
    file_text[total] = '\0';
    size_t used = 0;
    char *line = file_text;
    while (*line && needle_count < MAX_NEEDLES) {
        char *end = strchr(line, '\n');
        if (end) *end = '\0';
        char *space = strchr(line, ' ');
        if (space) {
            struct needle *nd = &needles[needle_count];
            size_t label_len = (size_t)(space - line);
            if (label_len >= LABEL_LEN) label_len = LABEL_LEN - 1;
            memcpy(nd->label, line, label_len);
            nd->label[label_len] = '\0';
            nd->bytes = needle_bytes + used;
            const char *h = space + 1;
            while (h[0] && h[1] && used < NEEDLE_BYTES) {
                int hi = hex_value(h[0]), lo = hex_value(h[1]);
                if (hi < 0 || lo < 0) break;
                needle_bytes[used++] = (unsigned char)(hi << 4 | lo);
                h += 2;
            }
            nd->len = (size_t)(needle_bytes + used - nd->bytes);
            if (nd->len >= 6) needle_count++;
        }
        if (!end) break;
        line = end + 1;
    }
}

__attribute__((constructor)) static void audit_start(void) {
    const char *needles_path = getenv("HEAP_AUDIT_NEEDLES");
    const char *report = getenv("HEAP_AUDIT_REPORT");
    if (!needles_path || !report) return;
    size_t n = strlen(report);
    if (n >= sizeof report_path) return;
    memcpy(report_path, report, n + 1);
    const char *only = getenv("HEAP_AUDIT_ONLY");
    if (only && strlen(only) < sizeof only_object) memcpy(only_object, only, strlen(only) + 1);
    load_needles(needles_path);
    ready = needle_count > 0;
}

static void copy_text(char *dst, size_t cap, const char *src) {
    size_t n = src ? strlen(src) : 0;
    if (n >= cap) {
        src += n - (cap - 1); /* keep the end of a long path */
        n = cap - 1;
    }
    if (n) memcpy(dst, src, n);
    dst[n] = '\0';
}

static void scan(const void *block, int is_realloc, const void *caller) {
    size_t size = malloc_usable_size((void *)block);
    __atomic_add_fetch(&freed_blocks, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&scanned_bytes, size, __ATOMIC_RELAXED);
    for (int i = 0; i < needle_count; i++) {
        if (needles[i].len > size || !memmem(block, size, needles[i].bytes, needles[i].len))
            continue;
        Dl_info info;
        const char *object = dladdr(caller, &info) && info.dli_fname ? info.dli_fname : "?";
        int outside = only_object[0] && !strstr(object, only_object);
        __atomic_add_fetch(outside ? &outside_hits : &hits, 1, __ATOMIC_RELAXED);
        unsigned long long slot = __atomic_fetch_add(&logged_count, 1, __ATOMIC_RELAXED);
        if (slot < MAX_LOGGED) {
            struct hit *h = &logged[slot];
            h->outside = outside;
            copy_text(h->phase, sizeof h->phase, phase);
            h->is_realloc = is_realloc;
            copy_text(h->label, sizeof h->label, needles[i].label);
            h->size = size;
            copy_text(h->object, sizeof h->object, object);
        }
        return; /* one hit per block */
    }
}

void free(void *ptr) {
    if (ptr && ready && !busy) {
        busy = 1;
        scan(ptr, 0, __builtin_return_address(0));
        busy = 0;
    }
    __libc_free(ptr);
}

void *realloc(void *ptr, size_t size) {
    if (ptr && ready && !busy) {
        busy = 1;
        scan(ptr, 1, __builtin_return_address(0));
        busy = 0;
    }
    return __libc_realloc(ptr, size);
}

__attribute__((destructor)) static void audit_report(void) {
    if (!ready) return;
    ready = 0;
    int fd = open(report_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return;
    char line[512];
    int n = snprintf(line, sizeof line,
                     "needles %d\nfreed_blocks %llu\nscanned_bytes %llu\nhits %llu\noutside_hits %llu\n",
                     needle_count, freed_blocks, scanned_bytes, hits, outside_hits);
    if (write(fd, line, (size_t)n) != n) goto done;
    unsigned long long shown = logged_count < MAX_LOGGED ? logged_count : MAX_LOGGED;
    for (unsigned long long i = 0; i < shown; i++) {
        struct hit *h = &logged[i];
        n = snprintf(line, sizeof line, "%s %s %s %s %zu %s\n", h->outside ? "outside" : "hit",
                     h->phase,
                     h->is_realloc ? "realloc" : "free", h->label, h->size, h->object);
        if (write(fd, line, (size_t)n) != n) goto done;
    }
done:
    close(fd);
}
