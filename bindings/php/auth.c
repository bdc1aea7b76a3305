/*
 * auth.c: Contrast\Auth\ContrastAuth, an object owning one library handle (or, for
 * persistent(), a view of the process's handle).
 *
 * Text arguments reach the library as the PHP string's own bytes (zend_string is always
 * NUL-terminated); a NUL inside one is refused with a ValueError, never truncated. Bodies,
 * nonces and certificates are bytes with a length and may hold any byte.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "php_contrast_auth.h"

#define CLASS_NAME "Contrast\\Auth\\ContrastAuth"

typedef struct {
	/* The handle this object owns (freed with the object); NULL for a persistent view. */
	contrast_auth *handle;
	/* Whether this object stands for the process's persistent handle. */
	bool persistent;
	zend_object std;
} contrast_php_auth;

static zend_object_handlers auth_handlers;

static inline contrast_php_auth *auth_from_object(zend_object *object)
{
	return (contrast_php_auth *) ((char *) object - XtOffsetOf(contrast_php_auth, std));
}

static zend_object *auth_create(zend_class_entry *ce)
{
	contrast_php_auth *auth = zend_object_alloc(sizeof(contrast_php_auth), ce);
	auth->handle = NULL;
	auth->persistent = false;
	zend_object_std_init(&auth->std, ce);
	object_properties_init(&auth->std, ce);
	auth->std.handlers = &auth_handlers;
	return &auth->std;
}

static void auth_free(zend_object *object)
{
	contrast_php_auth *auth = auth_from_object(object);
	if (auth->handle != NULL) {
		contrast_auth_free(auth->handle);
		auth->handle = NULL;
	}
	zend_object_std_dtor(object);
}

void contrast_php_auth_init_handlers(zend_class_entry *ce)
{
	ce->create_object = auth_create;
	memcpy(&auth_handlers, zend_get_std_object_handlers(), sizeof(zend_object_handlers));
	auth_handlers.offset = XtOffsetOf(contrast_php_auth, std);
	auth_handlers.free_obj = auth_free;
	auth_handlers.clone_obj = NULL; /* one owner per handle */
}

/* Returns a new ContrastAuth owning `handle`. */
static void return_new_auth(zval *return_value, contrast_auth *handle, bool persistent)
{
	object_init_ex(return_value, contrast_php_auth_ce);
	contrast_php_auth *auth = auth_from_object(Z_OBJ_P(return_value));
	auth->handle = handle;
	auth->persistent = persistent;
}

/* The handle `$this` stands for; NULL with an exception thrown when there is none. */
static contrast_auth *this_handle(zval *this_zval)
{
	contrast_php_auth *auth = auth_from_object(Z_OBJ_P(this_zval));
	if (auth->persistent) {
		return contrast_php_persistent_handle();
	}
	if (auth->handle == NULL) {
		zend_throw_error(NULL, "%s object is not initialized", CLASS_NAME);
	}
	return auth->handle;
}

/* Refuses a text argument holding a NUL byte (the library reads text up to the first NUL,
 * so passing it on would silently truncate). */
static bool text_has_nul(const zend_string *text, uint32_t arg_num)
{
	if (memchr(ZSTR_VAL(text), '\0', ZSTR_LEN(text)) != NULL) {
		zend_argument_value_error(arg_num, "must not contain any null bytes");
		return true;
	}
	return false;
}

#define THIS_HANDLE(var)                      \
	contrast_auth *var = this_handle(ZEND_THIS); \
	if (var == NULL) {                        \
		RETURN_THROWS();                      \
	}

/* Throws for a failed call (or passes on what the logger threw) and returns. */
#define THROW_AND_RETURN(result, operation)   \
	do {                                      \
		contrast_php_throw(result, operation); \
		RETURN_THROWS();                      \
	} while (0)

/* After a successful call: an exception the logger threw wins over the return value. */
#define RETURN_IF_LOGGER_THREW() \
	do {                         \
		if (EG(exception)) {     \
			RETURN_THROWS();     \
		}                        \
	} while (0)

