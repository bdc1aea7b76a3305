/*
 * persistent.c: the handle behind ContrastAuth::persistent(), one per process.
 *
 * It is created from the environment on first use in a process and kept until module
 * shutdown, so a php-fpm worker reuses it (and its keep-alive connection) across requests.
 * The pid of the creating process is kept with it: a process that did not create it (a
 * worker forked from a master that had already made one, e.g. in an opcache.preload
 * script, or a pcntl_fork() child) never uses it, never frees it, and creates its own.
 * The inherited copy is the parent's memory, copied by fork(); it stays as it is (kept
 * reachable in `inherited_handle`, so leak checkers do not count it) until the process exits.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_contrast_auth.h"

#include <unistd.h>
#ifdef ZTS
#include <pthread.h>
#endif

static contrast_auth *process_handle;
/* The parent's handle as fork() copied it, never used or freed (see above); volatile, so
 * that the compiler keeps this store-only pointer. */
static contrast_auth *volatile inherited_handle;
/* The process that created process_handle (0 when there is none). */
static pid_t process_handle_pid;

#ifdef ZTS
/* Threads of one process share the handle; the lock only guards its creation. */
static pthread_mutex_t process_handle_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t fork_hooks_once = PTHREAD_ONCE_INIT;

static void lock_before_fork(void)
{
	pthread_mutex_lock(&process_handle_lock);
}

static void unlock_after_fork(void)
{
	pthread_mutex_unlock(&process_handle_lock);
}

/* A fork never copies the lock in a locked state into the child. */
static void register_fork_hooks(void)
{
	pthread_atfork(lock_before_fork, unlock_after_fork, unlock_after_fork);
}
#define LOCK()                                               \
	do {                                                     \
		pthread_once(&fork_hooks_once, register_fork_hooks); \
		pthread_mutex_lock(&process_handle_lock);            \
	} while (0)
#define UNLOCK() pthread_mutex_unlock(&process_handle_lock)
#else
#define LOCK()
#define UNLOCK()
#endif

contrast_auth *contrast_php_persistent_handle(void)
{
	pid_t pid = getpid();
	LOCK();
	if (process_handle != NULL && process_handle_pid != pid) {
		/* Inherited through fork(): the parent's. Not ours to use or free. */
		inherited_handle = process_handle;
		process_handle = NULL;
		process_handle_pid = 0;
	}
	if (process_handle == NULL) {
		contrast_auth *created = NULL;
		contrast_result result = contrast_php_from_environment(NULL, 0, &created);
		if (result != CONTRAST_RESULT_OK) {
			UNLOCK();
			contrast_php_after_library_call();
			contrast_php_throw(result, "Contrast\\Auth\\ContrastAuth::persistent");
			return NULL;
		}
		process_handle = created;
		process_handle_pid = pid;
	}
	contrast_auth *handle = process_handle;
	UNLOCK();
	contrast_php_after_library_call();
	return handle;
}

void contrast_php_persistent_shutdown(void)
{
	LOCK();
	if (process_handle != NULL && process_handle_pid == getpid()) {
		contrast_auth_free(process_handle);
	} else if (process_handle != NULL) {
		inherited_handle = process_handle; /* the parent's: left as fork() copied it */
	}
	process_handle = NULL;
	process_handle_pid = 0;
	UNLOCK();
}
