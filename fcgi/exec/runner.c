/* runner.c: swarm-runner, one detached process that runs an attempt's chain
 * of actions (setup script, coding agent, cleanup script) to the end */
#include <sys/wait.h>

#include <getopt.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board_cache.h"
#include "cache.h"
#include "db.h"
#include "db_runs.h"
#include "driver.h"
#include "err.h"
#include "executors.h"
#include "jsonx.h"
#include "log.h"
#include "normalize.h"
#include "notify.h"
#include "procid.h"
#include "proclog.h"
#include "repo.h"
#include "runner_msg.h"
#include "spawn.h"
#include "uuid.h"
#include "worktree.h"
#include "worktrees.h"

/* What one run needs; the row of execution_processes it belongs to. */
struct run {
	struct db		*db;
	const struct procid	*me;
	struct executors	*exec;
	char			 id[UUID_STRLEN + 1];
	char			 attempt[UUID_STRLEN + 1];
	char			 task[UUID_STRLEN + 1];
	char			 project[UUID_STRLEN + 1];
	char			*worktree;
	char			*run_reason;
	json_object		*action;	/* the whole ExecutorAction */
	/* while running */
	struct proclog		 log;
	struct normalizer	*norm;
	int			 is_agent;
	struct spawn		*sp;
	struct driver		*drv;		/* a conversation, else NULL */
	long			 hs_ms;		/* its handshake bound */
	int64_t			 hs_deadline;
	char			*drv_line;	/* a long line's pieces so far */
	size_t			 drv_len;
};

/* The earlier turns given to an agent that cannot reload its session. */
#define RUNNER_HISTORY_MAX	(512 * 1024)
/* A stdout line the driver reads whole (a longer one is skipped). */
#define RUNNER_DRIVER_LINE_MAX	(8 * 1024 * 1024)

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
board_touched(const struct run *r)
{
	const char	*tid = r->task;

	board_changed(0, r->project, &tid, 1);
	notify_send(NOTIFY_PROCS, r->attempt);
}

/* Store one output line and feed it to the normalizer. */
static void
log_line(struct run *r, enum spawn_stream s, const char *line, size_t len,
    int eol)
{
	json_object	*ops = NULL;
	const char	*sid;
	char		*text;

	/* Stored as the original does: the chunk with its newline. */
	if ((text = malloc(len + 2)) != NULL) {
		memcpy(text, line, len);
		if (eol)
			text[len] = '\n';
		proclog_add(&r->log, s == SPAWN_STDOUT ? "Stdout" : "Stderr",
		    text, len + (eol ? 1 : 0));
		free(text);
	}
	if (r->norm != NULL && normalize_feed(&ops, r->norm, s == SPAWN_STDOUT ?
	    NORMALIZE_STDOUT : NORMALIZE_STDERR, line, len, now_ms()) == 0) {
		json_object_put(ops);	/* recomputed from raw logs on read */
		if ((sid = normalize_take_session_id(r->norm)) != NULL)
			db_run_session_id(r->db, r->id, sid);
	}
}

/*
 * Send the driver's messages: each one line on the agent's stdin and,
 * as {"swarm_sent": message}, one Stdout line of the log (the
 * normalizer shows the prompt from it, and the raw log is the whole
 * conversation). A message the agent cannot take any more (it closed
 * stdin) is dropped: its exit tells the rest.
 */
static void
drive_send(struct run *r, json_object *msgs)
{
	json_object	*m;
	const char	*s;
	char		*buf, *logged;
	size_t		 i, n, len, llen;

	n = msgs != NULL ? json_object_array_length(msgs) : 0;
	for (i = 0; i < n; i++) {
		m = json_object_array_get_idx(msgs, i);
		if ((s = jsonx_render(m, &len)) == NULL ||
		    (buf = malloc(len + 1)) == NULL)
			continue;
		memcpy(buf, s, len);
		buf[len] = '\n';
		if (r->sp != NULL)
			(void)spawn_write(r->sp, buf, len + 1);
		free(buf);
		if (driver_log_line(&logged, &llen, m) == 0) {
			log_line(r, SPAWN_STDOUT, logged, llen, 1);
			free(logged);
		}
	}
}

