/* test_exec_spawn.c: commands run in their own group, output arrives by
 * lines, stdin is fed, missing programs are told apart, groups are stopped */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "spawn.h"

struct lines {
	char	 text[8192];	/* "o:line\n" / "e:line\n" */
	size_t	 n;
	size_t	 longest;
	int	 eols;		/* lines that ended with a newline */
	int	 stop_after;	/* stop reading after this many lines */
};

static int
collect(void *arg, enum spawn_stream s, const char *line, size_t len, int eol)
{
	struct lines	*l = arg;
	int		 w;

	l->n++;
	l->eols += eol;
	if (len > l->longest)
		l->longest = len;
	if (len < 200) {
		w = snprintf(l->text + strlen(l->text),
		    sizeof(l->text) - strlen(l->text), "%c:%.*s\n",
		    s == SPAWN_STDOUT ? 'o' : 'e', (int)len, line);
		(void)w;
	}
	return l->stop_after > 0 && (int)l->n >= l->stop_after;
}

static int
run(struct lines *l, const struct spawn_opts *o, int *status)
{
	struct spawn	 sp;
	int		 rc;

	memset(l, 0, sizeof(*l) - sizeof(l->stop_after));
	if ((rc = spawn_start(&sp, o)) != 0)
		return rc;
	rc = spawn_wait(&sp, collect, NULL, l, status);
	spawn_clear(&sp);
	return rc;
}

static void
spawn_output_and_exit_code(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "echo one; echo two >&2; printf 'no newline'; exit 3", NULL };
	struct spawn_opts o = { .argv = argv };
	struct lines	 l = { .stop_after = 0 };
	int		 status;

	(void)state;
	assert_int_equal(run(&l, &o, &status), 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 3);
	assert_non_null(strstr(l.text, "o:one\n"));
	assert_non_null(strstr(l.text, "e:two\n"));
	assert_non_null(strstr(l.text, "o:no newline\n"));
	assert_int_equal(l.n, 3);
	assert_int_equal(l.eols, 2);
}

static void
spawn_stdin_cwd_env(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "cat; pwd; echo \"[$SPAWN_T_SET][${SPAWN_T_UNSET-gone}]\"", NULL };
	const char *const unset[] = { "SPAWN_T_UNSET", NULL };
	const char *const set[] = { "SPAWN_T_SET=yes", NULL };
	static const char input[] = "line 1\nline 2\n";
	struct spawn_opts o = { .argv = argv, .cwd = "/tmp", .env_unset = unset,
	    .env_set = set, .input = input, .input_len = sizeof(input) - 1 };
	struct lines	 l = { .stop_after = 0 };
	int		 status;

	(void)state;
	setenv("SPAWN_T_UNSET", "still here", 1);
	assert_int_equal(run(&l, &o, &status), 0);
	assert_string_equal(l.text, "o:line 1\no:line 2\no:/tmp\no:[yes][gone]\n");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
spawn_missing_program(void **state)
{
	const char *const argv[] = { "swarm-no-such-agent-binary", NULL };
	struct spawn_opts o = { .argv = argv };
	struct spawn	 sp;

	(void)state;
	assert_int_equal(spawn_start(&sp, &o), E_NOTFOUND);
	spawn_clear(&sp);
}

static void
spawn_long_lines_split(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "head -c 150000 /dev/zero | tr '\\\\0' x; echo; echo end", NULL };
	struct spawn_opts o = { .argv = argv };
	struct lines	 l = { .stop_after = 0 };
	int		 status;

	(void)state;
	assert_int_equal(run(&l, &o, &status), 0);
	assert_int_equal(l.longest, SPAWN_MAX_LINE);
	/* 150000 = 65536 + 65536 + 18928, then "end". */
	assert_int_equal(l.n, 4);
	assert_int_equal(l.eols, 2);	/* the last piece, and "end" */
	assert_non_null(strstr(l.text, "o:end\n"));
}

static void
spawn_reader_stop_kills_group(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "sleep 300 & while :; do echo tick; sleep 0.05; done", NULL };
	struct spawn_opts o = { .argv = argv };
	struct lines	 l = { .stop_after = 3 };
	struct spawn	 sp;
	int		 status;
	pid_t		 pgid;

	(void)state;
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	assert_int_equal(spawn_start(&sp, &o), 0);
	pgid = sp.pid;
	assert_int_equal(spawn_wait(&sp, collect, NULL, &l, &status), 0);
	spawn_clear(&sp);
	assert_int_equal(l.n, 3);
	assert_true(WIFSIGNALED(status));
	/* The backgrounded sleep went with its group. */
	assert_false(spawn_group_alive(pgid));
}

static void
spawn_stop_from_outside(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "trap '' INT; sleep 300 & wait", NULL };
	struct spawn_opts o = { .argv = argv };
	struct spawn	 sp;
	pid_t		 pid;

	(void)state;
	assert_int_equal(spawn_start(&sp, &o), 0);
	/* Let the shell install its trap before anyone signals it. */
	usleep(300000);
	/* Another process (the stop route) ends the group: SIGINT is
	 * ignored, SIGTERM is not. */
	if ((pid = fork()) == 0)
		_exit(spawn_stop_group(sp.pid, 300) == 0 ? 0 : 1);
	{
		int	 status, child;

		assert_int_equal(spawn_wait(&sp, collect, NULL,
		    &(struct lines){ 0 }, &status), 0);
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), SIGTERM);
		assert_int_equal(waitpid(pid, &child, 0), pid);
		assert_true(WIFEXITED(child) && WEXITSTATUS(child) == 0);
	}
	spawn_clear(&sp);
}

