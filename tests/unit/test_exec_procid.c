/* test_exec_procid.c: a recorded process is alive until it exits, and a
 * forged start time or boot id (a reused pid, a reboot) reads as gone */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/wait.h>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "procid.h"

static void
procid_self_is_alive(void **state)
{
	struct procid	 id;

	(void)state;
	assert_int_equal(procid_of(&id, 0), 0);
	assert_int_equal(id.pid, getpid());
	assert_true(id.start > 0);
	assert_int_equal(strlen(id.boot), PROCID_BOOT_LEN);
	assert_true(procid_alive(&id));
}

static void
procid_exit_and_reuse(void **state)
{
	struct procid	 id, forged;
	pid_t		 pid;

	(void)state;
	if ((pid = fork()) == 0) {
		pause();
		_exit(0);
	}
	assert_int_equal(procid_of(&id, pid), 0);
	assert_true(procid_alive(&id));
	/* Same pid, other start time: a reused pid is not our runner. */
	forged = id;
	forged.start++;
	assert_false(procid_alive(&forged));
	/* Another boot: nothing from before a reboot runs. */
	forged = id;
	forged.boot[0] = forged.boot[0] == '0' ? '1' : '0';
	assert_false(procid_alive(&forged));
	kill(pid, SIGKILL);
	usleep(50000);
	/* A zombie is dead. */
	assert_false(procid_alive(&id));
	waitpid(pid, NULL, 0);
	assert_false(procid_alive(&id));
	assert_int_equal(procid_of(&forged, pid), E_NOTFOUND);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(procid_self_is_alive),
		cmocka_unit_test(procid_exit_and_reuse),
	};

	return cmocka_run_group_tests_name("exec_procid", tests, NULL, NULL);
}
