/* test_linkmsg.c: the node link's message parsing and reconnect backoff */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "linkmsg.h"

static int
parse(struct link_in *m, const char *s, char *err, size_t errsz)
{
	return link_parse(m, s, strlen(s), err, errsz);
}

static void
link_auth_ok(void **state)
{
	struct link_in	 m;
	char		 err[200];

	assert_int_equal(parse(&m, "{\"type\":\"auth\",\"data\":{\"api_key\":"
	    "\"abc\",\"machine_id\":\"m1\",\"name\":\"n\",\"capabilities\":"
	    "{\"os\":\"linux\"},\"public_url\":null,\"protocol_version\":1}}",
	    err, sizeof(err)), 0);
	assert_int_equal(m.type, LINK_AUTH);
	assert_string_equal(m.u.auth.api_key, "abc");
	assert_string_equal(m.u.auth.machine_id, "m1");
	assert_null(m.u.auth.public_url);
	assert_non_null(m.u.auth.capabilities);
	assert_int_equal(m.u.auth.protocol_version, 1);
	link_in_free(&m);
}

static void
link_auth_bad(void **state)
{
	static const struct {
		const char	*in, *err;
	} t[] = {
		{ "{\"type\":\"auth\",\"data\":{\"machine_id\":\"m\",\"name\":"
		    "\"n\",\"protocol_version\":1}}", "field 'api_key' is required" },
		{ "{\"type\":\"auth\",\"data\":{\"api_key\":\"k\",\"machine_id\":"
		    "\"\",\"name\":\"n\",\"protocol_version\":1}}",
		    "field 'machine_id' must be a string" },
		{ "{\"type\":\"auth\",\"data\":{\"api_key\":\"k\",\"machine_id\":"
		    "\"m\",\"name\":\"n\"}}", "field 'protocol_version' is required" },
		{ "{\"type\":\"auth\",\"data\":{\"api_key\":\"k\",\"machine_id\":"
		    "\"m\",\"name\":\"n\",\"protocol_version\":\"1\"}}",
		    "field 'protocol_version' must be an integer" },
		{ "{\"type\":\"auth\",\"data\":{\"api_key\":\"k\",\"machine_id\":"
		    "\"m\",\"name\":\"n\",\"protocol_version\":1,"
		    "\"capabilities\":[]}}", "field 'capabilities' must be an object" },
		{ "{\"type\":\"auth\",\"data\":{\"api_key\":7,\"machine_id\":"
		    "\"m\",\"name\":\"n\",\"protocol_version\":1}}",
		    "field 'api_key' must be a string" },
	};
	struct link_in	 m;
	char		 err[200];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&m, t[i].in, err, sizeof(err)), E_INVAL);
		if (strstr(err, t[i].err) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, t[i].err);
		assert_null(m.root);
	}
}

static void
link_envelope_bad(void **state)
{
	static const struct {
		const char	*in;
		int		 rc;
		const char	*err;
	} t[] = {
		{ "{\"type\":\"heartbeat\",", E_INVAL, "invalid JSON" },
		{ "not json", E_INVAL, "invalid JSON" },
		{ "{\"type\":\"heartbeat\",\"data\":{}} x", E_INVAL, "invalid JSON" },
		{ "[1,2]", E_INVAL, "string 'type'" },
		{ "{\"data\":{}}", E_INVAL, "string 'type'" },
		{ "{\"type\":5,\"data\":{}}", E_INVAL, "string 'type'" },
		{ "{\"type\":\"heartbeat\"}", E_INVAL, "object 'data'" },
		{ "{\"type\":\"heartbeat\",\"data\":[]}", E_INVAL, "object 'data'" },
		{ "{\"type\":\"launch_missiles\",\"data\":{}}", E_UNSUPPORTED,
		    "unknown message type 'launch_missiles'" },
	};
	struct link_in	 m;
	char		 err[200];
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&m, t[i].in, err, sizeof(err)), t[i].rc);
		if (strstr(err, t[i].err) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err, t[i].err);
	}
}

static void
link_too_big(void **state)
{
	struct link_in	 m;
	char		 err[200], *big;

	big = malloc(LINK_MSG_MAX + 2);
	assert_non_null(big);
	memset(big, ' ', LINK_MSG_MAX + 1);
	big[LINK_MSG_MAX + 1] = '\0';
	assert_int_equal(link_parse(&m, big, LINK_MSG_MAX + 1, err,
	    sizeof(err)), E_TOOBIG);
	assert_non_null(strstr(err, "too big"));
	free(big);
}

