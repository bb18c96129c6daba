/* test_stream.c: swarm-stream's pure parts (msg.c, outq.c, route.c, notify.c) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jsonx.h"
#include "msg.h"
#include "notify.h"
#include "outq.h"
#include "route.h"

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		print_error(__VA_ARGS__);				\
		nfail++;						\
	}								\
} while (0)

static const char *
payload(struct msg *m)
{
	return (const char *)msg_payload(m);
}

static void
stream_pointer_escapes(void **state)
{
	static const struct {
		const char	*prefix, *key, *out;
	} t[] = {
		{ "/entries", "a.txt", "/entries/a.txt" },
		{ "/entries", "src/a.ts", "/entries/src~1a.ts" },
		{ "/entries", "a~b/c~", "/entries/a~0b~1c~0" },
		{ "/entries", "~1", "/entries/~01" },
		{ "/tasks", "", "/tasks/" },
		{ "", "x", "/x" },
		{ "/e", "héllo wörld", "/e/héllo wörld" },
	};
	size_t	 i;
	int	 nfail = 0;
	char	*p;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = msg_pointer(t[i].prefix, t[i].key);
		CHECK(p != NULL && strcmp(p, t[i].out) == 0, "%s + %s: got %s\n",
		    t[i].prefix, t[i].key, p ? p : "(null)");
		free(p);
	}
	assert_int_equal(nfail, 0);
}

static void
stream_messages_render(void **state)
{
	struct msg	*m;
	json_object	*v;

	m = msg_finished();
	assert_non_null(m);
	assert_string_equal(payload(m), "{\"finished\":true}");
	assert_int_equal(m->len, strlen("{\"finished\":true}"));
	msg_unref(m);

	m = msg_refresh("the client fell \"behind\"");
	assert_non_null(m);
	assert_string_equal(payload(m), "{\"refresh_required\":true,"
	    "\"reason\":\"the client fell \\\"behind\\\"\"}");
	msg_unref(m);

	v = json_object_new_object();
	jsonx_add_str(v, "type", "STDOUT");
	jsonx_add_str(v, "content", "hi/there\n");
	m = msg_one_op(msg_op("add", "/entries/0", v));
	assert_non_null(m);
	assert_string_equal(payload(m), "{\"JsonPatch\":[{\"op\":\"add\","
	    "\"path\":\"/entries/0\",\"value\":{\"type\":\"STDOUT\","
	    "\"content\":\"hi/there\\n\"}}]}");
	msg_unref(m);

	/* remove carries no value, even if one is given. */
	m = msg_one_op(msg_op_at("remove", "/entries", "a/b",
	    json_object_new_int(1)));
	assert_non_null(m);
	assert_string_equal(payload(m), "{\"JsonPatch\":[{\"op\":\"remove\","
	    "\"path\":\"/entries/a~1b\"}]}");
	/* Shared: a second reference outlives the first. */
	msg_ref(m);
	msg_unref(m);
	assert_int_equal(m->refs, 1);
	msg_unref(m);
	msg_unref(NULL);
}