ZEND_METHOD(Contrast_Auth_ContrastAuth, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, fromCredentials)
{
	zend_string *url, *user_name, *service_key, *api_key;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_STR(url)
		Z_PARAM_STR(user_name)
		Z_PARAM_STR(service_key)
		Z_PARAM_STR(api_key)
	ZEND_PARSE_PARAMETERS_END();

	if (text_has_nul(url, 1) || text_has_nul(user_name, 2) || text_has_nul(service_key, 3) ||
		text_has_nul(api_key, 4)) {
		RETURN_THROWS();
	}
	contrast_auth *handle = NULL;
	contrast_result result = contrast_auth_new(ZSTR_VAL(url), ZSTR_VAL(user_name), ZSTR_VAL(service_key),
		ZSTR_VAL(api_key), &handle);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::fromCredentials");
	}
	return_new_auth(return_value, handle, false);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, fromToken)
{
	zend_string *token;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(token)
	ZEND_PARSE_PARAMETERS_END();

	if (text_has_nul(token, 1)) {
		RETURN_THROWS();
	}
	contrast_auth *handle = NULL;
	contrast_result result = contrast_auth_from_token(ZSTR_VAL(token), &handle);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::fromToken");
	}
	return_new_auth(return_value, handle, false);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, fromEnvironment)
{
	HashTable *anchors = NULL;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(anchors)
	ZEND_PARSE_PARAMETERS_END();

	uint32_t count = anchors ? zend_hash_num_elements(anchors) : 0;
	contrast_bytes *certificates = count ? safe_emalloc(count, sizeof(contrast_bytes), 0) : NULL;
	uint32_t index = 0;
	if (count) {
		zval *anchor;
		ZEND_HASH_FOREACH_VAL(anchors, anchor) {
			ZVAL_DEREF(anchor);
			if (Z_TYPE_P(anchor) != IS_STRING) {
				zend_argument_type_error(1, "must contain only strings (DER certificates), %s given at position %u",
					zend_zval_type_name(anchor), index);
				efree(certificates);
				RETURN_THROWS();
			}
			certificates[index].data = (const uint8_t *) Z_STRVAL_P(anchor);
			certificates[index].len = Z_STRLEN_P(anchor);
			index++;
		} ZEND_HASH_FOREACH_END();
	}
	contrast_auth *handle = NULL;
	contrast_result result = contrast_php_from_environment(certificates, count, &handle);
	if (certificates) {
		efree(certificates);
	}
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::fromEnvironment");
	}
	return_new_auth(return_value, handle, false);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, persistent)
{
	ZEND_PARSE_PARAMETERS_NONE();

	if (contrast_php_persistent_handle() == NULL) {
		RETURN_THROWS();
	}
	return_new_auth(return_value, NULL, true);
}

typedef contrast_result (*secret_reader)(const contrast_auth *, char *, size_t, size_t *);

/* Reads a header value straight into a new PHP string (no intermediate copy); retried if a
 * rotation changed its length between the size probe and the copy. */
static void return_secret(zval *return_value, contrast_auth *handle, secret_reader read, const char *operation)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		size_t needed = 0;
		contrast_result result = read(handle, NULL, 0, &needed);
		if (result != CONTRAST_RESULT_BUFFER_TOO_SMALL) {
			contrast_php_after_library_call();
			THROW_AND_RETURN(result == CONTRAST_RESULT_OK ? CONTRAST_RESULT_PANIC : result, operation);
		}
		zend_string *value = zend_string_alloc(needed, 0);
		size_t written = 0;
		result = read(handle, ZSTR_VAL(value), needed + 1, &written);
		if (result == CONTRAST_RESULT_OK) {
			ZSTR_LEN(value) = written;
			contrast_php_after_library_call();
			RETURN_NEW_STR(value);
		}
		ZEND_SECURE_ZERO(ZSTR_VAL(value), needed + 1);
		zend_string_efree(value);
		if (result != CONTRAST_RESULT_BUFFER_TOO_SMALL) {
			contrast_php_after_library_call();
			THROW_AND_RETURN(result, operation);
		}
	}
	contrast_php_after_library_call();
	THROW_AND_RETURN(CONTRAST_RESULT_BUFFER_TOO_SMALL, operation);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, authorizationHeader)
{
	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);
	return_secret(return_value, handle, contrast_auth_authorization, CLASS_NAME "::authorizationHeader");
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, apiKeyHeader)
{
	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);
	return_secret(return_value, handle, contrast_auth_api_key, CLASS_NAME "::apiKeyHeader");
}

