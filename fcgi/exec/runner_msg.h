/* runner_msg.h: log lines swarm-runner writes that readers recognise */
#ifndef SWARM_RUNNER_MSG_H
#define SWARM_RUNNER_MSG_H

/* Start of the Stderr line for an agent program that is not installed. */
#define RUNNER_SETUP_REQUIRED	"Failed to start execution: "

#endif
