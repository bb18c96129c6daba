/* procid.h: a process identity that survives pid reuse and reboots */
#ifndef SWARM_PROCID_H
#define SWARM_PROCID_H

#include <sys/types.h>

#define PROCID_BOOT_LEN	36

/* pid, its start time since boot (clock ticks), and the boot id. */
struct procid {
	pid_t		 pid;
	long long	 start;
	char		 boot[PROCID_BOOT_LEN + 1];
};

/* The identity of pid (0: this process). 0, or E_NOTFOUND if gone. */
int	procid_of(struct procid *out, pid_t pid);
/*
 * 1 when the process id names is alive: same boot, the pid exists, is
 * not a zombie, and started at the recorded time (a reused pid has
 * another start time). 0 otherwise.
 */
int	procid_alive(const struct procid *id);

#endif
