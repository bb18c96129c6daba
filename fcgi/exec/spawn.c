/* spawn.c: run a command in its own process group and read its output by lines */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "spawn.h"

static int64_t
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* In the child: report errno on the status pipe and leave. */
static void __attribute__((noreturn))
child_fail(int status_fd)
{
	int	 e = errno;

	(void)!write(status_fd, &e, sizeof(e));
	_exit(127);
}

static void __attribute__((noreturn))
child_exec(const struct spawn_opts *o, int out, int err, int in, int status_fd)
{
	sigset_t	 none;
	size_t		 i;

	/* A fresh session: its own group, no controlling terminal. */
	if (setsid() < 0)
		child_fail(status_fd);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		child_fail(status_fd);
	if (o->cwd != NULL && chdir(o->cwd) != 0)
		child_fail(status_fd);
	for (i = 0; o->env_unset != NULL && o->env_unset[i] != NULL; i++)
		unsetenv(o->env_unset[i]);
	for (i = 0; o->env_set != NULL && o->env_set[i] != NULL; i++)
		if (putenv((char *)(uintptr_t)o->env_set[i]) != 0)
			child_fail(status_fd);
	execvp(o->argv[0], (char *const *)(uintptr_t)o->argv);
	child_fail(status_fd);
}

int
spawn_start(struct spawn *sp, const struct spawn_opts *o)
{
	int	 out[2] = { -1, -1 }, err[2] = { -1, -1 }, in[2] = { -1, -1 };
	int	 st[2] = { -1, -1 }, child_errno = 0, rc = E_FAIL, devnull = -1;
	int	 piped = o->interactive || o->input != NULL;
	ssize_t	 n;

	memset(sp, 0, sizeof(*sp));
	sp->fd[0] = sp->fd[1] = sp->in_fd = -1;
	if (o->argv == NULL || o->argv[0] == NULL)
		return E_FAIL;
	if (!o->interactive && o->input != NULL &&
	    o->input_len > SPAWN_INPUT_MAX)
		return E_TOOBIG;
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0 ||
	    pipe2(st, O_CLOEXEC) != 0)
		goto out;
	if (piped) {
		if (pipe2(in, O_CLOEXEC) != 0)
			goto out;
	} else if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0)
		goto out;
	if ((sp->pid = fork()) < 0)
		goto out;
	if (sp->pid == 0)
		child_exec(o, out[1], err[1], piped ? in[0] : devnull, st[1]);
	close(st[1]);
	st[1] = -1;
	/* EOF: exec worked (CLOEXEC); an int: the child's errno. */
	while ((n = read(st[0], &child_errno, sizeof(child_errno))) < 0 &&
	    errno == EINTR)
		;
	if (n == (ssize_t)sizeof(child_errno)) {
		waitpid(sp->pid, NULL, 0);
		sp->pid = 0;
		rc = child_errno == ENOENT || child_errno == EACCES ||
		    child_errno == ENOTDIR ? E_NOTFOUND : E_FAIL;
		errno = child_errno;
		goto out;
	}
	sp->fd[0] = out[0];
	sp->fd[1] = err[0];
	out[0] = err[0] = -1;
	if (piped) {
		sp->in_fd = in[1];
		in[1] = -1;
		fcntl(sp->in_fd, F_SETFL, O_NONBLOCK);
	}
	fcntl(sp->fd[0], F_SETFL, O_NONBLOCK);
	fcntl(sp->fd[1], F_SETFL, O_NONBLOCK);
	/* The one-shot input: queued, then stdin closes behind it. */
	if (!o->interactive && o->input != NULL) {
		if (spawn_write(sp, o->input, o->input_len) != 0)
			goto started;
		spawn_close_stdin(sp);
	}
	rc = 0;
	goto out;
started:
	/* Started but its input could not be queued: end it. */
	spawn_stop_group(sp->pid, 200);
	waitpid(sp->pid, NULL, 0);
	sp->pid = 0;
	spawn_clear(sp);
out:
	if (out[0] >= 0) close(out[0]);
	if (out[1] >= 0) close(out[1]);
	if (err[0] >= 0) close(err[0]);
	if (err[1] >= 0) close(err[1]);
	if (in[0] >= 0) close(in[0]);
	if (in[1] >= 0) close(in[1]);
	if (st[0] >= 0) close(st[0]);
	if (st[1] >= 0) close(st[1]);
	if (devnull >= 0) close(devnull);
	return rc;
}

