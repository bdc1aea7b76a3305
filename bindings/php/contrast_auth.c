/*
 * contrast_auth.c: the module: registration of the API declared in contrast_auth.stub.php,
 * module and request start-up and shutdown, phpinfo().
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"
#include "ext/spl/spl_exceptions.h"
#include "php_contrast_auth.h"
#include "contrast_auth_arginfo.h"

ZEND_DECLARE_MODULE_GLOBALS(contrast_auth)

zend_class_entry *contrast_php_auth_ce;
zend_class_entry *contrast_php_send_outcome_ce;
zend_class_entry *contrast_php_fingerprints_ce;
zend_class_entry *contrast_php_counters_ce;

zend_class_entry *contrast_php_exception_ce;
zend_class_entry *contrast_php_config_exception_ce;
zend_class_entry *contrast_php_invalid_token_exception_ce;
zend_class_entry *contrast_php_tls_required_exception_ce;
zend_class_entry *contrast_php_credentials_rejected_exception_ce;
zend_class_entry *contrast_php_http_status_exception_ce;
zend_class_entry *contrast_php_network_exception_ce;
zend_class_entry *contrast_php_tls_exception_ce;
zend_class_entry *contrast_php_signing_exception_ce;

/* The value classes have a private constructor only so that `new` is refused; the
 * extension creates their objects without calling it. */
ZEND_METHOD(Contrast_Auth_SendOutcome, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

ZEND_METHOD(Contrast_Auth_Fingerprints, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

ZEND_METHOD(Contrast_Auth_Counters, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}

/* contrast_auth.system_config_dir: replaces /etc/contrast (a relocated installation; the
 * tests). Empty: /etc/contrast. Set at start-up only (php.ini, -d). */
PHP_INI_BEGIN()
	PHP_INI_ENTRY("contrast_auth.system_config_dir", "", PHP_INI_SYSTEM, NULL)
PHP_INI_END()

contrast_result contrast_php_from_environment(const contrast_bytes *anchors, size_t count, contrast_auth **out)
{
	contrast_environment_options options;
	memset(&options, 0, sizeof(options));
	options.agent = CONTRAST_PHP_AGENT_NAME;
	options.trust_anchors = anchors;
	options.trust_anchor_count = count;
	const char *system_config_dir = INI_STR("contrast_auth.system_config_dir");
	if (system_config_dir != NULL && system_config_dir[0] != '\0') {
		options.system_config_dir = system_config_dir;
	}
	return contrast_auth_from_environment_with_options(&options, out);
}

static PHP_GINIT_FUNCTION(contrast_auth)
{
#if defined(ZTS) && defined(COMPILE_DL_CONTRAST_AUTH)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	ZVAL_UNDEF(&contrast_auth_globals->logger);
	contrast_auth_globals->logger_bailed_out = false;
	contrast_auth_globals->in_logger = false;
}

static PHP_MINIT_FUNCTION(contrast_auth)
{
	/* The header the extension was compiled with and the library it links must agree. */
	if (strcmp(contrast_version(), CONTRAST_AUTH_VERSION) != 0) {
		php_error_docref(NULL, E_CORE_WARNING,
			"contrast_auth: compiled with contrast_auth.h %s but linked with the library %s; not loaded",
			CONTRAST_AUTH_VERSION, contrast_version());
		return FAILURE;
	}
	REGISTER_INI_ENTRIES();
	register_contrast_auth_symbols(module_number);

	contrast_php_auth_ce = register_class_Contrast_Auth_ContrastAuth();
	contrast_php_auth_init_handlers(contrast_php_auth_ce);
	contrast_php_send_outcome_ce = register_class_Contrast_Auth_SendOutcome();
	contrast_php_fingerprints_ce = register_class_Contrast_Auth_Fingerprints();
	contrast_php_counters_ce = register_class_Contrast_Auth_Counters();
	contrast_php_declare_counters_properties(contrast_php_counters_ce);

	zend_class_entry *base = register_class_Contrast_Auth_ContrastAuthException(spl_ce_RuntimeException);
	contrast_php_exception_ce = base;
	contrast_php_config_exception_ce = register_class_Contrast_Auth_ConfigException(base);
	contrast_php_invalid_token_exception_ce = register_class_Contrast_Auth_InvalidTokenException(base);
	contrast_php_tls_required_exception_ce = register_class_Contrast_Auth_TlsRequiredException(base);
	contrast_php_credentials_rejected_exception_ce =
		register_class_Contrast_Auth_CredentialsRejectedException(base);
	contrast_php_http_status_exception_ce = register_class_Contrast_Auth_HttpStatusException(base);
	contrast_php_network_exception_ce = register_class_Contrast_Auth_NetworkException(base);
	contrast_php_tls_exception_ce = register_class_Contrast_Auth_TlsException(base);
	contrast_php_signing_exception_ce = register_class_Contrast_Auth_SigningException(base);
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(contrast_auth)
{
	contrast_php_persistent_shutdown();
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_RINIT_FUNCTION(contrast_auth)
{
#if defined(ZTS) && defined(COMPILE_DL_CONTRAST_AUTH)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	return SUCCESS;
}

static PHP_RSHUTDOWN_FUNCTION(contrast_auth)
{
	contrast_php_logger_request_shutdown();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(contrast_auth)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "contrast_auth support", "enabled");
	php_info_print_table_row(2, "contrast-auth library (linked)", contrast_version());
	php_info_print_table_row(2, "contrast-auth header (built with)", CONTRAST_AUTH_VERSION);
	php_info_print_table_end();
	DISPLAY_INI_ENTRIES();
}

static const zend_module_dep contrast_auth_deps[] = {
	ZEND_MOD_REQUIRED("spl")
	ZEND_MOD_END
};

zend_module_entry contrast_auth_module_entry = {
	STANDARD_MODULE_HEADER_EX,
	NULL,
	contrast_auth_deps,
	"contrast_auth",
	ext_functions,
	PHP_MINIT(contrast_auth),
	PHP_MSHUTDOWN(contrast_auth),
	PHP_RINIT(contrast_auth),
	PHP_RSHUTDOWN(contrast_auth),
	PHP_MINFO(contrast_auth),
	PHP_CONTRAST_AUTH_VERSION,
	PHP_MODULE_GLOBALS(contrast_auth),
	PHP_GINIT(contrast_auth),
	NULL,
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_CONTRAST_AUTH
#ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
#endif
ZEND_GET_MODULE(contrast_auth)
#endif
