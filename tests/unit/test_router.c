/* test_router.c: matching a raw request path against a route table */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "http.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

/* The node's table (fcgi/node/routes.c) without its handlers. */
static const struct route routes[] = {
	{ M_GET,    "/api/health",			NULL, R_NODB },	/* 0 */
	{ M_GET,    "/api/projects",			NULL, 0 },	/* 1 */
	{ M_POST,   "/api/projects",			NULL, R_BODY },	/* 2 */
	{ M_GET,    "/api/projects/{id}",		NULL, 0 },	/* 3 */
	{ M_PUT,    "/api/projects/{id}",		NULL, R_BODY },	/* 4 */
	{ M_DELETE, "/api/projects/{id}",		NULL, 0 },	/* 5 */
	{ M_GET,    "/api/projects/{id}/branches",	NULL, 0 },	/* 6 */
	{ M_GET,    "/api/projects/{id}/files",		NULL, 0 },	/* 7 */
	{ M_GET,    "/api/projects/{id}/files/{*path}",	NULL, 0 },	/* 8 */
	{ M_GET,    "/api/projects/{id}/search",	NULL, 0 },	/* 9 */
	{ M_GET,    "/api/tasks",			NULL, 0 },	/* 10 */
	{ M_POST,   "/api/tasks",			NULL, R_BODY },	/* 11 */
	{ M_GET,    "/api/tasks/{id}",			NULL, 0 },	/* 12 */
	{ M_PUT,    "/api/tasks/{id}",			NULL, R_BODY },	/* 13 */
	{ M_DELETE, "/api/tasks/{id}",			NULL, 0 },	/* 14 */
};
#define NROUTES	(sizeof(routes) / sizeof(routes[0]))

#define ID	"123e4567-e89b-42d3-a456-426614174000"
/* The tail of a row that matches no route, or only with another method. */
#define NONE	ROUTE_NONE, 0, NULL, NULL
#define METHOD	ROUTE_METHOD, 0, NULL, NULL

struct match_case {
	enum method	 method;
	const char	*path;
	int		 rc;
	int		 route;		/* index, when rc is 0 */
	const char	*id;		/* NULL: no capture */
	const char	*rest;		/* NULL: no capture */
};

static int
match_table(const struct match_case *t, size_t n)
{
	struct route_match	 m;
	size_t			 i;
	int			 rc, nfail = 0, idx;

	for (i = 0; i < n; i++) {
		memset(&m, 0xa5, sizeof(m));
		rc = router_match(&m, routes, NROUTES, t[i].method, t[i].path);
		if (rc != t[i].rc) {
			CHECK(0, "%d %s: rc %d, want %d\n", t[i].method,
			    t[i].path, rc, t[i].rc);
			continue;
		}
		if (rc != 0) {
			CHECK(m.route == NULL, "%d %s: rc %d but route set\n",
			    t[i].method, t[i].path, rc);
			continue;
		}
		idx = (int)(m.route - routes);
		CHECK(idx == t[i].route, "%d %s: route %d (%s), want %d (%s)\n",
		    t[i].method, t[i].path, idx, m.route->pattern, t[i].route,
		    routes[t[i].route].pattern);
		if (t[i].id == NULL)
			CHECK(m.id == NULL && m.id_len == 0, "%d %s: id set\n",
			    t[i].method, t[i].path);
		else
			/* The capture points into the path itself. */
			CHECK(m.id != NULL && m.id >= t[i].path &&
			    m.id < t[i].path + strlen(t[i].path) &&
			    m.id_len == strlen(t[i].id) &&
			    strncmp(m.id, t[i].id, m.id_len) == 0,
			    "%d %s: id \"%.*s\", want \"%s\"\n", t[i].method,
			    t[i].path, m.id != NULL ? (int)m.id_len : 6,
			    m.id != NULL ? m.id : "(null)", t[i].id);
		if (t[i].rest == NULL)
			CHECK(m.rest == NULL && m.rest_len == 0,
			    "%d %s: rest set\n", t[i].method, t[i].path);
		else
			CHECK(m.rest != NULL && m.rest >= t[i].path &&
			    m.rest < t[i].path + strlen(t[i].path) &&
			    m.rest_len == strlen(t[i].rest) &&
			    strncmp(m.rest, t[i].rest, m.rest_len) == 0,
			    "%d %s: rest \"%.*s\", want \"%s\"\n", t[i].method,
			    t[i].path, m.rest != NULL ? (int)m.rest_len : 6,
			    m.rest != NULL ? m.rest : "(null)", t[i].rest);
	}
	return nfail;
}

