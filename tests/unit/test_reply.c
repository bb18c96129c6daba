/* test_reply.c: the JSON envelope and the error-to-status mapping */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "http.h"
#include "jsonx.h"

/* Report every failing row of a table, then fail the case once. */
#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

#define ENV(ok, data, edata, msg) \
	"{\"success\":" ok ",\"data\":" data ",\"error_data\":" edata \
	",\"message\":" msg "}"

static json_object *
parse(const char *s)
{
	json_object	*o = json_tokener_parse(s);

	assert_non_null(o);
	return o;
}

/* Builders: each puts one reply in a particular state. */
static void
b_data(struct reply *rp)
{
	reply_data(rp, parse("{\"id\":\"x/y\",\"n\":1,\"ok\":true}"));
}

static void
b_data_array(struct reply *rp)
{
	reply_data(rp, parse("[]"));
}

static void
b_data_201(struct reply *rp)
{
	reply_data_status(rp, 201, parse("{\"id\":\"a\"}"));
}

static void
b_data_oom(struct reply *rp)
{
	reply_data(rp, NULL);
}

static void
b_null(struct reply *rp)
{
	reply_null(rp, 200);
}

static void
b_null_202(struct reply *rp)
{
	reply_null(rp, 202);
}

static void
b_null_after_data(struct reply *rp)
{
	b_data(rp);
	reply_null(rp, 202);
}

static void
b_error(struct reply *rp)
{
	reply_errorf(rp, 404, "%s not found", "task");
}

static void
b_error_escapes(struct reply *rp)
{
	reply_errorf(rp, 400, "field '%s' is \"bad\"\n/%d", "a/b", 7);
}

static void
b_error_after_data(struct reply *rp)
{
	b_data(rp);
	reply_errorf(rp, 409, "conflict");
}

static void
b_error_twice(struct reply *rp)
{
	reply_errorf(rp, 400, "first");
	reply_errorf(rp, 403, "second");
}

static void
b_error_no_message(struct reply *rp)
{
	rp->status = 500;
}

static void
b_error_data(struct reply *rp)
{
	reply_errorf(rp, 409, "merge failed");
	rp->error_data = parse("{\"type\":\"merge_conflicts\"}");
}

static void
b_bare(struct reply *rp)
{
	b_data(rp);
	rp->bare = 1;
}

static void
b_bare_error(struct reply *rp)
{
	rp->bare = 1;
	reply_errorf(rp, 503, "database unavailable");
}

static void
reply_render_envelope(void **state)
{
	static const struct {
		const char	*name;
		void		(*build)(struct reply *);
		int		 status;
		const char	*body;
	} t[] = {
		{ "data", b_data, 200,
		  ENV("true", "{\"id\":\"x/y\",\"n\":1,\"ok\":true}", "null",
		  "null") },
		{ "data array", b_data_array, 200,
		  ENV("true", "[]", "null", "null") },
		{ "data 201", b_data_201, 201,
		  ENV("true", "{\"id\":\"a\"}", "null", "null") },
		{ "data NULL (OOM)", b_data_oom, 500,
		  ENV("false", "null", "null", "\"out of memory\"") },
		{ "null", b_null, 200,
		  ENV("true", "null", "null", "null") },
		{ "null 202", b_null_202, 202,
		  ENV("true", "null", "null", "null") },
		{ "null after data", b_null_after_data, 202,
		  ENV("true", "null", "null", "null") },
		{ "error", b_error, 404,
		  ENV("false", "null", "null", "\"task not found\"") },
		{ "error escapes", b_error_escapes, 400,
		  ENV("false", "null", "null",
		  "\"field 'a/b' is \\\"bad\\\"\\n/7\"") },
		{ "error after data", b_error_after_data, 409,
		  ENV("false", "null", "null", "\"conflict\"") },
		{ "error twice", b_error_twice, 403,
		  ENV("false", "null", "null", "\"second\"") },
		{ "error without message", b_error_no_message, 500,
		  ENV("false", "null", "null", "\"internal error\"") },
		{ "error_data", b_error_data, 409,
		  ENV("false", "null", "{\"type\":\"merge_conflicts\"}",
		  "\"merge failed\"") },
		{ "bare", b_bare, 200,
		  "{\"id\":\"x/y\",\"n\":1,\"ok\":true}" },
		{ "bare error", b_bare_error, 503,
		  ENV("false", "null", "null", "\"database unavailable\"") },
	};
	struct reply	 rp;
	char		*s;
	size_t		 i, len;
	int		 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&rp, 0, sizeof(rp));
		t[i].build(&rp);
		CHECK(rp.status == t[i].status, "%s: status %d, want %d\n",
		    t[i].name, rp.status, t[i].status);
		len = 12345;
		s = reply_render(&rp, &len);
		CHECK(s != NULL && strcmp(s, t[i].body) == 0 &&
		    len == strlen(t[i].body), "%s: %s (len %zu), want %s\n",
		    t[i].name, s != NULL ? s : "(null)", len, t[i].body);
		free(s);
		/* Rendering does not consume the reply: twice, same bytes. */
		s = reply_render(&rp, &len);
		CHECK(s != NULL && strcmp(s, t[i].body) == 0,
		    "%s: second render differs\n", t[i].name);
		free(s);
		reply_clear(&rp);
	}
	assert_int_equal(nfail, 0);
}

