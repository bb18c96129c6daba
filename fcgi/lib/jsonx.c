/* jsonx.c: strict parsing of request bodies and compact rendering */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "text.h"

/*
 * RFC 8259 syntax check, because json-c's strict mode still takes
 * single quotes, NaN, Infinity, "1." and raw control characters in
 * strings. Recursive descent over the bytes; depth counts containers.
 */
struct scan {
	const char	*p, *end;
	const char	*err;
};

static void
scan_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

static int
scan_fail(struct scan *s, const char *why)
{
	if (s->err == NULL)
		s->err = why;
	return -1;
}

static int
scan_lit(struct scan *s, const char *lit)
{
	size_t	 n = strlen(lit);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return scan_fail(s, "unexpected character");
	s->p += n;
	return 0;
}

static int
scan_digits(struct scan *s)
{
	const char	*start = s->p;

	while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
		s->p++;
	return s->p > start ? 0 : scan_fail(s, "invalid number");
}

static int
scan_number(struct scan *s)
{
	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p < s->end && *s->p == '0')
		s->p++;
	else if (scan_digits(s) != 0)
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (scan_digits(s) != 0)
			return -1;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E')) {
		s->p++;
		if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
			s->p++;
		if (scan_digits(s) != 0)
			return -1;
	}
	return 0;
}

static int
scan_string(struct scan *s)
{
	int	 i;

	s->p++;		/* the opening quote */
	while (s->p < s->end) {
		unsigned char c = (unsigned char)*s->p++;

		if (c == '"')
			return 0;
		if (c < 0x20)
			return scan_fail(s, "control character in string");
		if (c != '\\')
			continue;
		if (s->p >= s->end)
			break;
		c = (unsigned char)*s->p++;
		if (c == 'u') {
			for (i = 0; i < 4; i++, s->p++)
				if (s->p >= s->end || !isxdigit((unsigned char)*s->p))
					return scan_fail(s, "invalid escape");
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return scan_fail(s, "invalid escape");
	}
	return scan_fail(s, "unexpected end of input");
}

static int	scan_value(struct scan *, int);

static int
scan_container(struct scan *s, int depth, char close)
{
	if (depth >= JSONX_MAX_DEPTH)
		return scan_fail(s, "nesting too deep");
	s->p++;
	scan_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (s->p >= s->end || *s->p != '"')
				return scan_fail(s, s->p >= s->end ?
				    "unexpected end of input" : "expected a key");
			if (scan_string(s) != 0)
				return -1;
			scan_ws(s);
			if (s->p >= s->end)
				return scan_fail(s, "unexpected end of input");
			if (*s->p != ':')
				return scan_fail(s, "expected ':'");
			s->p++;
		}
		if (scan_value(s, depth + 1) != 0)
			return -1;
		scan_ws(s);
		if (s->p >= s->end)
			return scan_fail(s, "unexpected end of input");
		if (*s->p == close) {
			s->p++;
			return 0;
		}
		if (*s->p != ',')
			return scan_fail(s, "unexpected character");
		s->p++;
		scan_ws(s);
	}
}

static int
scan_value(struct scan *s, int depth)
{
	scan_ws(s);
	if (s->p >= s->end)
		return scan_fail(s, "unexpected end of input");
	switch (*s->p) {
	case '{':
		return scan_container(s, depth, '}');
	case '[':
		return scan_container(s, depth, ']');
	case '"':
		return scan_string(s);
	case 't':
		return scan_lit(s, "true");
	case 'f':
		return scan_lit(s, "false");
	case 'n':
		return scan_lit(s, "null");
	default:
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		return scan_fail(s, "unexpected character");
	}
}

int
jsonx_parse_strict(json_object **out, const char *buf, size_t len, char *err,
    size_t errsz)
{
	struct scan		 s = { buf, buf + len, NULL };
	json_tokener		*tok;
	json_object		*obj;
	enum json_tokener_error	 jerr;

	*out = NULL;
	if (len > INT_MAX - 1) {
		snprintf(err, errsz, "too large");
		return E_INVAL;
	}
	if (!text_is_utf8(buf, len)) {
		snprintf(err, errsz, "not valid UTF-8");
		return E_INVAL;
	}
	if (scan_value(&s, 0) != 0) {
		snprintf(err, errsz, "%s", s.err);
		return E_INVAL;
	}
	scan_ws(&s);
	if (s.p != s.end) {
		snprintf(err, errsz, "trailing data after the value");
		return E_INVAL;
	}
	/* Valid JSON: json-c only builds it (its depth is ours plus one). */
	if ((tok = json_tokener_new_ex(JSONX_MAX_DEPTH + 1)) == NULL)
		return E_FAIL;
	obj = json_tokener_parse_ex(tok, buf, (int)len);
	jerr = json_tokener_get_error(tok);
	/* A bare number or literal needs a terminator to be complete. */
	if (obj == NULL && jerr == json_tokener_continue) {
		obj = json_tokener_parse_ex(tok, " ", 1);
		jerr = json_tokener_get_error(tok);
	}
	json_tokener_free(tok);
	if (jerr != json_tokener_success) {
		json_object_put(obj);
		snprintf(err, errsz, "%s", json_tokener_error_desc(jerr));
		return E_INVAL;
	}
	*out = obj;	/* NULL for a JSON null */
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
