/* test_jsonx.c: strict parsing of request bodies and compact rendering */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"

/* A byte string that may hold NUL: pointer and length. */
#define B(s)	(s), (sizeof(s) - 1)

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

/* s[0..len) with controls and non-ASCII as \xNN, for messages. */
static const char *
esc(const char *s, size_t len)
{
	static char	 buf[4][256];
	static int	 n;
	char		*b = buf[n++ % 4], *o = b;
	size_t		 i;

	for (i = 0; i < len && o < b + sizeof(buf[0]) - 5; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\')
			*o++ = s[i];
		else
			o += snprintf(o, 5, "\\x%02x", (unsigned char)s[i]);
	}
	*o = '\0';
	return b;
}

/* Compact rendering of o, or "(null)". */
static const char *
render(json_object *o)
{
	size_t	 len;

	return o == NULL ? "(null)" : jsonx_render(o, &len);
}

struct parse_case {
	const char	*in;
	size_t		 len;
	int		 rc;
	const char	*out;	/* rc 0: the value rendered compactly */
	const char	*err;	/* rc E_INVAL: the reason, NULL for any */
};

static int
parse_table(const struct parse_case *t, size_t n)
{
	json_object	*o;
	char		 err[128];
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < n; i++) {
		snprintf(err, sizeof(err), "-untouched-");
		o = (json_object *)&o;	/* must be reset */
		rc = jsonx_parse_strict(&o, t[i].in, t[i].len, err,
		    sizeof(err));
		if (rc != t[i].rc) {
			CHECK(0, "parse(\"%s\"): rc %d (err \"%s\", out %s), "
			    "want %d\n", esc(t[i].in, t[i].len), rc,
			    rc != 0 ? err : "", rc == 0 ? render(o) : "-",
			    t[i].rc);
		} else if (rc == 0) {
			CHECK(strcmp(render(o), t[i].out) == 0,
			    "parse(\"%s\"): %s, want %s\n",
			    esc(t[i].in, t[i].len), render(o), t[i].out);
		} else {
			CHECK(o == NULL, "parse(\"%s\") failed but left *out "
			    "set\n", esc(t[i].in, t[i].len));
			o = NULL;
			if (t[i].err != NULL)
				CHECK(strcmp(err, t[i].err) == 0,
				    "parse(\"%s\"): err \"%s\", want \"%s\"\n",
				    esc(t[i].in, t[i].len), err, t[i].err);
			else
				CHECK(err[0] != '\0' &&
				    strcmp(err, "-untouched-") != 0,
				    "parse(\"%s\"): no reason given\n",
				    esc(t[i].in, t[i].len));
		}
		if (rc == 0)
			json_object_put(o);
	}
	return nfail;
}

