/* jsonx.h: strict parsing of request bodies and compact rendering */
#ifndef SWARM_JSONX_H
#define SWARM_JSONX_H

#include <stddef.h>
#include <json.h>

#define JSONX_MAX_DEPTH	32

/*
 * Parse buf[0..len) as exactly one JSON value: valid UTF-8, RFC 8259
 * syntax, at most JSONX_MAX_DEPTH nested arrays and objects, nothing but
 * whitespace after it. On success *out is owned by the caller (NULL for
 * JSON null). On failure writes a short reason to err and returns E_INVAL
 * (E_FAIL on allocation failure).
 */
int		 jsonx_parse_strict(json_object **out, const char *buf,
		    size_t len, char *err, size_t errsz);
/* Compact rendering (no spaces, '/' not escaped); owned by obj. */
const char	*jsonx_render(json_object *obj, size_t *len);
/* Add key to obj: a string copy, or JSON null when s is NULL. 0 or E_FAIL. */
int		 jsonx_add_str(json_object *obj, const char *key, const char *s);
int		 jsonx_add_bool(json_object *obj, const char *key, int v);
int		 jsonx_add_int(json_object *obj, const char *key, long long v);
/* Add val under key, taking ownership even on failure. 0 or E_FAIL. */
int		 jsonx_add(json_object *obj, const char *key, json_object *val);
/* Borrowed string of a string member, else NULL. */
const char	*jsonx_get_str(json_object *obj, const char *key);

#endif
