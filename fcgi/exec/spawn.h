/* spawn.h: run a command in its own process group and read its output by lines */
#ifndef SWARM_SPAWN_H
#define SWARM_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

#define SPAWN_MAX_LINE	65536	/* longer lines arrive in pieces */
#define SPAWN_DRAIN_MS	2000	/* output read after the leader exits */
#define SPAWN_INPUT_MAX	(16 * 1024 * 1024)	/* stdin bytes not yet taken */

enum spawn_stream { SPAWN_STDOUT, SPAWN_STDERR };

struct spawn_opts {
	const char *const	*argv;		/* argv[0] looked up on PATH */
	const char		*cwd;		/* NULL: inherit */
	const char *const	*env_unset;	/* NULL-terminated, may be NULL */
	const char *const	*env_set;	/* "K=V", NULL-terminated, may be NULL */
	const char		*input;		/* written to stdin then closed; */
	size_t			 input_len;	/* NULL: stdin is /dev/null */
	int			 interactive;	/* stdin stays open for
						   spawn_write (input ignored) */
};

/*
 * Called for each line, without its newline; eol says whether one ended
 * it (not for a piece of an over-long line or unterminated last output).
 * Non-zero stops reading.
 */
typedef int	(*spawn_line_fn)(void *arg, enum spawn_stream, const char *line,
		    size_t len, int eol);

struct spawn {
	pid_t	 pid;		/* leader; also the process group id */
	int	 fd[2];		/* stdout, stderr read ends */
	int	 in_fd;		/* stdin write end, -1 when closed */
	char	*in_buf;	/* owned bytes not yet written to stdin */
	size_t	 in_off, in_len, in_cap;
	int	 in_closing;	/* close stdin once in_buf is written */
	char	*buf[2];
	size_t	 len[2];
};

/*
 * Start opts->argv in a new process group (setsid) with stdout and stderr
 * piped. stdin: opts->input (copied, written then closed), a pipe kept
 * open when opts->interactive, else /dev/null. Returns 0, E_NOTFOUND when
 * the program cannot be executed (not on PATH, not executable), E_TOOBIG
 * (input over SPAWN_INPUT_MAX), E_FAIL. The child never returns into our
 * code.
 */
int	spawn_start(struct spawn *sp, const struct spawn_opts *opts);
/*
 * Queue data for the child's stdin (interactive or not yet closed). It
 * is written without blocking now and from spawn_wait's loop as the pipe
 * takes it, in order. Returns 0, E_TOOBIG (more than SPAWN_INPUT_MAX
 * pending: the child does not read), E_INVAL (stdin is closed: the child
 * stopped reading, or spawn_close_stdin was called), E_FAIL.
 */
int	spawn_write(struct spawn *sp, const char *data, size_t len);
/* Close stdin once what is queued has been written (EOF for the child). */
void	spawn_close_stdin(struct spawn *sp);
/*
 * Called at least every SPAWN_TICK_MS while waiting (e.g. to flush, or to
 * time out). Non-zero stops reading, as the line callback's does.
 */
typedef int	(*spawn_tick_fn)(void *arg);
#define SPAWN_TICK_MS	50

/*
 * Feed stdin, deliver output lines to fn, call tick (may be NULL), and
 * reap the leader. Output
 * still arriving from the group after the leader has exited is read for
 * up to SPAWN_DRAIN_MS. *status is the waitpid status. Returns 0 or
 * E_FAIL; when fn or tick stops reading, the group is stopped
 * (spawn_stop_group) and reaped.
 */
int	spawn_wait(struct spawn *sp, spawn_line_fn fn, spawn_tick_fn tick,
	    void *arg, int *status);
/*
 * Stop a process group as the original does: SIGINT, 2 s, SIGTERM, 2 s,
 * SIGKILL, returning as soon as no member is left. 0 when the group is
 * gone (or was already), E_FAIL if it survives SIGKILL for 2 s.
 */
int	spawn_stop_group(pid_t pgid, int grace_ms);
/* 1 while a member of the group is alive; zombies count as gone. */
int	spawn_group_alive(pid_t pgid);
/* Release descriptors and buffers (the child is not touched). */
void	spawn_clear(struct spawn *sp);

#endif
