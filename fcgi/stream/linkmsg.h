/* linkmsg.h: the node link's messages (hive-api.md §4): parsing and backoff */
#ifndef SWARM_STREAM_LINKMSG_H
#define SWARM_STREAM_LINKMSG_H

#include <stddef.h>
#include <stdint.h>
#include <json.h>

#include "msg.h"
#include "uuid.h"

/*
 * Every message on the node link is one text frame holding one JSON
 * object, "adjacently tagged" as the original's: {"type": "<tag>",
 * "data": {...}}. These functions are pure (no I/O): the hive endpoint
 * (hivelink.c) and the node's client (nodelink.c) call them, and the
 * unit tests check them.
 */
#define LINK_PROTOCOL_VERSION	1
#define LINK_MSG_MAX		(64 * 1024)	/* one message, reassembled */
#define LINK_KEY_MAX		128
#define LINK_NAME_MAX		255
#define LINK_STATUS_MAX		16

/* What a node sends (NodeMessage). */
enum link_type {
	LINK_AUTH,
	LINK_HEARTBEAT,
	LINK_LINK_PROJECT,
	LINK_UNLINK_PROJECT,
	LINK_TASK_STATUS,
	LINK_TASK_OUTPUT,
	LINK_TASK_PROGRESS,
	LINK_ACK,
	LINK_DEREGISTER,
	LINK_ERROR,
	LINK__MAX
};

extern const char *const link_type_names[LINK__MAX];

struct link_in {
	enum link_type	 type;
	json_object	*root;		/* owns everything borrowed below */
	json_object	*data;
	union {
		struct {
			const char	*api_key;
			const char	*machine_id;
			const char	*name;
			const char	*public_url;	/* NULL: none */
			json_object	*capabilities;	/* NULL: defaults */
			long long	 protocol_version;
		} auth;
		struct {
			const char	*status;	/* a node status */
			long long	 active_tasks;
			long long	 available_capacity;
		} heartbeat;
		struct {
			char		 project_id[UUID_STRLEN + 1];
			char		 local_project_id[UUID_STRLEN + 1];
			const char	*git_repo_path;
			const char	*default_branch;
		} link;
		struct {
			char		 project_id[UUID_STRLEN + 1];
		} unlink;
	} u;
};

/*
 * Parse one node message buf[0..len). 0 with *out filled (free it with
 * link_in_free), or, with a lowercase reason in err:
 *   E_TOOBIG       over LINK_MSG_MAX
 *   E_INVAL        not one JSON object {type, data}, or a field of a
 *                  known type is missing or wrong ("invalid heartbeat:
 *                  field 'status' ...")
 *   E_UNSUPPORTED  a type the protocol does not have
 *   E_FAIL         out of memory
 */
int	link_parse(struct link_in *out, const char *buf, size_t len, char *err,
	    size_t errsz);
void	link_in_free(struct link_in *);

/*
 * The envelope alone (what the node reads from the hive): *root owns
 * *data; *type is borrowed from it. 0, E_INVAL, E_TOOBIG, E_FAIL.
 */
int	link_parse_envelope(json_object **root, const char **type,
	    json_object **data, const char *buf, size_t len, char *err,
	    size_t errsz);

/* {"type": type, "data": data} as a stream message; takes data. */
struct msg *link_msg(const char *type, json_object *data);

/*
 * The delay before reconnect attempt number attempt (0 = the first
 * retry): min_ms doubled per attempt, capped at max_ms, then "equal
 * jitter": half of it fixed, the other half from rnd, so many nodes
 * cut off at once do not come back in step.
 */
int64_t	link_backoff_ms(unsigned int attempt, int64_t min_ms, int64_t max_ms,
	    uint32_t rnd);

#endif
