/*
 * errors.c: a failed library call becomes an exception. Messages are the library's detail
 * for the calling thread (contrast_last_error: which argument, which key, why; never a
 * secret), prefixed with the PHP method; the code is the contrast_result value.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_contrast_auth.h"

/* The exception class for a result code (the base class for codes with no subclass). */
static zend_class_entry *exception_class(contrast_result result)
{
	switch (result) {
		case CONTRAST_RESULT_CONFIG:
			return contrast_php_config_exception_ce;
		case CONTRAST_RESULT_INVALID_TOKEN:
			return contrast_php_invalid_token_exception_ce;
		case CONTRAST_RESULT_TLS_REQUIRED:
			return contrast_php_tls_required_exception_ce;
		case CONTRAST_RESULT_CREDENTIALS_REJECTED:
			return contrast_php_credentials_rejected_exception_ce;
		case CONTRAST_RESULT_HTTP_STATUS:
			return contrast_php_http_status_exception_ce;
		case CONTRAST_RESULT_NETWORK:
			return contrast_php_network_exception_ce;
		case CONTRAST_RESULT_TLS:
			return contrast_php_tls_exception_ce;
		case CONTRAST_RESULT_SIGNING:
			return contrast_php_signing_exception_ce;
		default:
			return contrast_php_exception_ce;
	}
}

/* The library's detail of the calling thread's last failure, or NULL when it has none. */
static zend_string *last_error_detail(void)
{
	size_t needed = 0;
	if (contrast_last_error(NULL, 0, &needed) != CONTRAST_RESULT_BUFFER_TOO_SMALL || needed == 0) {
		return NULL;
	}
	zend_string *detail = zend_string_alloc(needed, 0);
	size_t written = 0;
	if (contrast_last_error(ZSTR_VAL(detail), needed + 1, &written) != CONTRAST_RESULT_OK) {
		zend_string_efree(detail);
		return NULL;
	}
	ZSTR_LEN(detail) = written;
	return detail;
}

void contrast_php_throw(contrast_result result, const char *operation)
{
	if (EG(exception)) {
		/* The logger threw during the call: that exception goes first. */
		return;
	}
	zend_string *detail = last_error_detail();
	const char *text = detail ? ZSTR_VAL(detail) : contrast_result_message(result);
	if (result == CONTRAST_RESULT_INVALID_ARGUMENT || result == CONTRAST_RESULT_INVALID_UTF8) {
		zend_value_error("%s(): %s", operation, text);
	} else {
		zend_throw_exception_ex(exception_class(result), (zend_long) result, "%s(): %s", operation, text);
	}
	if (detail) {
		zend_string_efree(detail);
	}
}
