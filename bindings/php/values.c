/*
 * values.c: SendOutcome, Fingerprints and Counters objects, filled from the C structs.
 * Their properties are readonly; they are initialized here with the class as scope, as a
 * constructor would.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "php.h"
#include "php_contrast_auth.h"

/* A counter read from C as an int property (uint64_t values beyond ZEND_LONG_MAX, which a
 * process does not reach, would saturate). */
static zend_long counter_value(uint64_t value)
{
	return value > (uint64_t) ZEND_LONG_MAX ? ZEND_LONG_MAX : (zend_long) value;
}

void contrast_php_declare_counters_properties(zend_class_entry *ce)
{
#define CONTRAST_PHP_DECLARE_COUNTER(field)                                                  \
	do {                                                                                     \
		zval undefined;                                                                      \
		ZVAL_UNDEF(&undefined);                                                              \
		zend_string *name = zend_string_init_interned(#field, sizeof(#field) - 1, 1);       \
		zend_declare_typed_property(ce, name, &undefined, ZEND_ACC_PUBLIC | ZEND_ACC_READONLY, \
			NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));                             \
		zend_string_release(name);                                                           \
	} while (0);
	CONTRAST_PHP_COUNTERS(CONTRAST_PHP_DECLARE_COUNTER)
#undef CONTRAST_PHP_DECLARE_COUNTER
}

void contrast_php_counters(zval *out, const contrast_counters *counters)
{
	object_init_ex(out, contrast_php_counters_ce);
	zend_object *object = Z_OBJ_P(out);
#define CONTRAST_PHP_SET_COUNTER(field)                                                      \
	zend_update_property_long(contrast_php_counters_ce, object, #field, sizeof(#field) - 1,  \
		counter_value(counters->field));
	CONTRAST_PHP_COUNTERS(CONTRAST_PHP_SET_COUNTER)
#undef CONTRAST_PHP_SET_COUNTER
}

void contrast_php_send_outcome(zval *out, const contrast_send_outcome *outcome)
{
	zend_class_entry *ce = contrast_php_send_outcome_ce;
	object_init_ex(out, ce);
	zend_object *object = Z_OBJ_P(out);
	zend_update_property_long(ce, object, ZEND_STRL("status"), outcome->status);
	zend_update_property_long(ce, object, ZEND_STRL("attempts"), outcome->attempts);
	zend_update_property_long(ce, object, ZEND_STRL("generation"), counter_value(outcome->generation));
	zend_update_property_bool(ce, object, ZEND_STRL("reloaded"), outcome->reloaded);
}

void contrast_php_fingerprints(zval *out, const contrast_fingerprints *fingerprints)
{
	zend_class_entry *ce = contrast_php_fingerprints_ce;
	object_init_ex(out, ce);
	zend_object *object = Z_OBJ_P(out);
	zend_update_property_string(ce, object, ZEND_STRL("userName"), fingerprints->user_name);
	zend_update_property_string(ce, object, ZEND_STRL("serviceKey"), fingerprints->service_key);
	zend_update_property_string(ce, object, ZEND_STRL("apiKey"), fingerprints->api_key);
	zend_update_property_string(ce, object, ZEND_STRL("signingKey"), fingerprints->signing_key);
	zend_update_property_long(ce, object, ZEND_STRL("generation"), counter_value(fingerprints->generation));
}