static void
link_heartbeat(void **state)
{
	struct link_in	 m;
	char		 err[200];

	assert_int_equal(parse(&m, "{\"type\":\"heartbeat\",\"data\":{\"status\":"
	    "\"busy\",\"active_tasks\":2,\"available_capacity\":0,"
	    "\"memory_usage\":null,\"cpu_usage\":55,\"timestamp\":"
	    "\"2026-01-01T00:00:00Z\"}}", err, sizeof(err)), 0);
	assert_int_equal(m.type, LINK_HEARTBEAT);
	assert_string_equal(m.u.heartbeat.status, "busy");
	assert_int_equal(m.u.heartbeat.active_tasks, 2);
	link_in_free(&m);
	assert_int_equal(parse(&m, "{\"type\":\"heartbeat\",\"data\":{\"status\":"
	    "\"asleep\"}}", err, sizeof(err)), E_INVAL);
	assert_non_null(strstr(err, "field 'status'"));
	assert_int_equal(parse(&m, "{\"type\":\"heartbeat\",\"data\":{\"status\":"
	    "\"online\",\"cpu_usage\":101}}", err, sizeof(err)), E_INVAL);
	assert_non_null(strstr(err, "field 'cpu_usage'"));
	assert_int_equal(parse(&m, "{\"type\":\"heartbeat\",\"data\":{\"status\":"
	    "\"online\",\"active_tasks\":-1}}", err, sizeof(err)), E_INVAL);
}

static void
link_project_msgs(void **state)
{
	struct link_in	 m;
	char		 err[200];

	assert_int_equal(parse(&m, "{\"type\":\"link_project\",\"data\":{"
	    "\"project_id\":\"0E8A7F6C-1234-4ABC-8DEF-0123456789AB\","
	    "\"local_project_id\":\"11111111-2222-4333-8444-555555555555\","
	    "\"git_repo_path\":\"/srv/r\"}}", err, sizeof(err)), 0);
	assert_int_equal(m.type, LINK_LINK_PROJECT);
	/* Canonical (lowercase) ids, and the original's default branch. */
	assert_string_equal(m.u.link.project_id,
	    "0e8a7f6c-1234-4abc-8def-0123456789ab");
	assert_string_equal(m.u.link.default_branch, "main");
	link_in_free(&m);
	assert_int_equal(parse(&m, "{\"type\":\"unlink_project\",\"data\":{"
	    "\"project_id\":\"nope\"}}", err, sizeof(err)), E_INVAL);
	assert_non_null(strstr(err, "must be a UUID"));
	assert_int_equal(parse(&m, "{\"type\":\"link_project\",\"data\":{"
	    "\"project_id\":\"0e8a7f6c-1234-4abc-8def-0123456789ab\","
	    "\"local_project_id\":\"11111111-2222-4333-8444-555555555555\"}}",
	    err, sizeof(err)), E_INVAL);
	assert_non_null(strstr(err, "field 'git_repo_path' is required"));
}

static void
link_msg_renders(void **state)
{
	json_object	*d = json_object_new_object();
	struct msg	*m;

	json_object_object_add(d, "reason", json_object_new_string("a/b"));
	m = link_msg("close", d);
	assert_non_null(m);
	assert_string_equal((const char *)msg_payload(m),
	    "{\"type\":\"close\",\"data\":{\"reason\":\"a/b\"}}");
	msg_unref(m);
}

static void
link_backoff(void **state)
{
	int64_t		 d, cap;
	unsigned int	 a;
	uint32_t	 r;

	/* Within [half, full] of min * 2^attempt, capped. */
	for (a = 0; a < 40; a++)
		for (r = 0; r < 5000; r += 997) {
			cap = a >= 6 ? 60000 : 1000LL << a;
			if (cap > 60000)
				cap = 60000;
			d = link_backoff_ms(a, 1000, 60000, r * 2654435761u);
			if (d < cap / 2 || d > cap)
				fail_msg("attempt %u: %lld not in [%lld, %lld]",
				    a, (long long)d, (long long)cap / 2,
				    (long long)cap);
		}
	/* Jitter spreads: two draws of the same attempt differ. */
	assert_true(link_backoff_ms(3, 1000, 60000, 0) !=
	    link_backoff_ms(3, 1000, 60000, 4000));
	/* Degenerate bounds stay sane. */
	assert_true(link_backoff_ms(0, 0, 0, 12345) >= 0);
	assert_true(link_backoff_ms(5, 100, 50, 7) <= 100);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(link_auth_ok),
		cmocka_unit_test(link_auth_bad),
		cmocka_unit_test(link_envelope_bad),
		cmocka_unit_test(link_too_big),
		cmocka_unit_test(link_heartbeat),
		cmocka_unit_test(link_project_msgs),
		cmocka_unit_test(link_msg_renders),
		cmocka_unit_test(link_backoff),
	};

	return cmocka_run_group_tests_name("linkmsg", tests, NULL, NULL);
}