/* Close the stdin pipe and drop what was not written. */
static void
stdin_close_now(struct spawn *sp)
{
	if (sp->in_fd >= 0)
		close(sp->in_fd);
	sp->in_fd = -1;
	free(sp->in_buf);
	sp->in_buf = NULL;
	sp->in_off = sp->in_len = sp->in_cap = 0;
}

/*
 * Write what is queued without blocking; close stdin when asked to and
 * all is written, or when the child no longer reads it (EPIPE).
 */
static void
feed_stdin(struct spawn *sp)
{
	ssize_t	 n;

	if (sp->in_fd < 0)
		return;
	while (sp->in_off < sp->in_len) {
		n = write(sp->in_fd, sp->in_buf + sp->in_off,
		    sp->in_len - sp->in_off);
		if (n > 0)
			sp->in_off += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && errno == EAGAIN)
			return;
		else {
			stdin_close_now(sp);	/* EPIPE: it does not read */
			return;
		}
	}
	sp->in_off = sp->in_len = 0;
	if (sp->in_closing)
		stdin_close_now(sp);
}

int
spawn_write(struct spawn *sp, const char *data, size_t len)
{
	size_t	 pending, cap;
	char	*nb;

	if (sp->in_fd < 0 || sp->in_closing)
		return E_INVAL;
	pending = sp->in_len - sp->in_off;
	if (len > SPAWN_INPUT_MAX - pending)
		return E_TOOBIG;
	/* Written bytes at the front make room before the buffer grows. */
	if (sp->in_off > 0) {
		memmove(sp->in_buf, sp->in_buf + sp->in_off, pending);
		sp->in_off = 0;
		sp->in_len = pending;
	}
	if (sp->in_len + len > sp->in_cap) {
		cap = sp->in_cap > 0 ? sp->in_cap : 4096;
		while (cap < sp->in_len + len)
			cap *= 2;
		if ((nb = realloc(sp->in_buf, cap)) == NULL)
			return E_FAIL;
		sp->in_buf = nb;
		sp->in_cap = cap;
	}
	memcpy(sp->in_buf + sp->in_len, data, len);
	sp->in_len += len;
	feed_stdin(sp);
	return 0;
}

void
spawn_close_stdin(struct spawn *sp)
{
	if (sp->in_fd < 0)
		return;
	sp->in_closing = 1;
	feed_stdin(sp);
}

/* Deliver complete lines of stream s (all of it when at_eof). */
static int
deliver(struct spawn *sp, int s, spawn_line_fn fn, void *arg, int at_eof)
{
	char	*nl;
	size_t	 used;

	for (;;) {
		nl = memchr(sp->buf[s], '\n', sp->len[s]);
		if (nl != NULL)
			used = (size_t)(nl - sp->buf[s]);
		else if (sp->len[s] >= SPAWN_MAX_LINE || (at_eof && sp->len[s] > 0))
			used = sp->len[s];
		else
			return 0;
		if (fn(arg, (enum spawn_stream)s, sp->buf[s], used,
		    nl != NULL) != 0)
			return 1;
		if (nl != NULL)
			used++;
		memmove(sp->buf[s], sp->buf[s] + used, sp->len[s] - used);
		sp->len[s] -= used;
	}
}

/* Read what stream s has; 1 at EOF, 0 otherwise, -1 on error. */
static int
drain(struct spawn *sp, int s)
{
	ssize_t	 n;

	if (sp->buf[s] == NULL &&
	    (sp->buf[s] = malloc(SPAWN_MAX_LINE)) == NULL)
		return -1;
	while (sp->len[s] < SPAWN_MAX_LINE) {
		n = read(sp->fd[s], sp->buf[s] + sp->len[s],
		    SPAWN_MAX_LINE - sp->len[s]);
		if (n > 0) {
			sp->len[s] += (size_t)n;
			continue;
		}
		if (n == 0)
			return 1;
		if (errno == EINTR)
			continue;
		return errno == EAGAIN ? 0 : -1;
	}
	return 0;	/* buffer full: deliver, then read on */
}

