/* launch.c: start a swarm-runner that outlives the worker that starts it */
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "launch.h"
#include "log.h"

/* swarm-runner in the directory of the running executable. */
static int
runner_beside_self(char *out, size_t outsz)
{
	char	 self[PATH_MAX], *slash;
	ssize_t	 n;

	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0)
		return E_FAIL;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return E_FAIL;
	*slash = '\0';
	return (size_t)snprintf(out, outsz, "%s/swarm-runner", self) < outsz ?
	    0 : E_FAIL;
}

int
launch_runner(const char *runner, const char *process_id)
{
	char	 path[PATH_MAX];
	pid_t	 pid;
	int	 status, fd;

	if (runner == NULL)
		runner = getenv("SWARM_RUNNER_BIN");
	if (runner == NULL) {
		if (runner_beside_self(path, sizeof(path)) != 0)
			return E_FAIL;
		runner = path;
	}
	fflush(NULL);
	if ((pid = fork()) < 0)
		return E_FAIL;
	if (pid == 0) {
		if (setsid() < 0)
			_exit(1);
		if (fork() != 0)
			_exit(0);	/* the runner is now init's child */
		signal(SIGPIPE, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		if ((fd = open("/dev/null", O_RDONLY)) >= 0 && fd != 0) {
			dup2(fd, 0);
			close(fd);
		}
		/* Nothing of the worker's: its FastCGI and database sockets. */
		close_range(3, ~0U, 0);
		execl(runner, "swarm-runner", "--process", process_id,
		    (char *)NULL);
		fprintf(stderr, "swarm-runner: cannot execute %s: %s\n", runner,
		    strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return E_FAIL;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		log_warnx("could not start %s for process %s", runner,
		    process_id);
		return E_FAIL;
	}
	return 0;
}
