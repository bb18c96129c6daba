/* test_text.c: bounded parsing and decoding of untrusted text (text.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "text.h"

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

struct int64_case {
	const char	*in;
	int64_t		 min, max;
	int		 rc;
	int64_t		 out;
};

static int
int64_table(const struct int64_case *t, size_t n)
{
	size_t	 i;
	int64_t	 out;
	int	 rc, nfail = 0;

	for (i = 0; i < n; i++) {
		out = 4242;
		rc = text_to_int64(&out, t[i].in, t[i].min, t[i].max);
		if (rc != t[i].rc)
			CHECK(0, "text_to_int64(\"%s\", %lld, %lld): rc %d "
			    "(out %lld), want %d\n", esc(t[i].in,
			    strlen(t[i].in)), (long long)t[i].min,
			    (long long)t[i].max, rc, (long long)out, t[i].rc);
		else if (rc == 0)
			CHECK(out == t[i].out, "text_to_int64(\"%s\"): %lld, "
			    "want %lld\n", t[i].in, (long long)out,
			    (long long)t[i].out);
		else
			CHECK(out == 4242, "text_to_int64(\"%s\") failed but "
			    "wrote %lld\n", t[i].in, (long long)out);
	}
	return nfail;
}

static void
text_to_int64_bounds(void **state)
{
	static const struct int64_case t[] = {
		{ "0",			0, 10, 0, 0 },
		{ "10",			0, 10, 0, 10 },
		{ "5",			5, 5, 0, 5 },
		{ "-5",			-10, 10, 0, -5 },
		{ "-0",			0, 10, 0, 0 },
		{ "007",		0, 10, 0, 7 },
		{ "9223372036854775807", INT64_MIN, INT64_MAX, 0, INT64_MAX },
		{ "-9223372036854775808", INT64_MIN, INT64_MAX, 0, INT64_MIN },
		/* Bounds. */
		{ "11",			0, 10, E_INVAL, 0 },
		{ "-1",			0, 10, E_INVAL, 0 },
		{ "4",			5, 5, E_INVAL, 0 },
		{ "6",			5, 5, E_INVAL, 0 },
		/* Overflow. */
		{ "9223372036854775808", INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "-9223372036854775809", INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "99999999999999999999999", INT64_MIN, INT64_MAX, E_INVAL, 0 },
	};

	assert_int_equal(int64_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* The whole string must be the number: no sign '+', no spaces. */
static void
text_to_int64_garbage(void **state)
{
	static const struct int64_case t[] = {
		{ "",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "+1",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "1 ",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "1\n",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "abc",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "1a",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "0x10",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "1.0",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "1e3",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "-",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "--1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "- 1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "+-1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
	};

	assert_int_equal(int64_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* Leading white space of any kind, not only ' ' (strtoll skips it). */
static void
text_to_int64_leading_space(void **state)
{
	static const struct int64_case t[] = {
		{ " 1",			INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ " -1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\t1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\n1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\v1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\r1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\f1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
		{ "\t-1",		INT64_MIN, INT64_MAX, E_INVAL, 0 },
	};

	assert_int_equal(int64_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
text_to_int64_null(void **state)
{
	int64_t	 out = 7;

	assert_int_equal(text_to_int64(&out, NULL, 0, 10), E_INVAL);
	assert_int_equal(out, 7);
}

static void
text_urldecode_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		int		 plus;
		const char	*out;	/* NULL: must fail */
	} t[] = {
		{ B(""),		0, "" },
		{ B("abc"),		0, "abc" },
		{ B("a%2Fb"),		0, "a/b" },
		{ B("a%2fb"),		0, "a/b" },
		{ B("%41%42"),		0, "AB" },
		{ B("100%25"),		0, "100%" },
		{ B("%e2%82%ac"),	0, "\xe2\x82\xac" },
		{ B("%E2%82%AC"),	0, "\xe2\x82\xac" },
		{ B("a+b"),		0, "a+b" },
		{ B("a+b"),		1, "a b" },
		{ B("%2B"),		1, "+" },
		{ B("%2b+%20"),		1, "+  " },
		{ B("%20"),		0, " " },
		/* Malformed escapes. */
		{ B("%"),		0, NULL },
		{ B("a%"),		0, NULL },
		{ B("%4"),		0, NULL },
		{ B("a%4"),		1, NULL },
		{ B("%zz"),		0, NULL },
		{ B("%4g"),		0, NULL },
		{ B("%g4"),		0, NULL },
		{ B("%%41"),		0, NULL },
		/* A decoded or raw NUL. */
		{ B("%00"),		0, NULL },
		{ B("a%00b"),		1, NULL },
		{ B("a\0b"),		0, NULL },
		/* len bounds the input: no read past it. */
		{ "%41", 2,		0, NULL },
		{ "abc", 2,		0, "ab" },
		{ "%41x", 3,		0, "A" },
	};
	size_t	 i;
	char	*s;
	int	 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		s = text_urldecode(t[i].in, t[i].len, t[i].plus);
		if (t[i].out == NULL)
			CHECK(s == NULL, "text_urldecode(\"%s\", %d): \"%s\", "
			    "want NULL\n", esc(t[i].in, t[i].len), t[i].plus,
			    esc(s, strlen(s)));
		else
			CHECK(s != NULL && strcmp(s, t[i].out) == 0,
			    "text_urldecode(\"%s\", %d): \"%s\", want "
			    "\"%s\"\n", esc(t[i].in, t[i].len), t[i].plus,
			    s != NULL ? esc(s, strlen(s)) : "(null)",
			    esc(t[i].out, strlen(t[i].out)));
		free(s);
	}
	assert_int_equal(nfail, 0);
}

static void
text_is_utf8_table(void **state)
{
	static const struct {
		const char	*in;
		size_t		 len;
		int		 ok;
	} t[] = {
		{ B(""),			1 },
		{ B("abc"),			1 },
		{ B("\x7f"),			1 },
		{ B("\xc2\x80"),
		  1 }, /* U+0080, smallest 2-byte */
		{ B("\xc3\xa9"),		1 },	/* é */
		{ B("caf\xc3\xa9!"),		1 },
		{ B("\xdf\xbf"),		1 },	/* U+07FF */
		{ B("\xe0\xa0\x80"),		1 },	/* U+0800 */
		{ B("\xe2\x82\xac"),		1 },	/* € */
		{ B("\xed\x9f\xbf"),		1 },	/* U+D7FF */
		{ B("\xee\x80\x80"),		1 },	/* U+E000 */
		{ B("\xef\xbf\xbf"),		1 },	/* U+FFFF */
		{ B("\xf0\x90\x80\x80"),	1 },	/* U+10000 */
		{ B("\xf0\x9f\x98\x80"),	1 },	/* emoji */
		{ B("a\xf0\x9f\x98\x80z"),	1 },
		{ B("\xf4\x8f\xbf\xbf"),	1 },	/* U+10FFFF */
		/* Overlong forms. */
		{ B("\xc0\xaf"),		0 },
		{ B("\xc1\xbf"),		0 },
		{ B("\xc0\x80"),		0 },
		{ B("\xe0\x80\xaf"),		0 },
		{ B("\xe0\x9f\xbf"),		0 },
		{ B("\xf0\x80\x80\xaf"),	0 },
		{ B("\xf0\x8f\xbf\xbf"),	0 },
		/* Surrogates. */
		{ B("\xed\xa0\x80"),		0 },
		{ B("\xed\xbf\xbf"),		0 },
		{ B("\xed\xa0\xbd\xed\xb8\x80"), 0 },	/* CESU-8 pair */
		/* Past U+10FFFF and bytes that never appear. */
		{ B("\xf4\x90\x80\x80"),	0 },
		{ B("\xf5\x80\x80\x80"),	0 },
		{ B("\xf7\xbf\xbf\xbf"),	0 },
		{ B("\xf8\x88\x80\x80\x80"),	0 },
		{ B("\xfe"),			0 },
		{ B("\xff"),			0 },
		/* Stray continuation bytes. */
		{ B("\x80"),			0 },
		{ B("a\xbf"),			0 },
		/* Truncated sequences. */
		{ B("\xc3"),			0 },
		{ B("a\xc3"),			0 },
		{ B("\xe2\x82"),		0 },
		{ B("\xf0\x9f\x98"),		0 },
		{ B("\xc3" "A"),		0 },
		{ B("\xe2\x28\xa1"),		0 },
		{ B("\xf0\x9f\x98" "A"),	0 },
		{ "\xc3\xa9", 1,		0 },	/* cut by len */
		{ "\xf0\x9f\x98\x80", 3,	0 },
		/* NUL bytes. */
		{ B("\0"),			0 },
		{ B("a\0b"),			0 },
		{ B("abc\0"),			0 },
	};
	size_t	 i;
	int	 ok, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ok = text_is_utf8(t[i].in, t[i].len);
		CHECK(ok == t[i].ok, "text_is_utf8(\"%s\", %zu): %d, want %d\n",
		    esc(t[i].in, t[i].len), t[i].len, ok, t[i].ok);
	}
	assert_int_equal(nfail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_to_int64_bounds),
		cmocka_unit_test(text_to_int64_garbage),
		cmocka_unit_test(text_to_int64_leading_space),
		cmocka_unit_test(text_to_int64_null),
		cmocka_unit_test(text_urldecode_table),
		cmocka_unit_test(text_is_utf8_table),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