/* A conversation: each line the child prints gets the next line back. */
struct talk {
	struct spawn	*sp;
	char		 text[512];
	int		 replies;
	int		 ticks;
	int		 stop_at_tick;	/* tick returns 1 then */
};

static int
talk_line(void *arg, enum spawn_stream s, const char *line, size_t len,
    int eol)
{
	struct talk	*t = arg;

	snprintf(t->text + strlen(t->text), sizeof(t->text) - strlen(t->text),
	    "%c:%.*s\n", s == SPAWN_STDOUT ? 'o' : 'e', (int)len, line);
	if (s != SPAWN_STDOUT)
		return 0;
	if (len == 5 && memcmp(line, "got a", 5) == 0)
		assert_int_equal(spawn_write(t->sp, "b\n", 2), 0);
	else if (len == 5 && memcmp(line, "got b", 5) == 0) {
		spawn_close_stdin(t->sp);
		/* Closed: nothing more is taken. */
		assert_int_equal(spawn_write(t->sp, "c\n", 2), E_INVAL);
	}
	t->replies++;
	return 0;
}

static int
talk_tick(void *arg)
{
	struct talk	*t = arg;

	t->ticks++;
	return t->stop_at_tick > 0 && t->ticks >= t->stop_at_tick;
}

static void
spawn_interactive_stdin(void **state)
{
	const char *const argv[] = { "sh", "-c",
	    "while read l; do echo \"got $l\"; done; echo eof", NULL };
	struct spawn_opts o = { .argv = argv, .interactive = 1,
	    .input = "ignored\n", .input_len = 8 };
	struct spawn	 sp;
	struct talk	 t = { .sp = &sp };
	int		 status;

	(void)state;
	assert_int_equal(spawn_start(&sp, &o), 0);
	/* Nothing is written until asked: the shell waits for its line. */
	assert_int_equal(spawn_write(&sp, "a\n", 2), 0);
	assert_int_equal(spawn_wait(&sp, talk_line, talk_tick, &t, &status),
	    0);
	spawn_clear(&sp);
	assert_string_equal(t.text, "o:got a\no:got b\no:eof\n");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
spawn_interactive_buffers_big_writes(void **state)
{
	/* More than a pipe holds: the rest waits in our buffer, and is
	 * written as the child reads (sleep first, so it does not read). */
	const char *const argv[] = { "sh", "-c",
	    "sleep 0.3; wc -c", NULL };
	struct spawn_opts o = { .argv = argv, .interactive = 1 };
	struct spawn	 sp;
	struct lines	 l = { .stop_after = 0 };
	char		*big;
	size_t		 n = 1024 * 1024;
	int		 status;

	(void)state;
	assert_non_null(big = malloc(n));
	memset(big, 'x', n);
	assert_int_equal(spawn_start(&sp, &o), 0);
	assert_int_equal(spawn_write(&sp, big, n), 0);
	assert_true(sp.in_len - sp.in_off > 0);	/* not all taken yet */
	assert_int_equal(spawn_write(&sp, big, 10), 0);
	/* Past the limit of pending bytes: refused, nothing queued. */
	assert_int_equal(spawn_write(&sp, big, SPAWN_INPUT_MAX), E_TOOBIG);
	spawn_close_stdin(&sp);
	memset(&l, 0, sizeof(l));
	assert_int_equal(spawn_wait(&sp, collect, NULL, &l, &status), 0);
	spawn_clear(&sp);
	free(big);
	assert_string_equal(l.text, "o:1048586\n");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
spawn_tick_stops_group(void **state)
{
	/* The child never answers; the tick gives up (a handshake timeout)
	 * and the group is stopped. */
	const char *const argv[] = { "sh", "-c", "sleep 300 & cat", NULL };
	struct spawn_opts o = { .argv = argv, .interactive = 1 };
	struct spawn	 sp;
	struct talk	 t = { .sp = &sp, .stop_at_tick = 3 };
	int		 status;
	pid_t		 pgid;

	(void)state;
	assert_int_equal(spawn_start(&sp, &o), 0);
	pgid = sp.pid;
	assert_int_equal(spawn_wait(&sp, talk_line, talk_tick, &t, &status),
	    0);
	spawn_clear(&sp);
	assert_int_equal(t.ticks, 3);
	assert_true(WIFSIGNALED(status));
	assert_false(spawn_group_alive(pgid));
}

static void
spawn_write_needs_a_pipe(void **state)
{
	const char *const argv[] = { "true", NULL };
	struct spawn_opts o = { .argv = argv };
	struct spawn	 sp;
	struct lines	 l = { .stop_after = 0 };
	int		 status;

	(void)state;
	assert_int_equal(spawn_start(&sp, &o), 0);
	/* stdin is /dev/null: there is nothing to write to. */
	assert_int_equal(spawn_write(&sp, "x", 1), E_INVAL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(spawn_wait(&sp, collect, NULL, &l, &status), 0);
	spawn_clear(&sp);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(spawn_output_and_exit_code),
		cmocka_unit_test(spawn_stdin_cwd_env),
		cmocka_unit_test(spawn_missing_program),
		cmocka_unit_test(spawn_long_lines_split),
		cmocka_unit_test(spawn_reader_stop_kills_group),
		cmocka_unit_test(spawn_stop_from_outside),
		cmocka_unit_test(spawn_interactive_stdin),
		cmocka_unit_test(spawn_interactive_buffers_big_writes),
		cmocka_unit_test(spawn_tick_stops_group),
		cmocka_unit_test(spawn_write_needs_a_pipe),
	};

	return cmocka_run_group_tests_name("exec_spawn", tests, NULL, NULL);
}