static void
stream_queue_bounds(void **state)
{
	struct outq	 q;
	struct msg	*m = msg_new("0123456789", 10), *big;
	size_t		 i;

	outq_init(&q);
	q.max_live_n = 3;
	q.max_live_bytes = 25;
	/* A snapshot is queued whole, whatever its size. */
	for (i = 0; i < 100; i++)
		assert_int_equal(outq_push(&q, m, 0), 0);
	assert_int_equal(q.n, 100);
	assert_int_equal(q.live_n, 0);
	/* Live messages: bounded by bytes (25: two fit) ... */
	assert_int_equal(outq_push(&q, m, 1), 0);
	assert_int_equal(outq_push(&q, m, 1), 0);
	assert_int_equal(outq_push(&q, m, 1), E_TOOBIG);
	assert_int_equal(q.live_n, 2);
	assert_int_equal(q.live_bytes, 20);
	assert_int_equal(m->refs, 1 + 102);
	/* ... and draining makes room again. */
	for (i = 0; i < 101; i++) {
		assert_ptr_equal(outq_peek(&q), m);
		outq_pop(&q);
	}
	assert_int_equal(q.live_n, 1);
	assert_int_equal(outq_push(&q, m, 1), 0);
	/* ... and by count. */
	q.max_live_bytes = 1 << 20;
	assert_int_equal(outq_push(&q, m, 1), 0);
	assert_int_equal(outq_push(&q, m, 1), E_TOOBIG);
	big = msg_new("x", 1);
	assert_int_equal(outq_push(&q, big, 1), E_TOOBIG);
	outq_clear(&q);
	assert_int_equal(q.n, 0);
	assert_int_equal(q.bytes, 0);
	assert_null(outq_peek(&q));
	outq_pop(&q);		/* empty: nothing happens */
	assert_int_equal(m->refs, 1);
	assert_int_equal(big->refs, 1);
	msg_unref(m);
	msg_unref(big);
	/* Defaults are the original's channel size. */
	outq_init(&q);
	assert_int_equal(q.max_live_n, OUTQ_MAX_LIVE);
}

#define U "123e4567-e89b-42d3-a456-426614174000"

static void
stream_route_table(void **state)
{
	static const struct {
		const char	*path;
		const char	*args[3];
		int		 status;
		int		 kind;
		const char	*id;
		int		 stats, soft, token;
		const char	*err;
	} t[] = {
		{ "/api/task-attempts/" U "/diff/ws", { NULL }, 0, STREAM_DIFF,
		  U, 0, 0, 0, NULL },
		{ "/api/task-attempts/" U "/diff/ws", { "stats_only=true" }, 0,
		  STREAM_DIFF, U, 1, 0, 0, NULL },
		{ "/api/task-attempts/" U "/diff/ws", { "stats_only=false" }, 0,
		  STREAM_DIFF, U, 0, 0, 0, NULL },
		{ "/api/task-attempts/" U "/diff/ws", { "stats_only=1" }, 400, 0,
		  NULL, 0, 0, 0, "query parameter 'stats_only' must be true or false" },
		/* Upper case and unhyphenated ids are canonicalised. */
		{ "/api/task-attempts/123E4567E89B42D3A456426614174000/diff/ws",
		  { NULL }, 0, STREAM_DIFF, U, 0, 0, 0, NULL },
		{ "/api/task-attempts/nope/diff/ws", { NULL }, 400, 0, NULL, 0,
		  0, 0, "invalid id" },
		{ "/api/task-attempts//diff/ws", { NULL }, 404, 0, NULL, 0, 0, 0,
		  "no such stream" },
		{ "/api/execution-processes/" U "/raw-logs/ws", { NULL }, 0,
		  STREAM_RAW_LOGS, U, 0, 0, 0, NULL },
		{ "/api/execution-processes/" U "/raw-logs/ws", { "token=abc" }, 0,
		  STREAM_RAW_LOGS, U, 0, 0, 1, NULL },
		{ "/api/execution-processes/" U "/normalized-logs/ws", { NULL },
		  0, STREAM_NORM_LOGS, U, 0, 0, 0, NULL },
		{ "/api/execution-processes/stream/ws", { "task_attempt_id=" U },
		  0, STREAM_PROCS, U, 0, 0, 0, NULL },
		{ "/api/execution-processes/stream/ws", { "task_attempt_id=" U,
		  "show_soft_deleted=true" }, 0, STREAM_PROCS, U, 0, 1, 0, NULL },
		{ "/api/execution-processes/stream/ws", { NULL }, 400, 0, NULL,
		  0, 0, 0, "query parameter 'task_attempt_id' is required" },
		{ "/api/tasks/stream/ws", { "project_id=" U }, 0, STREAM_BOARD,
		  U, 0, 0, 0, NULL },
		{ "/api/tasks/stream/ws", { "project_idx=" U }, 400, 0, NULL, 0,
		  0, 0, "query parameter 'project_id' is required" },
		{ "/api/tasks/stream/ws", { "project_id=" U "x" }, 400, 0, NULL,
		  0, 0, 0, "query parameter 'project_id' must be a UUID" },
		{ "/api/tasks/stream/ws/", { NULL }, 404, 0, NULL, 0, 0, 0,
		  "no such stream" },
		{ "/api/tasks/" U "/stream/ws", { NULL }, 404, 0, NULL, 0, 0, 0,
		  "no such stream" },
		{ "/api/task-attempts/" U "/diff/ws/extra", { NULL }, 404, 0,
		  NULL, 0, 0, 0, "no such stream" },
		{ "", { NULL }, 404, 0, NULL, 0, 0, 0, "no such stream" },
		{ "/", { NULL }, 404, 0, NULL, 0, 0, 0, "no such stream" },
	};
	struct route_req	 rq;
	char			 err[160];
	size_t			 i, n;
	int			 nfail = 0, st;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		for (n = 0; n < 3 && t[i].args[n] != NULL; n++)
			;
		err[0] = '\0';
		st = route_parse(&rq, t[i].path, t[i].args, n, err, sizeof(err));
		CHECK(st == t[i].status, "%s: status %d, want %d (%s)\n",
		    t[i].path, st, t[i].status, err);
		if (st != 0) {
			CHECK(t[i].err == NULL || strcmp(err, t[i].err) == 0,
			    "%s: message '%s'\n", t[i].path, err);
			continue;
		}
		CHECK(rq.route->kind == (enum stream_kind)t[i].kind &&
		    strcmp(rq.id, t[i].id) == 0 && rq.stats_only == t[i].stats &&
		    rq.show_soft_deleted == t[i].soft &&
		    rq.has_token == t[i].token, "%s: parsed wrong\n", t[i].path);
	}
	/* A path segment far too long for an id is a 400, not a crash. */
	{
		char	 p[6000];
		memset(p, 'a', sizeof(p));
		memcpy(p, "/api/task-attempts/", 19);
		strcpy(p + 5000, "/diff/ws");
		st = route_parse(&rq, p, NULL, 0, err, sizeof(err));
		CHECK(st == 400 || st == 404, "long id: %d\n", st);
	}
	assert_int_equal(nfail, 0);
}

