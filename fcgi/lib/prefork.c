/* prefork.c: the parent that holds the socket and keeps N workers alive */
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "log.h"
#include "server.h"

#define PREFORK_MAX_WORKERS	256
#define PREFORK_BACKLOG		1024	/* a full unix backlog is a 502 */
#define PREFORK_STOP_GRACE	10	/* seconds before SIGKILL */

static volatile sig_atomic_t	stopping;

static void
on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

struct slot {
	pid_t	 pid;
	time_t	 started;
};

static pid_t
spawn(int fd, const struct app *app, const struct db_config *dbcfg)
{
	pid_t	 ppid = getpid(), pid;

	fflush(NULL);
	if ((pid = fork()) != 0)
		return pid;
	/* A worker must not outlive its parent and keep serving. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != ppid)
		_exit(0);
	server_worker(fd, app, dbcfg);
}

static void
stop_all(struct slot *w, int n)
{
	time_t	 deadline = time(NULL) + PREFORK_STOP_GRACE;
	int	 i, alive, status;
	pid_t	 pid;

	for (i = 0; i < n; i++)
		if (w[i].pid > 0)
			kill(w[i].pid, SIGTERM);
	for (;;) {
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
			for (i = 0; i < n; i++)
				if (w[i].pid == pid)
					w[i].pid = 0;
		for (alive = 0, i = 0; i < n; i++)
			alive += w[i].pid > 0;
		if (alive == 0)
			return;
		if (time(NULL) >= deadline) {
			log_warnx("%d workers did not stop; killing them", alive);
			for (i = 0; i < n; i++)
				if (w[i].pid > 0)
					kill(w[i].pid, SIGKILL);
			deadline = time(NULL) + PREFORK_STOP_GRACE;
		}
		usleep(20000);
	}
}

int
prefork_run(const char *path, int nworkers, const struct app *app,
    const struct db_config *dbcfg)
{
	struct slot		 w[PREFORK_MAX_WORKERS];
	struct sigaction	 sa;
	char			 lockpath[PATH_MAX];
	int			 fd, lockfd, i, status;
	pid_t			 pid;

	if (nworkers < 1 || nworkers > PREFORK_MAX_WORKERS)
		fatalx("--workers must be between 1 and %d",
		    PREFORK_MAX_WORKERS);
	if ((size_t)snprintf(lockpath, sizeof(lockpath), "%s.lock", path) >=
	    sizeof(lockpath))
		fatalx("socket path too long");
	/* FCGX_OpenSocket silently takes over a live path: lock it first. */
	if ((lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		fatal("open %s", lockpath);
	if (flock(lockfd, LOCK_EX | LOCK_NB) != 0)
		fatalx("another instance is serving %s", path);
	if (FCGX_Init() != 0)
		fatalx("FCGX_Init failed");
	unlink(path);
	if ((fd = FCGX_OpenSocket(path, PREFORK_BACKLOG)) < 0)
		fatal("cannot listen on %s", path);
	/* nginx connects as its worker user, usually in our group. */
	if (chmod(path, 0660) != 0)
		fatal("chmod %s", path);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: waitpid sees EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	memset(w, 0, sizeof(w));
	for (i = 0; i < nworkers; i++) {
		if ((w[i].pid = spawn(fd, app, dbcfg)) < 0)
			fatal("fork");
		w[i].started = time(NULL);
	}
	log_info("listening on %s with %d workers", path, nworkers);
	while (!stopping) {
		if ((pid = waitpid(-1, &status, 0)) < 0) {
			if (errno != EINTR)
				fatal("waitpid");
			continue;
		}
		for (i = 0; i < nworkers && w[i].pid != pid; i++)
			;
		if (i == nworkers)
			continue;
		if (WIFSIGNALED(status))
			log_warnx("worker %d died of signal %d", (int)pid,
			    WTERMSIG(status));
		else
			log_warnx("worker %d exited with %d", (int)pid,
			    WEXITSTATUS(status));
		w[i].pid = 0;
		if (stopping)
			break;
		/* One that dies at once would otherwise spin the CPU. */
		if (time(NULL) - w[i].started < 1)
			sleep(1);
		if ((w[i].pid = spawn(fd, app, dbcfg)) < 0) {
			log_warn("fork");
			w[i].pid = 0;
		}
		w[i].started = time(NULL);
	}
	log_info("stopping %d workers", nworkers);
	stop_all(w, nworkers);
	close(fd);
	unlink(path);
	unlink(lockpath);
	close(lockfd);
	return 0;
}
