/* test_timefmt.c: database times to RFC 3339 (timefmt.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "err.h"
#include "timefmt.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

struct tcase {
	unsigned	 y, mo, d, h, mi, s;
	unsigned long	 us;
	const char	*out;	/* NULL: E_INVAL */
};

static int
run(const struct tcase *t, size_t n)
{
	char	 out[TIMEFMT_LEN + 1];
	size_t	 i;
	int	 rc, nfail = 0;

	for (i = 0; i < n; i++) {
		memset(out, 'X', sizeof(out));
		rc = timefmt_rfc3339(out, t[i].y, t[i].mo, t[i].d, t[i].h,
		    t[i].mi, t[i].s, t[i].us);
		if (t[i].out == NULL)
			CHECK(rc == E_INVAL, "timefmt(%u-%u-%u %u:%u:%u.%lu): "
			    "rc %d, want E_INVAL\n", t[i].y, t[i].mo, t[i].d,
			    t[i].h, t[i].mi, t[i].s, t[i].us, rc);
		else
			CHECK(rc == 0 && memcmp(out, t[i].out,
			    TIMEFMT_LEN + 1) == 0, "timefmt(%u-%u-%u "
			    "%u:%u:%u.%lu): rc %d \"%.27s\", want \"%s\"\n",
			    t[i].y, t[i].mo, t[i].d, t[i].h, t[i].mi, t[i].s,
			    t[i].us, rc, out, t[i].out);
	}
	return nfail;
}

static void
timefmt_rfc3339_exact(void **state)
{
	static const struct tcase t[] = {
		{ 2026, 11, 26, 9, 21, 1, 881359,
		  "2026-11-26T09:21:01.881359Z" },
		{ 1970, 1, 1, 0, 0, 0, 0,
		  "1970-01-01T00:00:00.000000Z" },
		{ 9999, 12, 31, 23, 59, 59, 999999,
		  "9999-12-31T23:59:59.999999Z" },
		{ 2024, 2, 29, 12, 30, 45, 500000,
		  "2024-02-29T12:30:45.500000Z" },
	};

	assert_int_equal(run(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
timefmt_rfc3339_zero_padding(void **state)
{
	static const struct tcase t[] = {
		{ 1, 1, 1, 0, 0, 0, 0,		"0001-01-01T00:00:00.000000Z" },
		{ 0, 1, 1, 0, 0, 0, 0,		"0000-01-01T00:00:00.000000Z" },
		{ 999, 9, 9, 9, 9, 9, 9,	"0999-09-09T09:09:09.000009Z" },
		{ 2000, 1, 2, 3, 4, 5, 6,	"2000-01-02T03:04:05.000006Z" },
	};

	assert_int_equal(run(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
timefmt_rfc3339_microseconds(void **state)
{
	static const struct tcase t[] = {
		{ 2026, 1, 1, 0, 0, 0, 1,	"2026-01-01T00:00:00.000001Z" },
		{ 2026, 1, 1, 0, 0, 0, 10,	"2026-01-01T00:00:00.000010Z" },
		{ 2026, 1, 1, 0, 0, 0, 123,	"2026-01-01T00:00:00.000123Z" },
		{ 2026, 1, 1, 0, 0, 0, 100000,	"2026-01-01T00:00:00.100000Z" },
		{ 2026, 1, 1, 0, 0, 0, 999999,	"2026-01-01T00:00:00.999999Z" },
		{ 2026, 1, 1, 0, 0, 0, 1000000,	NULL },
		{ 2026, 1, 1, 0, 0, 0, 4294967295UL, NULL },
	};

	assert_int_equal(run(t, sizeof(t) / sizeof(t[0])), 0);
}

/* Each field at its bounds: the last valid value and the first invalid. */
static void
timefmt_rfc3339_out_of_range(void **state)
{
	static const struct tcase t[] = {
		{ 10000, 1, 1, 0, 0, 0, 0,	NULL },
		{ 2026, 0, 1, 0, 0, 0, 0,	NULL },
		{ 2026, 13, 1, 0, 0, 0, 0,	NULL },
		{ 2026, 12, 1, 0, 0, 0, 0,	"2026-12-01T00:00:00.000000Z" },
		{ 2026, 1, 0, 0, 0, 0, 0,	NULL },
		{ 2026, 1, 32, 0, 0, 0, 0,	NULL },
		{ 2026, 1, 31, 0, 0, 0, 0,	"2026-01-31T00:00:00.000000Z" },
		{ 2026, 1, 1, 24, 0, 0, 0,	NULL },
		{ 2026, 1, 1, 23, 0, 0, 0,	"2026-01-01T23:00:00.000000Z" },
		{ 2026, 1, 1, 0, 60, 0, 0,	NULL },
		{ 2026, 1, 1, 0, 59, 0, 0,	"2026-01-01T00:59:00.000000Z" },
		{ 2026, 1, 1, 0, 0, 61, 0,	NULL },
		/* A leap second is valid RFC 3339. */
		{ 2016, 12, 31, 23, 59, 60, 0,	"2016-12-31T23:59:60.000000Z" },
		{ 4294967295U, 1, 1, 0, 0, 0, 0, NULL },
		{ 2026, 4294967295U, 1, 0, 0, 0, 0, NULL },
		{ 2026, 1, 4294967295U, 0, 0, 0, 0, NULL },
		{ 2026, 1, 1, 4294967295U, 0, 0, 0, NULL },
	};

	assert_int_equal(run(t, sizeof(t) / sizeof(t[0])), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timefmt_rfc3339_exact),
		cmocka_unit_test(timefmt_rfc3339_zero_padding),
		cmocka_unit_test(timefmt_rfc3339_microseconds),
		cmocka_unit_test(timefmt_rfc3339_out_of_range),
	};

	return cmocka_run_group_tests_name("timefmt", tests, NULL, NULL);
}