int
spawn_wait(struct spawn *sp, spawn_line_fn fn, spawn_tick_fn tick, void *arg,
    int *status)
{
	struct pollfd	 pfd[3];
	int64_t		 deadline = 0;
	int		 open_fds, i, r, n, reaped = 0, stopped = 0;

	*status = 0;
	for (;;) {
		n = 0;
		open_fds = 0;
		for (i = 0; i < 2; i++) {
			if (sp->fd[i] < 0)
				continue;
			pfd[n].fd = sp->fd[i];
			pfd[n].events = POLLIN;
			n++;
			open_fds++;
		}
		/* stdin only while something waits to be written */
		if (sp->in_fd >= 0 && sp->in_off < sp->in_len) {
			pfd[n].fd = sp->in_fd;
			pfd[n].events = POLLOUT;
			n++;
		}
		if (!reaped && waitpid(sp->pid, status, WNOHANG) == sp->pid) {
			reaped = 1;
			deadline = now_ms() + SPAWN_DRAIN_MS;
		}
		/* Done: output closed and leader reaped, or the drain ran out. */
		if ((open_fds == 0 && reaped) ||
		    (reaped && now_ms() >= deadline))
			break;
		r = poll(pfd, (nfds_t)n, SPAWN_TICK_MS);
		if (r < 0 && errno != EINTR)
			return E_FAIL;
		if (sp->in_fd >= 0)
			feed_stdin(sp);
		for (i = 0; i < 2; i++) {
			if (sp->fd[i] < 0)
				continue;
			if ((r = drain(sp, i)) < 0)
				return E_FAIL;
			if (!stopped && deliver(sp, i, fn, arg, r == 1))
				stopped = 1;
			if (r == 1) {
				close(sp->fd[i]);
				sp->fd[i] = -1;
			}
		}
		if (tick != NULL && tick(arg) != 0)
			stopped = 1;
		if (stopped) {
			/* The reader gave up: end the group, report a kill. */
			if (!reaped) {
				spawn_stop_group(sp->pid, 2000);
				if (waitpid(sp->pid, status, 0) != sp->pid)
					*status = SIGKILL;
			}
			return 0;
		}
	}
	/* Whatever is still in the buffers (no newline at the end). */
	for (i = 0; i < 2 && !stopped; i++)
		if (sp->len[i] > 0 && deliver(sp, i, fn, arg, 1))
			stopped = 1;
	return 0;
}

/*
 * 1 while a member of the group still runs. Zombies do not count: they
 * are dead, and the reaper (maybe a slow init) removes them in its time.
 */
int
spawn_group_alive(pid_t pgid)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[300], buf[512], *p;
	long		 pgrp;
	char		 state;
	ssize_t		 n;
	int		 fd, alive = 0;

	if (kill(-pgid, 0) != 0 && errno == ESRCH)
		return 0;
	if ((d = opendir("/proc")) == NULL)
		return 1;
	while (!alive && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		/* "pid (comm) state ppid pgrp ...": comm may hold anything. */
		if ((p = strrchr(buf, ')')) == NULL ||
		    sscanf(p + 1, " %c %*d %ld", &state, &pgrp) != 2)
			continue;
		if (pgrp == (long)pgid && state != 'Z' && state != 'X')
			alive = 1;
	}
	closedir(d);
	return alive;
}

int
spawn_stop_group(pid_t pgid, int grace_ms)
{
	static const int signals[] = { SIGINT, SIGTERM, SIGKILL };
	int64_t		 until;
	size_t		 i;

	if (pgid <= 1)
		return E_FAIL;
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++) {
		if (kill(-pgid, signals[i]) != 0 && errno == ESRCH)
			return 0;
		until = now_ms() + grace_ms;
		while (now_ms() < until) {
			/* Reap the leader if it is our child, so it can go. */
			while (waitpid(-pgid, NULL, WNOHANG) > 0)
				;
			if (!spawn_group_alive(pgid))
				return 0;
			usleep(20000);
		}
	}
	return spawn_group_alive(pgid) ? E_FAIL : 0;
}

void
spawn_clear(struct spawn *sp)
{
	int	 i;

	for (i = 0; i < 2; i++) {
		if (sp->fd[i] >= 0)
			close(sp->fd[i]);
		free(sp->buf[i]);
		sp->fd[i] = -1;
		sp->buf[i] = NULL;
	}
	stdin_close_now(sp);
	sp->in_closing = 0;
}
