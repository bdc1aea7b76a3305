/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 98bcda33240d869d8bb56532c2f94fe893b84f3f */

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_Contrast_Auth_set_logger, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, logger, IS_CALLABLE, 1)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, maxLevel, IS_LONG, 0, "Contrast\\Auth\\LOG_INFO")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth___construct, 0, 0, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_fromCredentials, 0, 4, Contrast\\Auth\\ContrastAuth, 0)
	ZEND_ARG_TYPE_INFO(0, url, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, userName, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, serviceKey, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, apiKey, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_fromToken, 0, 1, Contrast\\Auth\\ContrastAuth, 0)
	ZEND_ARG_TYPE_INFO(0, token, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_fromEnvironment, 0, 0, Contrast\\Auth\\ContrastAuth, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, trustAnchors, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_persistent, 0, 0, Contrast\\Auth\\ContrastAuth, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_authorizationHeader, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Contrast_Auth_ContrastAuth_apiKeyHeader arginfo_class_Contrast_Auth_ContrastAuth_authorizationHeader

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_headers, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_sign, 0, 4, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, method, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, url, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, contentType, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, created, IS_LONG, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, nonce, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_send, 0, 4, Contrast\\Auth\\SendOutcome, 0)
	ZEND_ARG_TYPE_INFO(0, method, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, path, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, contentType, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, body, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_rotate, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, serviceKey, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, apiKey, IS_STRING, 1, "null")
ZEND_END_ARG_INFO()

#define arginfo_class_Contrast_Auth_ContrastAuth_reload arginfo_class_Contrast_Auth_ContrastAuth_headers

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_fingerprints, 0, 0, Contrast\\Auth\\Fingerprints, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Contrast_Auth_ContrastAuth_counters, 0, 0, Contrast\\Auth\\Counters, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Contrast_Auth_SendOutcome___construct arginfo_class_Contrast_Auth_ContrastAuth___construct

#define arginfo_class_Contrast_Auth_Fingerprints___construct arginfo_class_Contrast_Auth_ContrastAuth___construct

#define arginfo_class_Contrast_Auth_Counters___construct arginfo_class_Contrast_Auth_ContrastAuth___construct


ZEND_FUNCTION(Contrast_Auth_set_logger);
ZEND_METHOD(Contrast_Auth_ContrastAuth, __construct);
ZEND_METHOD(Contrast_Auth_ContrastAuth, fromCredentials);
ZEND_METHOD(Contrast_Auth_ContrastAuth, fromToken);
ZEND_METHOD(Contrast_Auth_ContrastAuth, fromEnvironment);
ZEND_METHOD(Contrast_Auth_ContrastAuth, persistent);
ZEND_METHOD(Contrast_Auth_ContrastAuth, authorizationHeader);
ZEND_METHOD(Contrast_Auth_ContrastAuth, apiKeyHeader);
ZEND_METHOD(Contrast_Auth_ContrastAuth, headers);
ZEND_METHOD(Contrast_Auth_ContrastAuth, sign);
ZEND_METHOD(Contrast_Auth_ContrastAuth, send);
ZEND_METHOD(Contrast_Auth_ContrastAuth, rotate);
ZEND_METHOD(Contrast_Auth_ContrastAuth, reload);
ZEND_METHOD(Contrast_Auth_ContrastAuth, fingerprints);
ZEND_METHOD(Contrast_Auth_ContrastAuth, counters);
ZEND_METHOD(Contrast_Auth_SendOutcome, __construct);
ZEND_METHOD(Contrast_Auth_Fingerprints, __construct);
ZEND_METHOD(Contrast_Auth_Counters, __construct);