/* The return value of each setter is the status it set. */
static void
reply_setters_return_status(void **state)
{
	struct reply	 rp;

	memset(&rp, 0, sizeof(rp));
	assert_int_equal(reply_data(&rp, parse("{}")), 200);
	assert_int_equal(reply_data_status(&rp, 201, parse("{}")), 201);
	assert_int_equal(reply_data(&rp, NULL), 500);
	assert_int_equal(reply_null(&rp, 202), 202);
	assert_int_equal(reply_errorf(&rp, 418, "%s", "x"), 418);
	assert_int_equal(reply_err(&rp, E_CONFLICT, NULL), 409);
	reply_clear(&rp);
}

static void
reply_err_mapping(void **state)
{
	static const struct {
		int		 err;
		const char	*what;
		int		 status;
		const char	*message;
	} t[] = {
		{ E_INVAL,	 NULL,		400, "invalid request" },
		{ E_FORBIDDEN,	 NULL,		403, "forbidden" },
		{ E_NOTFOUND,	 NULL,		404, "not found" },
		{ E_NOTFOUND,	 "task",	404, "task not found" },
		{ E_NOTFOUND,	 "project",	404, "project not found" },
		{ E_NOTFOUND,	 "parent task",	404, "parent task not found" },
		{ E_CONFLICT,	 NULL,		409, "conflict" },
		{ E_TOOBIG,	 NULL,		413, "request too large" },
		{ E_UNSUPPORTED, NULL,		415, "unsupported media type" },
		{ E_REMOTE,
		  NULL,		502, "remote node unreachable" },
		{ E_DB,		 NULL,		503, "database unavailable" },
		{ E_FAIL,	 NULL,		500, "internal error" },
		/* what only names the missing thing. */
		{ E_INVAL,	 "task",	400, "invalid request" },
		{ E_DB,		 "task",	503, "database unavailable" },
		{ E_FAIL,	 "task",	500, "internal error" },
		/* Anything else is a bug. */
		{ -99,		 NULL,		500, "internal error" },
		{ 1,		 NULL,		500, "internal error" },
	};
	struct reply	 rp;
	size_t		 i;
	int		 rc, nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&rp, 0, sizeof(rp));
		b_data(&rp);	/* an error replaces any data */
		rc = reply_err(&rp, t[i].err, t[i].what);
		CHECK(rc == t[i].status && rp.status == t[i].status &&
		    rp.message != NULL && strcmp(rp.message, t[i].message) == 0
		    && rp.data == NULL, "reply_err(%d, %s): rc %d status %d "
		    "\"%s\", want %d \"%s\"\n", t[i].err,
		    t[i].what != NULL ? t[i].what : "NULL", rc, rp.status,
		    rp.message != NULL ? rp.message : "(null)", t[i].status,
		    t[i].message);
		reply_clear(&rp);
	}
	assert_int_equal(nfail, 0);
}

static void
reply_status_of_table(void **state)
{
	static const struct { int err, status; } t[] = {
		{ E_INVAL,	 400 },
		{ E_FORBIDDEN,	 403 },
		{ E_NOTFOUND,	 404 },
		{ E_CONFLICT,	 409 },
		{ E_TOOBIG,	 413 },
		{ E_UNSUPPORTED, 415 },
		{ E_REMOTE,	 502 },
		{ E_DB,		 503 },
		{ E_FAIL,	 500 },
		{ -99,		 500 },
		{ 404,		 500 },
	};
	size_t	 i;
	int	 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(reply_status_of(t[i].err) == t[i].status,
		    "reply_status_of(%d): %d, want %d\n", t[i].err,
		    reply_status_of(t[i].err), t[i].status);
	assert_int_equal(nfail, 0);
}

static void
reply_reason_table(void **state)
{
	static const struct { int status; const char *reason; } t[] = {
		{ 200, "OK" },
		{ 201, "Created" },
		{ 202, "Accepted" },
		{ 204, "No Content" },
		{ 400, "Bad Request" },
		{ 401, "Unauthorized" },
		{ 403, "Forbidden" },
		{ 404, "Not Found" },
		{ 405, "Method Not Allowed" },
		{ 409, "Conflict" },
		{ 413, "Payload Too Large" },
		{ 415, "Unsupported Media Type" },
		{ 500, "Internal Server Error" },
		{ 502, "Bad Gateway" },
		{ 503, "Service Unavailable" },
		{ 504, "Gateway Timeout" },
		{ 0,   "Unknown" },
		{ 299, "Unknown" },
		{ 418, "Unknown" },
		{ -1,  "Unknown" },
	};
	size_t	 i;
	int	 nfail = 0;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		CHECK(strcmp(reply_reason(t[i].status), t[i].reason) == 0,
		    "reply_reason(%d): \"%s\", want \"%s\"\n", t[i].status,
		    reply_reason(t[i].status), t[i].reason);
	assert_int_equal(nfail, 0);
}

/* reply_clear frees everything (ASan) and leaves a zeroed reply. */
static void
reply_clear_zeroes(void **state)
{
	struct reply	 rp, zero;

	memset(&rp, 0, sizeof(rp));
	memset(&zero, 0, sizeof(zero));
	b_error_data(&rp);
	rp.data = parse("[1]");
	rp.bare = 1;
	reply_clear(&rp);
	assert_memory_equal(&rp, &zero, sizeof(rp));
	reply_clear(&rp);	/* twice is harmless */
	assert_memory_equal(&rp, &zero, sizeof(rp));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reply_render_envelope),
		cmocka_unit_test(reply_setters_return_status),
		cmocka_unit_test(reply_err_mapping),
		cmocka_unit_test(reply_status_of_table),
		cmocka_unit_test(reply_reason_table),
		cmocka_unit_test(reply_clear_zeroes),
	};

	return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