/* A whole stdout line for the driver (pieces of a long one joined). */
static void
drive_line(struct run *r, const char *line, size_t len, int eol)
{
	json_object	*msgs = NULL;
	char		*nb;

	if (!eol || r->drv_len > 0) {
		if (r->drv_len + len > RUNNER_DRIVER_LINE_MAX) {
			free(r->drv_line);
			r->drv_line = NULL;
			r->drv_len = RUNNER_DRIVER_LINE_MAX + 1; /* skip it */
		} else if (r->drv_len <= RUNNER_DRIVER_LINE_MAX) {
			if ((nb = realloc(r->drv_line, r->drv_len + len + 1)) ==
			    NULL)
				return;
			memcpy(nb + r->drv_len, line, len);
			r->drv_line = nb;
			r->drv_len += len;
		}
		if (!eol)
			return;
		if (r->drv_len <= RUNNER_DRIVER_LINE_MAX &&
		    driver_feed(r->drv, r->drv_line, r->drv_len, &msgs) == 0)
			drive_send(r, msgs);
		free(r->drv_line);
		r->drv_line = NULL;
		r->drv_len = 0;
	} else if (driver_feed(r->drv, line, len, &msgs) == 0)
		drive_send(r, msgs);
	json_object_put(msgs);
}

static int
on_line(void *arg, enum spawn_stream s, const char *line, size_t len, int eol)
{
	struct run	*r = arg;

	log_line(r, s, line, len, eol);
	if (r->drv == NULL || s != SPAWN_STDOUT)
		return 0;
	if (driver_state(r->drv) == DRIVER_RUNNING)
		drive_line(r, line, len, eol);
	/* The conversation is over: the agent does not exit by itself. */
	return driver_state(r->drv) != DRIVER_RUNNING;
}

static int
on_tick(void *arg)
{
	struct run	*r = arg;

	proclog_flush(&r->log, 0);
	if (r->drv == NULL)
		return 0;
	if (driver_handshaking(r->drv) && now_ms() >= r->hs_deadline)
		driver_timeout(r->drv, r->hs_ms);
	return driver_state(r->drv) != DRIVER_RUNNING;
}

/* A line in the log that the runner itself writes (stderr kind). */
static void
say(struct run *r, const char *fmt, ...) FMT(2, 3);

static void
say(struct run *r, const char *fmt, ...)
{
	char	 buf[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(buf) - 2)
		n = (int)sizeof(buf) - 2;
	buf[n++] = '\n';
	proclog_add(&r->log, "Stderr", buf, (size_t)n);
	log_warnx("process %s: %.*s", r->id, n - 1, buf);
}

/* The action's "typ" object and its type name. */
static json_object *
action_typ(json_object *action, const char **type)
{
	json_object	*typ;

	*type = NULL;
	if (!json_object_object_get_ex(action, "typ", &typ) ||
	    !json_object_is_type(typ, json_type_object))
		return NULL;
	*type = jsonx_get_str(typ, "type");
	return *type != NULL ? typ : NULL;
}

static char **
argv_script(const char *script)
{
	char	**argv;

	if ((argv = calloc(4, sizeof(*argv))) == NULL)
		return NULL;
	argv[0] = strdup("bash");
	argv[1] = strdup("-c");
	argv[2] = strdup(script);
	if (argv[0] == NULL || argv[1] == NULL || argv[2] == NULL) {
		free(argv[0]);
		free(argv[1]);
		free(argv[2]);
		free(argv);
		return NULL;
	}
	return argv;
}

