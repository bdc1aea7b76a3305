/*
 * php_contrast_auth.h: what the files of the contrast_auth extension share.
 *
 * The extension is a thin bridge over include/contrast_auth.h: it converts arguments,
 * maps result codes to exceptions and owns handles; the library does the rest.
 */

#ifndef PHP_CONTRAST_AUTH_H
#define PHP_CONTRAST_AUTH_H

#include "php.h"
#include "contrast_auth.h"

extern zend_module_entry contrast_auth_module_entry;
#define phpext_contrast_auth_ptr &contrast_auth_module_entry

#define PHP_CONTRAST_AUTH_VERSION CONTRAST_AUTH_VERSION

/*
 * Every field of contrast_counters, in the header's order: each becomes a readonly int
 * property of Contrast\Auth\Counters of the same name. A field the C struct gains is one
 * line here (e.g. X(reconnects)).
 */
#define CONTRAST_PHP_COUNTERS(X) \
	X(acknowledged)              \
	X(failed)                    \
	X(requests)                  \
	X(retries)                   \
	X(reloads)                   \
	X(handshakes)                \
	X(rejections)                \
	X(reconnects)

/* Per-thread (ZTS) or process (NTS) state: the logger of the current request. */
ZEND_BEGIN_MODULE_GLOBALS(contrast_auth)
	/* The callable given to set_logger(), IS_UNDEF when none; released at request end. */
	zval logger;
	/* Set when the logger ended in a fatal error (a bailout) inside a library call: the
	 * bailout is resumed once the library call has returned (never through Rust frames). */
	bool logger_bailed_out;
	/* Set while the logger runs (records the logger itself causes are dropped). */
	bool in_logger;
ZEND_END_MODULE_GLOBALS(contrast_auth)

ZEND_EXTERN_MODULE_GLOBALS(contrast_auth)
#define CONTRAST_AUTH_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(contrast_auth, v)

#if defined(ZTS) && defined(COMPILE_DL_CONTRAST_AUTH)
ZEND_TSRMLS_CACHE_EXTERN()
#endif

/* Class entries (registered in MINIT from the generated arginfo). */
extern zend_class_entry *contrast_php_auth_ce;
extern zend_class_entry *contrast_php_send_outcome_ce;
extern zend_class_entry *contrast_php_fingerprints_ce;
extern zend_class_entry *contrast_php_counters_ce;

/* The agent name given to the library: contrast_security.yaml is also read from
 * /etc/contrast/php/ (after the working directory, before /etc/contrast/). */
#define CONTRAST_PHP_AGENT_NAME "php"

/* contrast_auth.c: a handle from the process configuration as the PHP agent reads it (agent
 * name "php", the contrast_auth.system_config_dir INI setting), trusting `count` extra CA
 * certificates. */
contrast_result contrast_php_from_environment(const contrast_bytes *anchors, size_t count, contrast_auth **out);

/* errors.c: the mapping of contrast_result codes to the exception classes. */
extern zend_class_entry *contrast_php_exception_ce;
extern zend_class_entry *contrast_php_config_exception_ce;
extern zend_class_entry *contrast_php_invalid_token_exception_ce;
extern zend_class_entry *contrast_php_tls_required_exception_ce;
extern zend_class_entry *contrast_php_credentials_rejected_exception_ce;
extern zend_class_entry *contrast_php_http_status_exception_ce;
extern zend_class_entry *contrast_php_network_exception_ce;
extern zend_class_entry *contrast_php_tls_exception_ce;
extern zend_class_entry *contrast_php_signing_exception_ce;
/* Throws the exception for `result` (a failure) with the library's detail for the calling
 * thread; `operation` names the PHP method (e.g. "ContrastAuth::send"). INVALID_ARGUMENT and
 * INVALID_UTF8 become \ValueError, as for internal functions. */
void contrast_php_throw(contrast_result result, const char *operation);

/* auth.c: the ContrastAuth class (its object handlers; the class is registered from the
 * generated arginfo in contrast_auth.c). */
void contrast_php_auth_init_handlers(zend_class_entry *ce);

/* values.c: SendOutcome, Fingerprints, Counters (readonly properties, no public constructor). */
void contrast_php_declare_counters_properties(zend_class_entry *ce);
void contrast_php_send_outcome(zval *out, const contrast_send_outcome *outcome);
void contrast_php_fingerprints(zval *out, const contrast_fingerprints *fingerprints);
void contrast_php_counters(zval *out, const contrast_counters *counters);

/* persistent.c: the handle of ContrastAuth::persistent(), one per process. */
/* The calling process's handle, created from the environment on first use in this process;
 * NULL with an exception thrown when it cannot be created. */
contrast_auth *contrast_php_persistent_handle(void);
/* Frees the handle if this process created it (module shutdown). */
void contrast_php_persistent_shutdown(void);

/* logger.c: set_logger() and the C log callback. */
void contrast_php_logger_request_shutdown(void);
/* After every library call: resumes a bailout that happened inside the logger. */
void contrast_php_after_library_call(void);

#endif /* PHP_CONTRAST_AUTH_H */