static void
router_match_literal(void **state)
{
	static const struct match_case t[] = {
		{ M_GET,    "/api/health", 0, 0, NULL, NULL },
		{ M_GET,    "/api/projects", 0, 1, NULL, NULL },
		{ M_POST,   "/api/projects", 0, 2, NULL, NULL },
		{ M_GET,    "/api/tasks", 0, 10, NULL, NULL },
		{ M_POST,   "/api/tasks", 0, 11, NULL, NULL },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_id(void **state)
{
	static const struct match_case t[] = {
		{ M_GET,    "/api/projects/" ID, 0, 3, ID, NULL },
		{ M_PUT,    "/api/projects/" ID, 0, 4, ID, NULL },
		{ M_DELETE, "/api/projects/" ID, 0, 5, ID, NULL },
		{ M_GET,    "/api/projects/" ID "/branches", 0, 6, ID, NULL },
		{ M_GET,    "/api/projects/" ID "/files", 0, 7, ID, NULL },
		{ M_GET,    "/api/projects/" ID "/search", 0, 9, ID, NULL },
		{ M_GET,    "/api/tasks/" ID, 0, 12, ID, NULL },
		{ M_PUT,    "/api/tasks/" ID, 0, 13, ID, NULL },
		{ M_DELETE, "/api/tasks/" ID, 0, 14, ID, NULL },
		/* {id} captures any non-empty segment; validation is later. */
		{ M_GET,    "/api/tasks/x", 0, 12, "x", NULL },
		{ M_GET,    "/api/tasks/not%2Fa-uuid", 0, 12,
		  "not%2Fa-uuid", NULL },
		{ M_GET,    "/api/tasks/..", 0, 12, "..", NULL },
		{ M_GET,    "/api/tasks/{id}", 0, 12, "{id}", NULL },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_rest(void **state)
{
	static const struct match_case t[] = {
		{ M_GET, "/api/projects/" ID "/files/a", 0, 8, ID, "a" },
		{ M_GET, "/api/projects/" ID "/files/src/lib/x.c", 0, 8, ID,
		  "src/lib/x.c" },
		{ M_GET, "/api/projects/" ID "/files/a/", 0, 8, ID, "a/" },
		{ M_GET, "/api/projects/" ID "/files/a%20b/c", 0, 8, ID,
		  "a%20b/c" },
		{ M_GET, "/api/projects/" ID "/files/files", 0, 8, ID,
		  "files" },
		{ M_GET, "/api/projects/" ID "/files/../../etc", 0, 8, ID,
		  "../../etc" },
		/* {*path} needs a first segment that is not empty. */
		{ M_GET, "/api/projects/" ID "/files/", NONE },
		{ M_GET, "/api/projects/" ID "/files//a", NONE },
		{ M_POST, "/api/projects/" ID "/files/a", METHOD },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_trailing_slash(void **state)
{
	static const struct match_case t[] = {
		{ M_GET, "/api/health/", NONE },
		{ M_GET, "/api/projects/", NONE },
		{ M_GET, "/api/tasks/", NONE },
		{ M_GET, "/api/tasks/" ID "/", NONE },
		{ M_GET, "/api/projects/" ID "/files/", NONE },
		{ M_GET, "/api/projects/" ID "/branches/", NONE },
		{ M_GET, "/api/health//", NONE },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_empty_segment(void **state)
{
	static const struct match_case t[] = {
		{ M_GET, "/api/tasks//", NONE },
		{ M_GET, "/api/projects//files", NONE },
		{ M_GET, "/api/projects//branches", NONE },
		{ M_GET, "//api/health", NONE },
		{ M_GET, "/api//health", NONE },
		{ M_GET, "/api/projects//" ID, NONE },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_wrong_method(void **state)
{
	static const struct match_case t[] = {
		{ M_POST,   "/api/health", METHOD },
		{ M_DELETE, "/api/projects", METHOD },
		{ M_PUT,    "/api/tasks", METHOD },
		{ M_POST,   "/api/tasks/" ID, METHOD },
		{ M_PATCH,  "/api/projects/" ID, METHOD },
		{ M_DELETE, "/api/projects/" ID "/branches", METHOD },
		{ M_PUT,    "/api/projects/" ID "/files", METHOD },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

static void
router_match_unknown(void **state)
{
	static const struct match_case t[] = {
		{ M_GET, "", NONE },
		{ M_GET, "/", NONE },
		{ M_GET, "/api", NONE },
		{ M_GET, "/api/", NONE },
		{ M_GET, "/api/nope", NONE },
		{ M_GET, "api/health", NONE },
		{ M_GET, "/API/health", NONE },
		{ M_GET, "/api/healthz", NONE },
		{ M_GET, "/api/health/x", NONE },
		{ M_GET, "/api/healt", NONE },
		{ M_GET, "/api/projectsx", NONE },
		{ M_GET, "/api/tasks/" ID "/x", NONE },
		{ M_GET, "/api/projects/" ID "/branchesx", NONE },
		{ M_GET, "/api/projects/" ID "/branches/x", NONE },
		{ M_GET, "/api/health?x=1", NONE },
		{ M_DELETE, "/api/nope", NONE },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* A path that is only the start of a pattern does not match it. */
static void
router_match_prefix_only(void **state)
{
	static const struct match_case t[] = {
		{ M_GET, "/api/projects/" ID "/fil", NONE },
		{ M_GET, "/api/projects/" ID "/file", NONE },
		{ M_GET, "/api/projects/" ID "/filesx", NONE },
		{ M_GET, "/api/hea", NONE },
		{ M_GET, "/ap", NONE },
	};

	assert_int_equal(match_table(t, sizeof(t) / sizeof(t[0])), 0);
}

/* The first route in table order wins when two patterns match. */
static void
router_match_first_wins(void **state)
{
	static const struct route r[] = {
		{ M_GET, "/a/{id}",	NULL, 0 },
		{ M_GET, "/a/b",	NULL, 0 },
		{ M_POST, "/a/b",	NULL, 0 },
	};
	struct route_match	 m;

	assert_int_equal(router_match(&m, r, 3, M_GET, "/a/b"), 0);
	assert_ptr_equal(m.route, &r[0]);
	assert_int_equal(m.id_len, 1);
	assert_memory_equal(m.id, "b", 1);
	assert_int_equal(router_match(&m, r, 3, M_POST, "/a/b"), 0);
	assert_ptr_equal(m.route, &r[2]);
	assert_null(m.id);
	assert_int_equal(router_match(&m, r, 3, M_PUT, "/a/b"), ROUTE_METHOD);
	assert_int_equal(router_match(&m, r, 0, M_GET, "/a/b"), ROUTE_NONE);
}

/* {sub} captures a second segment (the hive's link and assignment routes). */
static void
router_match_sub(void **state)
{
	static const struct route two[] = {
		{ M_DELETE, "/hive/v1/nodes/{id}/projects/{sub}", NULL, 0 },
		{ M_GET,    "/hive/v1/nodes/{id}",		NULL, 0 },
	};
	struct route_match	 m;

	(void)state;
	assert_int_equal(router_match(&m, two, 2, M_DELETE,
	    "/hive/v1/nodes/" ID "/projects/abc"), 0);
	assert_ptr_equal(m.route, &two[0]);
	assert_int_equal(m.id_len, strlen(ID));
	assert_memory_equal(m.id, ID, m.id_len);
	assert_int_equal(m.sub_len, 3);
	assert_memory_equal(m.sub, "abc", 3);
	assert_int_equal(router_match(&m, two, 2, M_GET, "/hive/v1/nodes/" ID), 0);
	assert_null(m.sub);
	assert_int_equal(router_match(&m, two, 2, M_DELETE,
	    "/hive/v1/nodes/" ID "/projects/"), ROUTE_NONE);
	assert_int_equal(router_match(&m, two, 2, M_DELETE,
	    "/hive/v1/nodes/" ID "/projects/a/b"), ROUTE_NONE);
}

static void
router_method_names(void **state)
{
	static const struct { const char *name; enum method m; } t[] = {
		{ "GET",	M_GET },
		{ "POST",	M_POST },
		{ "PUT",	M_PUT },
		{ "DELETE",	M_DELETE },
		{ "PATCH",	M_PATCH },
		{ "get",	0 },
		{ "Get",	0 },
		{ "HEAD",	0 },
		{ "OPTIONS",	0 },
		{ "TRACE",	0 },
		{ "CONNECT",	0 },
		{ "GETX",	0 },
		{ "GE",		0 },
		{ " GET",	0 },
		{ "",		0 },
		{ NULL,		0 },
	};
	size_t		 i;
	enum method	 m;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		m = router_method(t[i].name);
		CHECK(m == t[i].m, "router_method(%s): %d, want %d\n",
		    t[i].name != NULL ? t[i].name : "NULL", m, t[i].m);
	}
	assert_int_equal(nfail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(router_match_literal),
		cmocka_unit_test(router_match_id),
		cmocka_unit_test(router_match_rest),
		cmocka_unit_test(router_match_trailing_slash),
		cmocka_unit_test(router_match_empty_segment),
		cmocka_unit_test(router_match_wrong_method),
		cmocka_unit_test(router_match_unknown),
		cmocka_unit_test(router_match_prefix_only),
		cmocka_unit_test(router_match_first_wins),
		cmocka_unit_test(router_match_sub),
		cmocka_unit_test(router_method_names),
	};

	return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
