/* test_hive_liveness.c: a node's status derived from its heartbeats */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "liveness.h"

static void
liveness_table(void **state)
{
	static const struct {
		const char	*reported;
		int		 draining, has_hb;
		long long	 age, window;
		const char	*want;
	} t[] = {
		{ "pending", 0, 0, 0, 90, "pending" },	/* never heard from */
		{ "online", 0, 0, 0, 90, "pending" },
		{ "online", 1, 0, 0, 90, "pending" },
		{ "online", 0, 1, 0, 90, "online" },
		{ "online", 0, 1, 90, 90, "online" },	/* the window's edge */
		{ "online", 0, 1, 91, 90, "offline" },
		{ "busy", 0, 1, 10, 90, "busy" },
		{ "busy", 0, 1, 100, 90, "offline" },
		{ "offline", 0, 1, 1, 90, "offline" },	/* said goodbye */
		{ "online", 1, 1, 1, 90, "draining" },
		{ "busy", 1, 1, 1, 90, "draining" },
		{ "online", 1, 1, 91, 90, "offline" },	/* drained and gone */
		{ "draining", 0, 1, 1, 90, "online" },	/* only admins drain */
		{ "pending", 0, 1, 1, 90, "online" },
		{ NULL, 0, 1, 1, 90, "online" },
		{ "online", 0, 1, -5, 90, "online" },	/* clock skew */
		{ "online", 0, 1, 2, 1, "offline" },	/* a short window */
	};
	size_t	 i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_string_equal(liveness_status(t[i].reported, t[i].draining,
		    t[i].has_hb, t[i].age, t[i].window), t[i].want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(liveness_table),
	};

	return cmocka_run_group_tests_name("hive_liveness", tests, NULL, NULL);
}