static void
jsonx_parse_strict_accepts(void **state)
{
	static const struct parse_case t[] = {
		{ B("{}"),			0, "{}", NULL },
		{ B("{\"a\":1}"),		0, "{\"a\":1}", NULL },
		{ B("{ \"a\" : [ 1 , true , null ] }"),
		  0, "{\"a\":[1,true,null]}", NULL },
		{ B("{\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}"),
		  0, "{\"s\":\"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", NULL },
		{ B("{\"s\":\"\\u00e9\\n\\\"\"}"),
		  0, "{\"s\":\"\xc3\xa9\\n\\\"\"}", NULL },
		{ B("{\"n\":-1.5e3}"),		0, "{\"n\":-1.5e3}", NULL },
		{ B("[]"),			0, "[]", NULL },
		{ B("\"s\""),			0, "\"s\"", NULL },
		/* Whitespace around the value. */
		{ B("{} "),			0, "{}", NULL },
		{ B("{}\n"),			0, "{}", NULL },
		{ B(" \t\r\n{\"a\":1} \t\r\n"), 0, "{\"a\":1}", NULL },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* "Exactly one JSON value": a bare number or literal is one too. */
static void
jsonx_parse_strict_scalars(void **state)
{
	static const struct parse_case t[] = {
		{ B("123"),		0, "123", NULL },
		{ B("-1"),		0, "-1", NULL },
		{ B("true"),		0, "true", NULL },
		{ B("false"),		0, "false", NULL },
		{ B("123 "),		0, "123", NULL },
		{ B("true\n"),		0, "true", NULL },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* JSON null is a value: success with *out NULL (json-c's null). */
static void
jsonx_parse_strict_null(void **state)
{
	static const struct { const char *in; size_t len; } t[] = {
		{ B("null") },
		{ B("null ") },
		{ B(" null\n") },
	};
	json_object	*o;
	char		 err[128];
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		o = (json_object *)&o;
		rc = jsonx_parse_strict(&o, t[i].in, t[i].len, err,
		    sizeof(err));
		CHECK(rc == 0 && o == NULL, "parse(\"%s\"): rc %d err \"%s\", "
		    "want 0 and NULL\n", esc(t[i].in, t[i].len), rc, err);
		if (rc == 0)
			json_object_put(o);
	}
	assert_int_equal(nfail, 0);
}

static void
jsonx_parse_strict_trailing(void **state)
{
	static const struct parse_case t[] = {
		{ B("{}x"),		E_INVAL, NULL, "trailing data after the value" },
		{ B("{} x"),		E_INVAL, NULL, "trailing data after the value" },
		{ B("{}\n}"),		E_INVAL, NULL, "trailing data after the value" },
		{ B("{\"a\":1}{}"),	E_INVAL, NULL, "trailing data after the value" },
		{ B("{},"),		E_INVAL, NULL, "trailing data after the value" },
		{ B("[]]"),		E_INVAL, NULL, "trailing data after the value" },
		{ B("\"s\"\"t\""),	E_INVAL, NULL, "trailing data after the value" },
		{ B("{}\0"),		E_INVAL, NULL, "not valid UTF-8" },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
jsonx_parse_strict_truncated(void **state)
{
	static const struct parse_case t[] = {
		{ B("{\"a\":1"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("{\"a\":"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("{\"a\""),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("{\"a"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("{"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("[1,"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B("\"abc"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B(""),
		  E_INVAL, NULL, "unexpected end of input" },
		{ B(" \n"),
		  E_INVAL, NULL, "unexpected end of input" },
		{ "{\"a\":1}",
		  6,	E_INVAL, NULL, "unexpected end of input" },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
jsonx_parse_strict_syntax(void **state)
{
	static const struct parse_case t[] = {
		{ B("{\"a\":1,}"),	E_INVAL, NULL, "expected a key" },
		{ B("[1,]"),		E_INVAL, NULL, "unexpected character" },
		{ B("[1 2]"),		E_INVAL, NULL, "unexpected character" },
		{ B("{a:1}"),		E_INVAL, NULL, "expected a key" },
		{ B("['a']"),		E_INVAL, NULL, "unexpected character" },
		{ B("{\"a\":01}"),	E_INVAL, NULL, NULL },
		{ B("[.5]"),		E_INVAL, NULL, NULL },
		{ B("[+1]"),		E_INVAL, NULL, NULL },
		{ B("[0x10]"),		E_INVAL, NULL, NULL },
		{ B("[1e]"),		E_INVAL, NULL, NULL },
		{ B("[-]"),		E_INVAL, NULL, NULL },
		{ B("[True]"),		E_INVAL, NULL, NULL },
		{ B("[nul]"),		E_INVAL, NULL, NULL },
		{ B("[\"\\x41\"]"),	E_INVAL, NULL, NULL },
		{ B("/*c*/{}"),		E_INVAL, NULL, NULL },
		{ B("\xef\xbb\xbf{}"),	E_INVAL, NULL, NULL },	/* BOM */
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/*
 * Not RFC 8259, yet json-c accepts it even in JSON_TOKENER_STRICT: a
 * single-quoted key, NaN and Infinity, a fraction without digits, raw
 * control characters inside strings.
 */
static void
jsonx_parse_strict_rfc8259(void **state)
{
	static const struct parse_case t[] = {
		{ B("{'a':1}"),		E_INVAL, NULL, NULL },
		{ B("[NaN]"),		E_INVAL, NULL, NULL },
		{ B("[Infinity]"),	E_INVAL, NULL, NULL },
		{ B("[-Infinity]"),	E_INVAL, NULL, NULL },
		{ B("{\"a\":1.}"),	E_INVAL, NULL, NULL },
		{ B("[1.e5]"),		E_INVAL, NULL, NULL },
		{ B("[\"a\x01\"]"),	E_INVAL, NULL, NULL },
		{ B("[\"a\tb\"]"),	E_INVAL, NULL, NULL },
		{ B("[\"a\nb\"]"),	E_INVAL, NULL, NULL },
		{ B("[\"\x1f\"]"),	E_INVAL, NULL, NULL },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
jsonx_parse_strict_utf8(void **state)
{
	static const struct parse_case t[] = {
		{ B("{\"s\":\"\xc3\"}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		{ B("{\"s\":\"\xc0\xaf\"}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		{ B("{\"s\":\"\xed\xa0\x80\"}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		{ B("{\"s\":\"\xff\"}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		{ B("{\"\xfe\":1}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		{ B("{\"s\":\"a\0b\"}"),
		  E_INVAL, NULL, "not valid UTF-8" },
		/* Escapes are fine: \u0000 is the field layer's business. */
		{ B("{\"s\":\"a\\u0000b\"}"),
		  0, "{\"s\":\"a\\u0000b\"}", NULL },
	};

	assert_int_equal(parse_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/*
 * depth containers nested: "[[...]]" (innermost empty), "[[...[1]...]]"
 * and {"a":{"a":...1}} (innermost holds a scalar).
 */
static char *
nested(int kind, int depth)
{
	const char	*open = kind == 2 ? "{\"a\":" : "[";
	char		*s, *p;
	int		 i;

	p = s = malloc((size_t)depth * 6 + 2);
	assert_non_null(s);
	for (i = 0; i < depth; i++) {
		memcpy(p, open, strlen(open));
		p += strlen(open);
	}
	if (kind > 0)
		*p++ = '1';
	for (i = 0; i < depth; i++)
		*p++ = kind == 2 ? '}' : ']';
	*p = '\0';
	return s;
}

struct depth_case {
	int	 kind, depth, rc;
};

static int
depth_table(const struct depth_case *t, size_t n)
{
	static const char *const kinds[] = {
		"empty arrays", "arrays around 1", "objects around 1"
	};
	json_object	*o;
	char		 err[128], *s;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < n; i++) {
		s = nested(t[i].kind, t[i].depth);
		err[0] = '\0';
		rc = jsonx_parse_strict(&o, s, strlen(s), err, sizeof(err));
		CHECK(rc == t[i].rc, "%d %s: rc %d (%s), want %d\n",
		    t[i].depth, kinds[t[i].kind], rc, err, t[i].rc);
		if (rc == 0)
			json_object_put(o);
		else if (t[i].rc != 0)
			CHECK(strcmp(err, "nesting too deep") == 0,
			    "%d %s: err \"%s\"\n", t[i].depth,
			    kinds[t[i].kind], err);
		free(s);
	}
	return nfail;
}

/*
 * "Nesting at most JSONX_MAX_DEPTH": that many containers parse, one
 * more is "nesting too deep". json-c's max_depth counts the value at
 * the bottom too, so with json_tokener_new_ex(32) a 32-deep body whose
 * innermost container holds a value is refused (31 is its real limit),
 * while 32 empty arrays pass.
 */
static void
jsonx_parse_strict_depth_values(void **state)
{
	static const struct depth_case t[] = {
		{ 1, 1, 0 },
		{ 1, JSONX_MAX_DEPTH - 1, 0 },
		{ 1, JSONX_MAX_DEPTH, 0 },
		{ 1, JSONX_MAX_DEPTH + 1, E_INVAL },
		{ 2, 1, 0 },
		{ 2, JSONX_MAX_DEPTH - 1, 0 },
		{ 2, JSONX_MAX_DEPTH, 0 },
		{ 2, JSONX_MAX_DEPTH + 1, E_INVAL },
		{ 2, 1000, E_INVAL },
	};

	assert_int_equal(depth_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
jsonx_parse_strict_depth_empty(void **state)
{
	static const struct depth_case t[] = {
		{ 0, 1, 0 },
		{ 0, JSONX_MAX_DEPTH - 1, 0 },
		{ 0, JSONX_MAX_DEPTH, 0 },
		{ 0, JSONX_MAX_DEPTH + 1, E_INVAL },
		{ 0, 1000, E_INVAL },
	};

	assert_int_equal(depth_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* A short err buffer gets a truncated, terminated reason. */
static void
jsonx_parse_strict_short_err(void **state)
{
	json_object	*o;
	char		 err[8];

	memset(err, 'X', sizeof(err));
	assert_int_equal(jsonx_parse_strict(&o, B("{"), err, sizeof(err)),
	    E_INVAL);
	assert_null(o);
	assert_string_equal(err, "unexpec");
}

static void
jsonx_render_compact(void **state)
{
	static const struct { const char *in, *out; } t[] = {
		{ "{ \"a\" : 1 , \"b\" : [ 1, 2 ] }", "{\"a\":1,\"b\":[1,2]}" },
		{ "{\"url\":\"http://x/y/z\"}", "{\"url\":\"http://x/y/z\"}" },
		{ "[\"a\\/b\"]",		"[\"a/b\"]" },
		{ "{\"q\":\"say \\\"hi\\\"\\n\\t\\\\\"}",
		  "{\"q\":\"say \\\"hi\\\"\\n\\t\\\\\"}" },
		{ "{\"c\":\"\\u0001\"}",	"{\"c\":\"\\u0001\"}" },
		{ "{\"e\":\"\\u00e9\"}",	"{\"e\":\"\xc3\xa9\"}" },
		{ "{\"n\":null,\"t\":true,\"f\":false}",
		  "{\"n\":null,\"t\":true,\"f\":false}" },
		{ "{\"o\":{},\"a\":[]}",	"{\"o\":{},\"a\":[]}" },
		{ "[-9223372036854775808,9223372036854775807]",
		  "[-9223372036854775808,9223372036854775807]" },
	};
	json_object	*o;
	const char	*s;
	size_t		 i, len;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		o = json_tokener_parse(t[i].in);
		assert_non_null(o);
		len = 12345;
		s = jsonx_render(o, &len);
		CHECK(s != NULL && strcmp(s, t[i].out) == 0 &&
		    len == strlen(t[i].out), "render(%s): %s (len %zu), want "
		    "%s\n", t[i].in, s != NULL ? s : "(null)", len, t[i].out);
		json_object_put(o);
	}
	assert_int_equal(nfail, 0);
}

static void
jsonx_add_types(void **state)
{
	json_object	*o;
	size_t		 len;

	o = json_object_new_object();
	assert_non_null(o);
	assert_int_equal(jsonx_add_str(o, "s", "a/b\"c"), 0);
	assert_int_equal(jsonx_add_str(o, "n", NULL), 0);
	assert_int_equal(jsonx_add_str(o, "e", ""), 0);
	assert_int_equal(jsonx_add_bool(o, "t", 1), 0);
	assert_int_equal(jsonx_add_bool(o, "f", 0), 0);
	assert_int_equal(jsonx_add_bool(o, "t2", 2), 0);
	assert_int_equal(jsonx_add_int(o, "min", INT64_MIN), 0);
	assert_int_equal(jsonx_add_int(o, "max", INT64_MAX), 0);
	assert_int_equal(jsonx_add_int(o, "z", 0), 0);
	assert_int_equal(jsonx_add(o, "arr", json_object_new_array()), 0);
	assert_int_equal(jsonx_add(o, "nul", NULL), 0);
	assert_string_equal(jsonx_render(o, &len),
	    "{\"s\":\"a/b\\\"c\",\"n\":null,\"e\":\"\",\"t\":true,"
	    "\"f\":false,\"t2\":true,\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"z\":0,\"arr\":[],\"nul\":null}");
	json_object_put(o);
}

/* jsonx_add_str copies: the caller's buffer may change afterwards. */
static void
jsonx_add_str_copies(void **state)
{
	json_object	*o;
	char		 buf[8] = "before";
	size_t		 len;

	o = json_object_new_object();
	assert_non_null(o);
	assert_int_equal(jsonx_add_str(o, "k", buf), 0);
	snprintf(buf, sizeof(buf), "after");
	assert_string_equal(jsonx_render(o, &len), "{\"k\":\"before\"}");
	json_object_put(o);
}

/* Adding a key again replaces the old value (and frees it: ASan). */
static void
jsonx_add_replaces(void **state)
{
	json_object	*o;
	size_t		 len;

	o = json_object_new_object();
	assert_non_null(o);
	assert_int_equal(jsonx_add_str(o, "k", "one"), 0);
	assert_int_equal(jsonx_add_int(o, "k", 2), 0);
	assert_int_equal(jsonx_add_str(o, "k", "three"), 0);
	assert_string_equal(jsonx_render(o, &len), "{\"k\":\"three\"}");
	assert_int_equal(len, strlen("{\"k\":\"three\"}"));
	json_object_put(o);
}

static void
jsonx_get_str_table(void **state)
{
	static const struct { const char *key, *out; } t[] = {
		{ "s",		"hello" },
		{ "e",		"" },
		{ "u",		"\xc3\xa9" },
		{ "n",		NULL },		/* null */
		{ "i",		NULL },		/* number */
		{ "b",		NULL },		/* boolean */
		{ "o",		NULL },		/* object */
		{ "a",		NULL },		/* array */
		{ "missing",	NULL },
		{ "S",		NULL },		/* keys are case-sensitive */
	};
	json_object	*o;
	const char	*s;
	size_t		 i;
	int		 nfail = 0;

	o = json_tokener_parse("{\"s\":\"hello\",\"e\":\"\",\"u\":\"\\u00e9\","
	    "\"n\":null,\"i\":1,\"b\":true,\"o\":{\"s\":\"x\"},\"a\":[\"s\"]}");
	assert_non_null(o);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = jsonx_get_str(o, t[i].key);
		if (t[i].out == NULL)
			CHECK(s == NULL, "get_str(%s): \"%s\", want NULL\n",
			    t[i].key, s);
		else
			CHECK(s != NULL && strcmp(s, t[i].out) == 0,
			    "get_str(%s): %s, want \"%s\"\n", t[i].key,
			    s != NULL ? s : "NULL", t[i].out);
	}
	json_object_put(o);
	assert_int_equal(nfail, 0);
}

/* Not an object (or no object at all): NULL, no crash. */
static void
jsonx_get_str_not_object(void **state)
{
	json_object	*a;

	assert_null(jsonx_get_str(NULL, "s"));
	a = json_tokener_parse("[\"s\"]");
	assert_non_null(a);
	assert_null(jsonx_get_str(a, "s"));
	json_object_put(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(jsonx_parse_strict_accepts),
		cmocka_unit_test(jsonx_parse_strict_scalars),
		cmocka_unit_test(jsonx_parse_strict_null),
		cmocka_unit_test(jsonx_parse_strict_trailing),
		cmocka_unit_test(jsonx_parse_strict_truncated),
		cmocka_unit_test(jsonx_parse_strict_syntax),
		cmocka_unit_test(jsonx_parse_strict_rfc8259),
		cmocka_unit_test(jsonx_parse_strict_utf8),
		cmocka_unit_test(jsonx_parse_strict_depth_values),
		cmocka_unit_test(jsonx_parse_strict_depth_empty),
		cmocka_unit_test(jsonx_parse_strict_short_err),
		cmocka_unit_test(jsonx_render_compact),
		cmocka_unit_test(jsonx_add_types),
		cmocka_unit_test(jsonx_add_str_copies),
		cmocka_unit_test(jsonx_add_replaces),
		cmocka_unit_test(jsonx_get_str_table),
		cmocka_unit_test(jsonx_get_str_not_object),
	};

	return cmocka_run_group_tests_name("jsonx", tests, NULL, NULL);
}
