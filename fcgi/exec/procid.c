/* procid.c: a process identity that survives pid reuse and reboots */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procid.h"

static int
read_small(const char *path, char *buf, size_t size)
{
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* State and start time (field 22) from /proc/PID/stat. */
static int
stat_of(pid_t pid, char *state, long long *start)
{
	char	 path[64], buf[1024], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_small(path, buf, sizeof(buf)) != 0 ||
	    (p = strrchr(buf, ')')) == NULL)
		return E_NOTFOUND;
	/* After "pid (comm)": field 3 is the state, field 22 the start. */
	if (sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
	    "%*u %*u %*d %*d %*d %*d %*d %*d %lld", state, start) != 2)
		return E_FAIL;
	return 0;
}

static int
boot_id(char out[PROCID_BOOT_LEN + 1])
{
	char	 buf[64];

	if (read_small("/proc/sys/kernel/random/boot_id", buf, sizeof(buf)) != 0)
		return E_FAIL;
	buf[strcspn(buf, "\n")] = '\0';
	if (strlen(buf) != PROCID_BOOT_LEN)
		return E_FAIL;
	memcpy(out, buf, PROCID_BOOT_LEN + 1);
	return 0;
}

int
procid_of(struct procid *out, pid_t pid)
{
	char	 state;
	int	 rc;

	memset(out, 0, sizeof(*out));
	out->pid = pid != 0 ? pid : getpid();
	if ((rc = stat_of(out->pid, &state, &out->start)) != 0)
		return rc;
	return boot_id(out->boot);
}

int
procid_alive(const struct procid *id)
{
	char		 boot[PROCID_BOOT_LEN + 1], state;
	long long	 start;

	if (id->pid <= 0 || boot_id(boot) != 0 || strcmp(boot, id->boot) != 0)
		return 0;
	if (stat_of(id->pid, &state, &start) != 0)
		return 0;
	return state != 'Z' && state != 'X' && start == id->start;
}