/* Returns the list as an array name => value, then frees (and so wipes) the list. */
static void return_header_list(zval *return_value, contrast_headers *list)
{
	size_t count = contrast_headers_count(list);
	array_init_size(return_value, (uint32_t) count);
	for (size_t i = 0; i < count; i++) {
		const char *name = NULL, *value = NULL;
		if (contrast_headers_get(list, i, &name, &value) == CONTRAST_RESULT_OK) {
			add_assoc_string(return_value, name, value);
		}
	}
	contrast_headers_free(list);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, headers)
{
	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);

	contrast_headers *list = NULL;
	contrast_result result = contrast_auth_headers(handle, &list);
	if (result != CONTRAST_RESULT_OK) {
		contrast_php_after_library_call();
		THROW_AND_RETURN(result, CLASS_NAME "::headers");
	}
	return_header_list(return_value, list);
	contrast_php_after_library_call();
	RETURN_IF_LOGGER_THREW();
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, sign)
{
	zend_string *method, *url, *content_type, *body, *nonce = NULL;
	zend_long created = 0;
	bool created_is_null = true;

	ZEND_PARSE_PARAMETERS_START(4, 6)
		Z_PARAM_STR(method)
		Z_PARAM_STR(url)
		Z_PARAM_STR(content_type)
		Z_PARAM_STR(body)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG_OR_NULL(created, created_is_null)
		Z_PARAM_STR_OR_NULL(nonce)
	ZEND_PARSE_PARAMETERS_END();

	if (text_has_nul(method, 1) || text_has_nul(url, 2) || text_has_nul(content_type, 3)) {
		RETURN_THROWS();
	}
	if (created_is_null != (nonce == NULL)) {
		if (created_is_null) {
			zend_argument_value_error(5, "must be given when $nonce is");
		} else {
			zend_argument_value_error(6, "must be given when $created is");
		}
		RETURN_THROWS();
	}
	if (!created_is_null && created < 0) {
		zend_argument_value_error(5, "must be greater than or equal to 0");
		RETURN_THROWS();
	}
	if (nonce != NULL && ZSTR_LEN(nonce) != CONTRAST_NONCE_LEN) {
		zend_argument_value_error(6, "must be exactly %d bytes, %zu given", CONTRAST_NONCE_LEN, ZSTR_LEN(nonce));
		RETURN_THROWS();
	}
	THIS_HANDLE(handle);

	contrast_headers *list = NULL;
	contrast_result result = nonce == NULL
		? contrast_auth_sign(handle, ZSTR_VAL(method), ZSTR_VAL(url), ZSTR_VAL(content_type),
			(const uint8_t *) ZSTR_VAL(body), ZSTR_LEN(body), &list)
		: contrast_auth_sign_with_nonce(handle, ZSTR_VAL(method), ZSTR_VAL(url), ZSTR_VAL(content_type),
			(const uint8_t *) ZSTR_VAL(body), ZSTR_LEN(body), (uint64_t) created,
			(const uint8_t *) ZSTR_VAL(nonce), &list);
	if (result != CONTRAST_RESULT_OK) {
		contrast_php_after_library_call();
		THROW_AND_RETURN(result, CLASS_NAME "::sign");
	}
	return_header_list(return_value, list);
	contrast_php_after_library_call();
	RETURN_IF_LOGGER_THREW();
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, send)
{
	zend_string *method, *path, *content_type, *body;

	ZEND_PARSE_PARAMETERS_START(4, 4)
		Z_PARAM_STR(method)
		Z_PARAM_STR(path)
		Z_PARAM_STR(content_type)
		Z_PARAM_STR(body)
	ZEND_PARSE_PARAMETERS_END();

	if (text_has_nul(method, 1) || text_has_nul(path, 2) || text_has_nul(content_type, 3)) {
		RETURN_THROWS();
	}
	THIS_HANDLE(handle);

	contrast_send_outcome outcome;
	contrast_result result = contrast_auth_send(handle, ZSTR_VAL(method), ZSTR_VAL(path), ZSTR_VAL(content_type),
		(const uint8_t *) ZSTR_VAL(body), ZSTR_LEN(body), &outcome);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::send");
	}
	RETURN_IF_LOGGER_THREW();
	contrast_php_send_outcome(return_value, &outcome);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, rotate)
{
	zend_string *service_key = NULL, *api_key = NULL;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(service_key)
		Z_PARAM_STR_OR_NULL(api_key)
	ZEND_PARSE_PARAMETERS_END();

	if ((service_key && text_has_nul(service_key, 1)) || (api_key && text_has_nul(api_key, 2))) {
		RETURN_THROWS();
	}
	THIS_HANDLE(handle);

	contrast_result result = contrast_auth_rotate(handle, service_key ? ZSTR_VAL(service_key) : NULL,
		api_key ? ZSTR_VAL(api_key) : NULL);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::rotate");
	}
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, reload)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} keys[] = {
		{CONTRAST_KEY_USER_NAME, "userName"},
		{CONTRAST_KEY_SERVICE_KEY, "serviceKey"},
		{CONTRAST_KEY_API_KEY, "apiKey"},
		{CONTRAST_KEY_SIGNING_KEY, "signingKey"},
		{CONTRAST_KEY_URL, "url"},
	};

	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);

	uint32_t changed = 0;
	contrast_result result = contrast_auth_reload(handle, &changed);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::reload");
	}
	RETURN_IF_LOGGER_THREW();
	array_init(return_value);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (changed & keys[i].bit) {
			add_next_index_string(return_value, keys[i].name);
		}
	}
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, fingerprints)
{
	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);

	contrast_fingerprints fingerprints;
	contrast_result result = contrast_auth_fingerprints(handle, &fingerprints);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::fingerprints");
	}
	contrast_php_fingerprints(return_value, &fingerprints);
}

ZEND_METHOD(Contrast_Auth_ContrastAuth, counters)
{
	ZEND_PARSE_PARAMETERS_NONE();
	THIS_HANDLE(handle);

	contrast_counters counters;
	contrast_result result = contrast_auth_counters(handle, &counters);
	contrast_php_after_library_call();
	if (result != CONTRAST_RESULT_OK) {
		THROW_AND_RETURN(result, CLASS_NAME "::counters");
	}
	contrast_php_counters(return_value, &counters);
}