static void
stream_notify_parse(void **state)
{
	static const struct {
		const char	*in;
		int		 ok;
		int		 kind;
	} t[] = {
		{ "board " U, 1, NOTIFY_BOARD },
		{ "procs " U, 1, NOTIFY_PROCS },
		{ "logs " U, 1, NOTIFY_LOGS },
		{ "logs " U " ", 0, 0 },
		{ "logs  " U, 0, 0 },
		{ "tasks " U, 0, 0 },
		{ "board", 0, 0 },
		{ "board 123", 0, 0 },
		{ "", 0, 0 },
		{ "board 123e4567e89b42d3a456426614174000", 0, 0 },
	};
	enum notify_kind	 k;
	char			 id[UUID_STRLEN + 1];
	size_t			 i;
	int			 nfail = 0, rc;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rc = notify_parse(&k, id, t[i].in, strlen(t[i].in));
		CHECK((rc == 0) == t[i].ok, "'%s': rc %d\n", t[i].in, rc);
		if (rc == 0)
			CHECK((int)k == t[i].kind && strcmp(id, U) == 0,
			    "'%s': kind %d id %s\n", t[i].in, k, id);
	}
	/* Embedded NUL and oversized datagrams. */
	CHECK(notify_parse(&k, id, "board \0" U, 7 + 36) != 0, "NUL\n");
	{
		char	 big[200];
		memset(big, 'a', sizeof(big));
		CHECK(notify_parse(&k, id, big, sizeof(big)) != 0, "big\n");
	}
	assert_int_equal(nfail, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stream_pointer_escapes),
		cmocka_unit_test(stream_messages_render),
		cmocka_unit_test(stream_queue_bounds),
		cmocka_unit_test(stream_route_table),
		cmocka_unit_test(stream_notify_parse),
	};

	return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