static const zend_function_entry ext_functions[] = {
	ZEND_NS_FALIAS("Contrast\\Auth", set_logger, Contrast_Auth_set_logger, arginfo_Contrast_Auth_set_logger)
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_ContrastAuth_methods[] = {
	ZEND_ME(Contrast_Auth_ContrastAuth, __construct, arginfo_class_Contrast_Auth_ContrastAuth___construct, ZEND_ACC_PRIVATE)
	ZEND_ME(Contrast_Auth_ContrastAuth, fromCredentials, arginfo_class_Contrast_Auth_ContrastAuth_fromCredentials, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, fromToken, arginfo_class_Contrast_Auth_ContrastAuth_fromToken, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, fromEnvironment, arginfo_class_Contrast_Auth_ContrastAuth_fromEnvironment, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, persistent, arginfo_class_Contrast_Auth_ContrastAuth_persistent, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, authorizationHeader, arginfo_class_Contrast_Auth_ContrastAuth_authorizationHeader, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, apiKeyHeader, arginfo_class_Contrast_Auth_ContrastAuth_apiKeyHeader, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, headers, arginfo_class_Contrast_Auth_ContrastAuth_headers, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, sign, arginfo_class_Contrast_Auth_ContrastAuth_sign, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, send, arginfo_class_Contrast_Auth_ContrastAuth_send, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, rotate, arginfo_class_Contrast_Auth_ContrastAuth_rotate, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, reload, arginfo_class_Contrast_Auth_ContrastAuth_reload, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, fingerprints, arginfo_class_Contrast_Auth_ContrastAuth_fingerprints, ZEND_ACC_PUBLIC)
	ZEND_ME(Contrast_Auth_ContrastAuth, counters, arginfo_class_Contrast_Auth_ContrastAuth_counters, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_SendOutcome_methods[] = {
	ZEND_ME(Contrast_Auth_SendOutcome, __construct, arginfo_class_Contrast_Auth_SendOutcome___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_Fingerprints_methods[] = {
	ZEND_ME(Contrast_Auth_Fingerprints, __construct, arginfo_class_Contrast_Auth_Fingerprints___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_Counters_methods[] = {
	ZEND_ME(Contrast_Auth_Counters, __construct, arginfo_class_Contrast_Auth_Counters___construct, ZEND_ACC_PRIVATE)
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_ContrastAuthException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_ConfigException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_InvalidTokenException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_TlsRequiredException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_CredentialsRejectedException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_HttpStatusException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_NetworkException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_TlsException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Contrast_Auth_SigningException_methods[] = {
	ZEND_FE_END
};

static void register_contrast_auth_symbols(int module_number)
{
	REGISTER_LONG_CONSTANT("Contrast\\Auth\\LOG_ERROR", CONTRAST_LOG_ERROR, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("Contrast\\Auth\\LOG_WARN", CONTRAST_LOG_WARN, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("Contrast\\Auth\\LOG_INFO", CONTRAST_LOG_INFO, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("Contrast\\Auth\\LOG_DEBUG", CONTRAST_LOG_DEBUG, CONST_PERSISTENT);
	REGISTER_LONG_CONSTANT("Contrast\\Auth\\LOG_TRACE", CONTRAST_LOG_TRACE, CONST_PERSISTENT);
}

static zend_class_entry *register_class_Contrast_Auth_ContrastAuth(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "ContrastAuth", class_Contrast_Auth_ContrastAuth_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_SendOutcome(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "SendOutcome", class_Contrast_Auth_SendOutcome_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES;

	zval property_status_default_value;
	ZVAL_UNDEF(&property_status_default_value);
	zend_string *property_status_name = zend_string_init("status", sizeof("status") - 1, 1);
	zend_declare_typed_property(class_entry, property_status_name, &property_status_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_status_name);

	zval property_attempts_default_value;
	ZVAL_UNDEF(&property_attempts_default_value);
	zend_string *property_attempts_name = zend_string_init("attempts", sizeof("attempts") - 1, 1);
	zend_declare_typed_property(class_entry, property_attempts_name, &property_attempts_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_attempts_name);

	zval property_generation_default_value;
	ZVAL_UNDEF(&property_generation_default_value);
	zend_string *property_generation_name = zend_string_init("generation", sizeof("generation") - 1, 1);
	zend_declare_typed_property(class_entry, property_generation_name, &property_generation_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_generation_name);

	zval property_reloaded_default_value;
	ZVAL_UNDEF(&property_reloaded_default_value);
	zend_string *property_reloaded_name = zend_string_init("reloaded", sizeof("reloaded") - 1, 1);
	zend_declare_typed_property(class_entry, property_reloaded_name, &property_reloaded_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_BOOL));
	zend_string_release(property_reloaded_name);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_Fingerprints(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "Fingerprints", class_Contrast_Auth_Fingerprints_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES;

	zval property_userName_default_value;
	ZVAL_UNDEF(&property_userName_default_value);
	zend_string *property_userName_name = zend_string_init("userName", sizeof("userName") - 1, 1);
	zend_declare_typed_property(class_entry, property_userName_name, &property_userName_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_userName_name);

	zval property_serviceKey_default_value;
	ZVAL_UNDEF(&property_serviceKey_default_value);
	zend_string *property_serviceKey_name = zend_string_init("serviceKey", sizeof("serviceKey") - 1, 1);
	zend_declare_typed_property(class_entry, property_serviceKey_name, &property_serviceKey_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_serviceKey_name);

	zval property_apiKey_default_value;
	ZVAL_UNDEF(&property_apiKey_default_value);
	zend_string *property_apiKey_name = zend_string_init("apiKey", sizeof("apiKey") - 1, 1);
	zend_declare_typed_property(class_entry, property_apiKey_name, &property_apiKey_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_apiKey_name);

	zval property_signingKey_default_value;
	ZVAL_UNDEF(&property_signingKey_default_value);
	zend_string *property_signingKey_name = zend_string_init("signingKey", sizeof("signingKey") - 1, 1);
	zend_declare_typed_property(class_entry, property_signingKey_name, &property_signingKey_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_signingKey_name);

	zval property_generation_default_value;
	ZVAL_UNDEF(&property_generation_default_value);
	zend_string *property_generation_name = zend_string_init("generation", sizeof("generation") - 1, 1);
	zend_declare_typed_property(class_entry, property_generation_name, &property_generation_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_generation_name);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_Counters(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "Counters", class_Contrast_Auth_Counters_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES;

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_ContrastAuthException(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "ContrastAuthException", class_Contrast_Auth_ContrastAuthException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_ConfigException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "ConfigException", class_Contrast_Auth_ConfigException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_InvalidTokenException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "InvalidTokenException", class_Contrast_Auth_InvalidTokenException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_TlsRequiredException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "TlsRequiredException", class_Contrast_Auth_TlsRequiredException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_CredentialsRejectedException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "CredentialsRejectedException", class_Contrast_Auth_CredentialsRejectedException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_HttpStatusException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "HttpStatusException", class_Contrast_Auth_HttpStatusException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_NetworkException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "NetworkException", class_Contrast_Auth_NetworkException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_TlsException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "TlsException", class_Contrast_Auth_TlsException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}

static zend_class_entry *register_class_Contrast_Auth_SigningException(zend_class_entry *class_entry_Contrast_Auth_ContrastAuthException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Contrast\\Auth", "SigningException", class_Contrast_Auth_SigningException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Contrast_Auth_ContrastAuthException);

	return class_entry;
}
