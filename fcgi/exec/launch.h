/* launch.h: start a swarm-runner that outlives the worker that starts it */
#ifndef SWARM_LAUNCH_H
#define SWARM_LAUNCH_H

/*
 * Start `runner --process process_id` detached: a double fork leaves it
 * an orphan in its own session, with no descriptor of the worker but
 * stdin (/dev/null), stdout and stderr (the worker's log), so killing or
 * restarting the worker never stops a run. runner NULL uses
 * $SWARM_RUNNER_BIN, else swarm-runner beside the running program.
 * Returns 0 once the intermediate child has exited (the runner then
 * claims the process in the database itself), or E_FAIL.
 */
int	launch_runner(const char *runner, const char *process_id);

#endif
