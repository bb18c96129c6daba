/* test_uuid.c: UUID text validation and generation (uuid.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "err.h"
#include "uuid.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

static void
uuid_parse_table(void **state)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: E_INVAL */
	} t[] = {
		/* Canonical, either case, with or without hyphens. */
		{ "123e4567-e89b-42d3-a456-426614174000",
		  "123e4567-e89b-42d3-a456-426614174000" },
		{ "123E4567-E89B-42D3-A456-426614174000",
		  "123e4567-e89b-42d3-a456-426614174000" },
		{ "123e4567-E89b-42D3-a456-42661417400F",
		  "123e4567-e89b-42d3-a456-42661417400f" },
		{ "123e4567e89b42d3a456426614174000",
		  "123e4567-e89b-42d3-a456-426614174000" },
		{ "ABCDEFABCDEFABCDEFABCDEFABCDEFAB",
		  "abcdefab-cdef-abcd-efab-cdefabcdefab" },
		{ "00000000-0000-0000-0000-000000000000",
		  "00000000-0000-0000-0000-000000000000" },
		{ "ffffffff-ffff-ffff-ffff-ffffffffffff",
		  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
		/* Hyphens in the wrong places. */
		{ "123e456-7e89b-42d3-a456-426614174000", NULL },
		{ "123e4567e-89b-42d3-a456-426614174000", NULL },
		{ "123e4567-e89b4-2d3-a456-426614174000", NULL },
		{ "123e4567-e89b-42d3a-456-426614174000", NULL },
		{ "123e4567-e89b-42d3-a4564-26614174000", NULL },
		{ "123e4567fe89bf42d3fa456f426614174000", NULL },
		{ "123e4567-e89b-42d3-a456-42661417",	  NULL },	/* 32 */
		{ "------------------------------------", NULL },
		/* Wrong lengths. */
		{ "",					  NULL },
		{ "123e4567-e89b-42d3-a456-42661417400",  NULL },	/* 35 */
		{ "123e4567-e89b-42d3-a456-4266141740000", NULL },	/* 37 */
		{ "123e4567e89b42d3a45642661417400",	  NULL },	/* 31 */
		{ "123e4567e89b42d3a4564266141740000",	  NULL },	/* 33 */
		{ "{123e4567-e89b-42d3-a456-426614174000}", NULL },
		{ "urn:uuid:123e4567-e89b-42d3-a456-426614174000", NULL },
		{ " 123e4567-e89b-42d3-a456-426614174000", NULL },
		{ "123e4567-e89b-42d3-a456-426614174000\n", NULL },
		/* Non-hex digits. */
		{ "g23e4567-e89b-42d3-a456-426614174000", NULL },
		{ "123e4567-e89b-42d3-a456-42661417400g", NULL },
		{ "123e4567-e89b-42d3-a456-4266141740 0", NULL },
		{ "123e4567+e89b+42d3+a456+426614174000", NULL },
		{ "123e4567e89b42d3a45642661417400z",	  NULL },
		{ "123e4567-e89b-42d3-a456-42661417400\xc3", NULL },
	};
	char	 out[UUID_STRLEN + 1];
	size_t	 i;
	int	 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(out, 'X', sizeof(out));
		rc = uuid_parse(out, t[i].in);
		if (t[i].out == NULL)
			CHECK(rc == E_INVAL, "uuid_parse(\"%s\"): rc %d, want "
			    "E_INVAL\n", t[i].in, rc);
		else
			CHECK(rc == 0 && memcmp(out, t[i].out,
			    UUID_STRLEN + 1) == 0, "uuid_parse(\"%s\"): rc %d "
			    "\"%.36s\", want \"%s\"\n", t[i].in, rc, out,
			    t[i].out);
	}
	assert_int_equal(nfail, 0);
}

static void
uuid_parse_null(void **state)
{
	char	 out[UUID_STRLEN + 1];

	assert_int_equal(uuid_parse(out, NULL), E_INVAL);
}

/* The output of uuid_parse parses back to itself. */
static void
uuid_parse_idempotent(void **state)
{
	char	 a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];

	assert_int_equal(uuid_parse(a, "A0B1C2D3E4F5A6B7C8D9EAFBACBDCEDF"), 0);
	assert_string_equal(a, "a0b1c2d3-e4f5-a6b7-c8d9-eafbacbdcedf");
	assert_int_equal(uuid_parse(b, a), 0);
	assert_string_equal(a, b);
}

static void
check_v4(const char *u)
{
	size_t	 i;

	assert_int_equal(strlen(u), UUID_STRLEN);
	for (i = 0; i < UUID_STRLEN; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(u[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", u[i]));
	}
	assert_int_equal(u[14], '4');			/* version */
	assert_non_null(strchr("89ab", u[19]));		/* variant */
}

static void
uuid_new_format(void **state)
{
	char	 u[UUID_STRLEN + 1], back[UUID_STRLEN + 1];
	int	 i;

	for (i = 0; i < 1000; i++) {
		memset(u, 'X', sizeof(u));
		assert_int_equal(uuid_new(u), 0);
		check_v4(u);
		assert_int_equal(uuid_parse(back, u), 0);
		assert_string_equal(back, u);
	}
}

static void
uuid_new_differs(void **state)
{
	char	 a[UUID_STRLEN + 1], b[UUID_STRLEN + 1];

	assert_int_equal(uuid_new(a), 0);
	assert_int_equal(uuid_new(b), 0);
	assert_string_not_equal(a, b);
}

/* Over many draws every variant nibble 8, 9, a, b shows up. */
static void
uuid_new_variant_spread(void **state)
{
	char	 u[UUID_STRLEN + 1];
	int	 seen[4] = { 0 }, i;

	for (i = 0; i < 400; i++) {
		assert_int_equal(uuid_new(u), 0);
		seen[strchr("89ab", u[19]) - "89ab"]++;
	}
	for (i = 0; i < 4; i++)
		assert_true(seen[i] > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(uuid_parse_table),
		cmocka_unit_test(uuid_parse_null),
		cmocka_unit_test(uuid_parse_idempotent),
		cmocka_unit_test(uuid_new_format),
		cmocka_unit_test(uuid_new_differs),
		cmocka_unit_test(uuid_new_variant_spread),
	};

	return cmocka_run_group_tests_name("uuid", tests, NULL, NULL);
}
