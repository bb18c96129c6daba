/* jsonx.c: strict parsing of request bodies and compact rendering */
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "text.h"

int
jsonx_parse_strict(json_object **out, const char *buf, size_t len, char *err,
    size_t errsz)
{
	json_tokener		*tok;
	json_object		*obj;
	enum json_tokener_error	 jerr;
	size_t			 end;

	*out = NULL;
	if (!text_is_utf8(buf, len)) {
		snprintf(err, errsz, "not valid UTF-8");
		return E_INVAL;
	}
	if ((tok = json_tokener_new_ex(JSONX_MAX_DEPTH)) == NULL)
		return E_FAIL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (obj == NULL) {
		/* "continue" at the end of the buffer means truncated input. */
		snprintf(err, errsz, "%s", jerr == json_tokener_continue ?
		    "unexpected end of input" : json_tokener_error_desc(jerr));
		json_tokener_free(tok);
		return E_INVAL;
	}
	json_tokener_free(tok);
	for (; end < len; end++)
		if (strchr(" \t\r\n", buf[end]) == NULL) {
			snprintf(err, errsz, "trailing data after the value");
			json_object_put(obj);
			return E_INVAL;
		}
	*out = obj;
	return 0;
}

const char *
jsonx_render(json_object *obj, size_t *len)
{
	return json_object_to_json_string_length(obj,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
}

int
jsonx_add(json_object *obj, const char *key, json_object *val)
{
	if (json_object_object_add(obj, key, val) != 0) {
		json_object_put(val);
		return E_FAIL;
	}
	return 0;
}

int
jsonx_add_str(json_object *obj, const char *key, const char *s)
{
	json_object	*v = NULL;

	if (s != NULL && (v = json_object_new_string(s)) == NULL)
		return E_FAIL;
	return jsonx_add(obj, key, v);
}

int
jsonx_add_bool(json_object *obj, const char *key, int b)
{
	json_object	*v;

	if ((v = json_object_new_boolean(b)) == NULL)
		return E_FAIL;
	return jsonx_add(obj, key, v);
}

int
jsonx_add_int(json_object *obj, const char *key, long long i)
{
	json_object	*v;

	if ((v = json_object_new_int64(i)) == NULL)
		return E_FAIL;
	return jsonx_add(obj, key, v);
}

const char *
jsonx_get_str(json_object *obj, const char *key)
{
	json_object	*v;

	if (!json_object_object_get_ex(obj, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}
