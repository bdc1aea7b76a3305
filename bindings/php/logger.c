/*
 * logger.c: set_logger() and the C log callback that calls the PHP logger.
 *
 * The library calls the callback synchronously on the thread of the library call that
 * produced the record, so the PHP logger runs inside that call, on the request's thread.
 * A fatal error in the logger (a bailout, i.e. a longjmp) must not cross the library's Rust
 * frames: it is caught here and resumed when the library call has returned
 * (contrast_php_after_library_call). An exception the logger throws stays pending and is
 * what the PHP method throws; later records of the same call are dropped.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_contrast_auth.h"

#include <pthread.h>

#ifndef ZTS
/* NTS: PHP runs on one thread; a record from any other thread has no PHP to call. */
static pthread_t php_thread;
static bool php_thread_known;
#endif

static void log_callback(void *userdata, uint32_t level, const char *event, const char *message,
	size_t message_len)
{
	(void) userdata;
#ifdef ZTS
	if (tsrm_get_ls_cache() == NULL) {
		return; /* a thread without a PHP context */
	}
#else
	if (!php_thread_known || !pthread_equal(pthread_self(), php_thread)) {
		return;
	}
#endif
	if (Z_ISUNDEF(CONTRAST_AUTH_G(logger)) || CONTRAST_AUTH_G(in_logger) ||
		CONTRAST_AUTH_G(logger_bailed_out) || EG(exception) != NULL) {
		return;
	}
	zval args[3];
	zval retval;
	ZVAL_LONG(&args[0], (zend_long) level);
	ZVAL_STRING(&args[1], event);
	ZVAL_STRINGL(&args[2], message, message_len);
	ZVAL_UNDEF(&retval);
	CONTRAST_AUTH_G(in_logger) = true;
	zend_try {
		call_user_function(NULL, NULL, &CONTRAST_AUTH_G(logger), &retval, 3, args);
	} zend_catch {
		CONTRAST_AUTH_G(logger_bailed_out) = true;
	} zend_end_try();
	CONTRAST_AUTH_G(in_logger) = false;
	zval_ptr_dtor(&retval);
	zval_ptr_dtor(&args[1]);
	zval_ptr_dtor(&args[2]);
}

void contrast_php_after_library_call(void)
{
	if (UNEXPECTED(CONTRAST_AUTH_G(logger_bailed_out))) {
		CONTRAST_AUTH_G(logger_bailed_out) = false;
		zend_bailout();
	}
}

static void forget_logger(void)
{
	if (!Z_ISUNDEF(CONTRAST_AUTH_G(logger))) {
		contrast_set_log_callback(NULL, NULL, 0);
		zval_ptr_dtor(&CONTRAST_AUTH_G(logger));
		ZVAL_UNDEF(&CONTRAST_AUTH_G(logger));
	}
}

void contrast_php_logger_request_shutdown(void)
{
	forget_logger();
}

ZEND_FUNCTION(Contrast_Auth_set_logger)
{
	zend_fcall_info fci = empty_fcall_info;
	zend_fcall_info_cache fcc = empty_fcall_info_cache;
	zend_long max_level = CONTRAST_LOG_INFO;

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_FUNC_OR_NULL(fci, fcc)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(max_level)
	ZEND_PARSE_PARAMETERS_END();

	if (max_level < CONTRAST_LOG_ERROR || max_level > CONTRAST_LOG_TRACE) {
		zend_argument_value_error(2, "must be between Contrast\\Auth\\LOG_ERROR (%d) and Contrast\\Auth\\LOG_TRACE (%d)",
			CONTRAST_LOG_ERROR, CONTRAST_LOG_TRACE);
		RETURN_THROWS();
	}
	forget_logger();
	if (ZEND_FCI_INITIALIZED(fci)) {
#ifndef ZTS
		php_thread = pthread_self();
		php_thread_known = true;
#endif
		ZVAL_COPY(&CONTRAST_AUTH_G(logger), &fci.function_name);
		contrast_set_log_callback(log_callback, NULL, (uint32_t) max_level);
	}
}