static void
argv_free(char **argv)
{
	size_t	 i;

	for (i = 0; argv != NULL && argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

/*
 * The earlier turns of the attempt as JSON lines ({"user": prompt},
 * {"assistant": summary}), for the resume prompt of an agent that cannot
 * reload its session; at most RUNNER_HISTORY_MAX bytes, the newest kept.
 * NULL when there are none (or on error). Caller frees.
 */
static char *
run_history(struct run *r)
{
	json_object	*rows = NULL, *row, *o;
	const char	*s, *keys[] = { "prompt", "summary" },
			*as[] = { "user", "assistant" };
	char		*out = NULL, *cut;
	size_t		 i, k, n, len = 0, l;
	FILE		*f;

	if (db_run_history(r->db, &rows, r->attempt, r->id) != 0)
		return NULL;
	if ((f = open_memstream(&out, &len)) == NULL) {
		json_object_put(rows);
		return NULL;
	}
	n = json_object_array_length(rows);
	for (i = 0; i < n; i++) {
		row = json_object_array_get_idx(rows, i);
		for (k = 0; k < 2; k++) {
			if ((s = jsonx_get_str(row, keys[k])) == NULL ||
			    (o = json_object_new_object()) == NULL)
				continue;
			if (jsonx_add_str(o, as[k], s) == 0 &&
			    (s = jsonx_render(o, &l)) != NULL)
				fprintf(f, "%s\n", s);
			json_object_put(o);
		}
	}
	json_object_put(rows);
	if (fclose(f) != 0 || len == 0) {
		free(out);
		return NULL;
	}
	if (len > RUNNER_HISTORY_MAX &&
	    (cut = memchr(out + len - RUNNER_HISTORY_MAX, '\n',
	    RUNNER_HISTORY_MAX)) != NULL)
		memmove(out, cut + 1, strlen(cut + 1) + 1);
	return out;
}

/* The driver of a conversation agent (ACP, Codex app-server). */
static int
agent_driver(struct run *r, const struct exec_cmd *cmd, const char *prompt,
    const char *session_id)
{
	struct driver_config	 c;
	char			*history = NULL;
	int			 rc;

	memset(&c, 0, sizeof(c));
	c.delivery = cmd->delivery;
	c.executor = cmd->executor;
	c.cwd = r->worktree;
	c.prompt = prompt;
	c.session_id = session_id;
	c.settings = cmd->settings;
	if (session_id != NULL && cmd->delivery == EXEC_DELIVER_ACP)
		c.history = history = run_history(r);
	rc = driver_new(&r->drv, &c);
	free(history);
	if (rc != 0)
		say(r, "Failed to start execution: cannot drive %s (%s)",
		    cmd->executor, executors_delivery_name(cmd->delivery));
	return rc;
}

/*
 * What to run for a coding-agent action: cmd, and the stdin to feed
 * (stdin, stream_json) or the driver to hold the conversation (acp,
 * jsonrpc_codex: r->drv).
 */
static int
agent_command(struct run *r, json_object *typ, int follow_up,
    struct exec_cmd **cmd, char **input)
{
	json_object	*profile = NULL, *msgs = NULL;
	const char	*prompt = jsonx_get_str(typ, "prompt"), *s;
	char		 err[256], prog[4096], init_id[UUID_STRLEN + 1],
			 mode_id[UUID_STRLEN + 1];
	size_t		 i, n, len, total = 0;
	int		 rc;

	*cmd = NULL;
	*input = NULL;
	json_object_object_get_ex(typ, "executor_profile_id", &profile);
	if (prompt == NULL || profile == NULL) {
		say(r, "executor action has no prompt or executor_profile_id");
		return E_INVAL;
	}
	if ((rc = executors_build(cmd, r->exec, jsonx_get_str(profile,
	    "executor"), jsonx_get_str(profile, "variant"), follow_up ?
	    jsonx_get_str(typ, "session_id") : NULL, NULL, err,
	    sizeof(err))) != 0) {
		say(r, "cannot run the coding agent: %s", err);
		return rc;
	}
	if (executors_find_program(prog, sizeof(prog), (*cmd)->argv[0],
	    NULL) != 0) {
		say(r, RUNNER_SETUP_REQUIRED "%s: command not found. "
		    "Setup required: install %s or set its command in %s.",
		    (*cmd)->argv[0], (*cmd)->executor, EXECUTORS_ENV);
		return E_NOTFOUND;
	}
	switch ((*cmd)->delivery) {
	case EXEC_DELIVER_STDIN:
		*input = strdup(prompt);
		return *input != NULL ? 0 : E_FAIL;
	case EXEC_DELIVER_STREAM_JSON:
		uuid_new(init_id);
		uuid_new(mode_id);
		if (executors_stream_json_start(&msgs, *cmd, prompt, init_id,
		    mode_id) != 0)
			return E_FAIL;
		n = json_object_array_length(msgs);
		for (i = 0; i < n; i++) {
			s = jsonx_render(json_object_array_get_idx(msgs, i), &len);
			char *grown = realloc(*input, total + len + 2);
			if (s == NULL || grown == NULL) {
				json_object_put(msgs);
				return E_FAIL;
			}
			*input = grown;
			memcpy(*input + total, s, len);
			total += len;
			(*input)[total++] = '\n';
			(*input)[total] = '\0';
		}
		json_object_put(msgs);
		return 0;
	case EXEC_DELIVER_JSONRPC_CODEX:
	case EXEC_DELIVER_ACP:
		return agent_driver(r, *cmd, prompt, follow_up ?
		    jsonx_get_str(typ, "session_id") : NULL);
	default:
		say(r, "Failed to start execution: %s speaks %s, which this "
		    "node's runner cannot drive; choose another executor",
		    (*cmd)->executor, executors_delivery_name((*cmd)->delivery));
		return E_UNSUPPORTED;
	}
}

/*
 * The end of a driven conversation: its result is the exit code (0 or
 * 1), as the original records the executor's exit signal; a failure the
 * agent's output does not show gets a log line.
 */
static long long
drive_result(struct run *r, int status)
{
	switch (driver_state(r->drv)) {
	case DRIVER_DONE_OK:
		return 0;
	case DRIVER_DONE_FAIL:
		if (!driver_reason_shown(r->drv))
			say(r, "%s", driver_reason(r->drv));
		return 1;
	default:
		break;
	}
	/* It ended on its own (or was stopped) mid-conversation. */
	if (!WIFEXITED(status))
		return -1;
	say(r, "the agent exited with code %d before the conversation ended",
	    WEXITSTATUS(status));
	return WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 1;
}

/*
 * Run the process r describes to its end and record it. Fills final
 * (the stored status) and *committed (the auto-commit made a commit).
 */
static void
run_one(struct run *r, char final[16], int *committed)
{
	struct spawn_opts	 o;
	struct spawn		 sp;
	struct exec_cmd		*cmd = NULL;
	json_object		*typ, *msgs = NULL;
	enum normalize_mode	 mode = NORMALIZE_PLAIN;
	const char		*type, *script, *context = NULL;
	char			 before[41] = "", after[41] = "", msg[256],
				 sid[UUID_STRLEN + 1], cerr[256];
	char			**argv = NULL, *input = NULL, *summary = NULL;
	long long		 exit_code = -1;
	int			 status = 0, rc, ran = 0, lock;

	*committed = 0;
	proclog_init(&r->log, r->db, r->id, PROCLOG_MAX_DEFAULT);
	if (strcmp(r->run_reason, "devserver") != 0 &&
	    db_run_task_status(r->db, r->task, "inprogress") == 0)
		board_touched(r);
	if (worktree_head(before, r->worktree) != 0)
		before[0] = '\0';
	if ((typ = action_typ(r->action, &type)) == NULL) {
		say(r, "executor action has no type");
		goto done;
	}
	r->is_agent = strcmp(type, "CodingAgentInitialRequest") == 0 ||
	    strcmp(type, "CodingAgentFollowUpRequest") == 0;
	if (strcmp(type, "ScriptRequest") == 0) {
		context = jsonx_get_str(typ, "context");
		if ((script = jsonx_get_str(typ, "script")) == NULL ||
		    (argv = argv_script(script)) == NULL) {
			say(r, "script action without a script");
			goto done;
		}
	} else if (r->is_agent) {
		if (uuid_new(sid) == 0)
			db_run_session_insert(r->db, sid, r->attempt, r->id,
			    jsonx_get_str(typ, "prompt"));
		if (agent_command(r, typ, strcmp(type,
		    "CodingAgentFollowUpRequest") == 0, &cmd, &input) != 0)
			goto done;
		if (normalize_mode_lookup(&mode, cmd->log_format) == E_INVAL)
			mode = NORMALIZE_PLAIN;
	} else {
		say(r, "unknown executor action type %s", type);
		goto done;
	}
	if (normalize_new(&r->norm, mode, r->worktree, 0) != 0)
		r->norm = NULL;
	memset(&o, 0, sizeof(o));
	o.argv = (const char *const *)(cmd != NULL ? cmd->argv : argv);
	o.cwd = r->worktree;
	o.env_unset = cmd != NULL ? (const char *const *)cmd->env_unset : NULL;
	o.env_set = cmd != NULL ? (const char *const *)cmd->env_set : NULL;
	o.input = input;
	o.input_len = input != NULL ? strlen(input) : 0;
	o.interactive = r->drv != NULL;
	/* The driver's first messages; it may fail before any (no rollout). */
	if (r->drv != NULL && (driver_start(r->drv, &msgs) != 0 ||
	    driver_state(r->drv) != DRIVER_RUNNING)) {
		say(r, "Failed to start execution: %s",
		    driver_state(r->drv) == DRIVER_DONE_FAIL ?
		    driver_reason(r->drv) : "cannot start the conversation");
		goto done;
	}
	if ((rc = spawn_start(&sp, &o)) != 0) {
		say(r, "Failed to start execution: %s: %s", o.argv[0],
		    rc == E_NOTFOUND ? "command not found (setup required)" :
		    "cannot start it");
		goto done;
	}
	/* Stopped while starting: nobody else knows the group to end. */
	if (db_run_started(r->db, r->id, (int)sp.pid, before[0] ? before :
	    NULL) == E_NOTFOUND)
		spawn_stop_group(sp.pid, 2000);
	notify_send(NOTIFY_PROCS, r->attempt);
	ran = 1;
	r->sp = &sp;
	if (r->drv != NULL) {
		r->hs_ms = driver_handshake_ms();
		r->hs_deadline = now_ms() + r->hs_ms;
		drive_send(r, msgs);
	}
	spawn_wait(&sp, on_line, on_tick, r, &status);
	r->sp = NULL;
	spawn_clear(&sp);
	if (r->drv != NULL)
		exit_code = drive_result(r, status);
	else if (WIFEXITED(status))
		exit_code = WEXITSTATUS(status);
done:
	if (r->is_agent && r->norm != NULL &&
	    normalize_summary(&summary, r->norm) == 0 && summary != NULL)
		db_run_session_summary(r->db, r->id, summary);
	/*
	 * Work is committed after a successful agent and after any cleanup
	 * script, with the original's messages.
	 */
	if (ran && ((r->is_agent && exit_code == 0) ||
	    (context != NULL && strcmp(context, "CleanupScript") == 0))) {
		if (r->is_agent && summary != NULL)
			snprintf(msg, sizeof(msg), "%.*s", 240, summary);
		else
			snprintf(msg, sizeof(msg), r->is_agent ?
			    "Commit changes from coding agent for task attempt %s" :
			    "Cleanup script changes for task attempt %s",
			    r->attempt);
		lock = repo_lock(r->worktree);
		rc = worktree_commit_all(after, r->worktree, msg, cerr,
		    sizeof(cerr));
		repo_unlock(lock);
		*committed = rc == 0;
		if (rc != 0 && rc != E_NOTFOUND)
			say(r, "auto-commit failed: %s", cerr);
	}
	proclog_flush(&r->log, 1);
	if (worktree_head(after, r->worktree) != 0)
		after[0] = '\0';
	if (db_run_finish(r->db, final, r->id, ran && exit_code == 0 ?
	    "completed" : "failed", exit_code, after[0] ? after : NULL) != 0)
		snprintf(final, 16, "failed");
	if (context != NULL && strcmp(context, "SetupScript") == 0 &&
	    strcmp(final, "completed") == 0)
		db_run_setup_done(r->db, r->attempt);
	board_touched(r);
	normalize_free(r->norm);
	r->norm = NULL;
	driver_free(r->drv);
	r->drv = NULL;
	free(r->drv_line);
	r->drv_line = NULL;
	r->drv_len = 0;
	json_object_put(msgs);
	proclog_clear(&r->log);
	exec_cmd_free(cmd);
	argv_free(argv);
	free(input);
	free(summary);
}

static void
run_clear(struct run *r)
{
	free(r->worktree);
	free(r->run_reason);
	json_object_put(r->action);
	r->worktree = r->run_reason = NULL;
	r->action = NULL;
}

/* Load process id into r (the fields run_one needs). */
static int
run_load(struct run *r, const char *id)
{
	json_object	*row;
	char		 err[64];
	const char	*s;
	int		 rc;

	run_clear(r);
	if ((rc = db_run_load(r->db, &row, id)) != 0)
		return rc;
	snprintf(r->id, sizeof(r->id), "%s", id);
	snprintf(r->attempt, sizeof(r->attempt), "%s",
	    jsonx_get_str(row, "task_attempt_id"));
	snprintf(r->task, sizeof(r->task), "%s", jsonx_get_str(row, "task_id"));
	snprintf(r->project, sizeof(r->project), "%s",
	    jsonx_get_str(row, "project_id"));
	r->worktree = (s = jsonx_get_str(row, "container_ref")) ? strdup(s) : NULL;
	r->run_reason = strdup(jsonx_get_str(row, "run_reason"));
	s = jsonx_get_str(row, "executor_action");
	rc = s != NULL && r->worktree != NULL && r->run_reason != NULL &&
	    jsonx_parse_strict(&r->action, s, strlen(s), err, sizeof(err)) == 0 ?
	    0 : E_FAIL;
	json_object_put(row);
	return rc;
}

/*
 * The run_reason of the next action: a script after a script is setup,
 * after an agent cleanup; an agent is always codingagent.
 */
static const char *
next_reason(json_object *next, int after_agent)
{
	const char	*type;

	if (action_typ(next, &type) == NULL)
		return NULL;
	if (strcmp(type, "ScriptRequest") == 0)
		return after_agent ? "cleanupscript" : "setupscript";
	return "codingagent";
}

static void
usage(void)
{
	fprintf(stderr, "usage: swarm-runner --process EXECUTION_PROCESS_ID\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "process", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_config	 cfg;
	struct procid		 me;
	struct run		 r;
	json_object		*next;
	const char		*reason, *rendered;
	char			 id[UUID_STRLEN + 1], final[16], err[256],
				 head[41], *defaults = NULL;
	int			 ch, committed, was_agent;

	setvbuf(stderr, NULL, _IOLBF, 0);
	log_init("swarm-runner", getenv("SWARM_LOG_LEVEL"));
	memset(&r, 0, sizeof(r));
	id[0] = '\0';
	while ((ch = getopt_long(argc, argv, "p:", opts, NULL)) != -1) {
		if (ch != 'p' || uuid_parse(id, optarg) != 0)
			usage();
	}
	if (id[0] == '\0' || optind != argc)
		usage();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	if (repo_global_init() != 0 || procid_of(&me, 0) != 0)
		fatalx("cannot initialise");
	cache_init(getenv("SWARM_CACHE_DIR"));
	db_config_from_env(&cfg);
	if ((r.db = db_new(&cfg)) == NULL || db_ensure(r.db) != 0)
		fatalx("database unavailable");
	r.me = &me;
	/* One runner per process: a second one started by mistake leaves. */
	if (db_run_claim(r.db, id, &me) != 0) {
		log_warnx("process %s is not running or has a runner", id);
		return 0;
	}
	if ((defaults = getenv("SWARM_EXECUTORS_DEFAULTS")) == NULL)
		defaults = SWARM_EXECUTORS_DEFAULTS;
	if (executors_load_env(&r.exec, defaults, err, sizeof(err)) != 0)
		log_warnx("executors: %s", err);	/* agents fail, scripts run */
	for (;;) {
		if (run_load(&r, id) != 0) {
			log_warnx("process %s vanished", id);
			break;
		}
		run_one(&r, final, &committed);
		was_agent = r.is_agent;
		next = NULL;
		json_object_object_get_ex(r.action, "next_action", &next);
		/* An agent that changed nothing skips the cleanup script. */
		if (strcmp(final, "completed") != 0 || next == NULL ||
		    !json_object_is_type(next, json_type_object) ||
		    (reason = next_reason(next, was_agent)) == NULL ||
		    (was_agent && !committed &&
		    strcmp(reason, "cleanupscript") == 0))
			break;
		if (uuid_new(id) != 0 ||
		    (rendered = jsonx_render(next, NULL)) == NULL)
			break;
		if (worktree_head(head, r.worktree) != 0)
			head[0] = '\0';
		if (db_run_insert(r.db, id, r.attempt, reason, rendered,
		    head[0] ? head : NULL, &me) != 0)
			break;
		board_touched(&r);
	}
	/* The chain is over: the task waits for review (not dev servers). */
	if (r.run_reason != NULL && strcmp(r.run_reason, "devserver") != 0 &&
	    db_run_task_status(r.db, r.task, "inreview") == 0)
		board_touched(&r);
	/* Now and then, the node's idle worktrees (rate-limited). */
	worktrees_sweep(r.db, 0);
	run_clear(&r);
	executors_free(r.exec);
	db_free(r.db);
	return 0;
}
