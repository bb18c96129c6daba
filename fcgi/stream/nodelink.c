/* nodelink.c: the node's persistent link to its hive (an lws client) */
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

#include "db.h"
#include "db_node.h"
#include "err.h"
#include "jsonx.h"
#include "linkmsg.h"
#include "log.h"
#include "stream.h"
#include "hive_env.h"
#include "text.h"

/*
 * With VK_HIVE_URL and VK_NODE_API_KEY set, swarm-stream keeps one
 * WebSocket to <hive>/hive/v1/nodes/ws: it sends `auth` (the key, this
 * node's machine id from hive_link, name, public URL, capabilities),
 * then a `heartbeat` every SWARM_HIVE_HEARTBEAT_MS (15 s); a lost or
 * refused link is tried again after a backoff with jitter (1 s doubling
 * to 60 s). When the hive says something changed (`activity`,
 * `project_sync`, `node_removed`) and after every (re)connect, the node
 * syncs: `swarm-node --hive-sync` runs as a child (its libcurl calls
 * never stall this loop); notifications that come while it runs make
 * one more run after it. Without a hive nothing here runs: local-first.
 */
#define HEARTBEAT_MS_DEFAULT	15000
#define BACKOFF_MIN_MS_DEFAULT	1000
#define BACKOFF_MAX_MS_DEFAULT	60000
#define AUTH_WAIT_MS		30000		/* the original's */
#define SYNC_POLL_MS		100
#define SYNC_MAX_MS		120000		/* a hung sync is killed */
#define LINK_PATH		"/hive/v1/nodes/ws"

static struct {
	int		 enabled;
	char		 host[256];
	int		 port;
	int		 ssl, insecure;
	int64_t		 hb_ms, backoff_min, backoff_max;
	char		 node_bin[PATH_MAX];

	struct lws	*wsi;
	int		 authed;
	unsigned int	 attempt;
	struct outq	 q;
	char		*rx;
	size_t		 rxlen;
	char		 last_error[160];

	struct loop_timer connect_timer, hb_timer, auth_timer, sync_timer;
	pid_t		 sync_pid;
	int64_t		 sync_started_ms;
	int		 sync_again;
} nl;

static void	nl_connect(void *);

static void
nl_schedule_reconnect(void)
{
	int64_t	 d;

	loop_cancel(&nl.hb_timer);
	loop_cancel(&nl.auth_timer);
	d = link_backoff_ms(nl.attempt, nl.backoff_min, nl.backoff_max,
	    (uint32_t)random());
	if (nl.attempt < 32)
		nl.attempt++;
	log_debug("hive link: next attempt in %lld ms", (long long)d);
	loop_after(&nl.connect_timer, d, nl_connect, NULL);
}

/* ------------------------------------------------------------------ sync */

static void	nl_sync_start(void);

static void
nl_sync_poll(void *arg)
{
	int	 st;
	pid_t	 p;

	if (nl.sync_pid <= 0)
		return;
	if ((p = waitpid(nl.sync_pid, &st, WNOHANG)) == 0) {
		if (loop_now_ms() - nl.sync_started_ms > SYNC_MAX_MS) {
			log_warnx("hive sync (pid %d) hung: killed",
			    (int)nl.sync_pid);
			(void)kill(nl.sync_pid, SIGKILL);
		}
		loop_after(&nl.sync_timer, SYNC_POLL_MS, nl_sync_poll, NULL);
		return;
	}
	if (p > 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
		log_warnx("hive sync exited with status %d", st);
	nl.sync_pid = 0;
	if (nl.sync_again) {
		nl.sync_again = 0;
		nl_sync_start();
	}
}

/* Run `swarm-node --hive-sync` now, or once more after the running one. */
static void
nl_sync_start(void)
{
	pid_t	 p;

	if (nl.sync_pid > 0) {
		nl.sync_again = 1;
		return;
	}
	if ((p = fork()) < 0) {
		log_warn("hive sync: fork");
		return;
	}
	if (p == 0) {
		sigset_t	 none;

		/* Only stdio: not the loop's sockets; default signals. */
		closefrom(3);
		sigemptyset(&none);
		(void)sigprocmask(SIG_SETMASK, &none, NULL);
		(void)signal(SIGPIPE, SIG_DFL);
		execl(nl.node_bin, nl.node_bin, "--hive-sync", (char *)NULL);
		_exit(127);
	}
	nl.sync_pid = p;
	nl.sync_started_ms = loop_now_ms();
	loop_after(&nl.sync_timer, SYNC_POLL_MS, nl_sync_poll, NULL);
}

/* ------------------------------------------------------------- messages */

static void
nl_send(struct msg *m)
{
	if (m == NULL || nl.wsi == NULL)
		return;
	if (outq_push(&nl.q, m, 1) == 0)
		lws_callback_on_writable(nl.wsi);
	msg_unref(m);
}

static void
nl_heartbeat(void *arg)
{
	json_object	*d = json_object_new_object();
	char		 ts[40];
	time_t		 t = time(NULL);
	struct tm	 tm;

	if (d == NULL)
		return;
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		ts[0] = '\0';
	if (jsonx_add_str(d, "status", "online") != 0 ||
	    jsonx_add_int(d, "active_tasks", 0) != 0 ||
	    jsonx_add_int(d, "available_capacity", 1) != 0 ||
	    jsonx_add_str(d, "memory_usage", NULL) != 0 ||
	    jsonx_add_str(d, "cpu_usage", NULL) != 0 ||
	    jsonx_add_str(d, "timestamp", ts) != 0) {
		json_object_put(d);
		return;
	}
	nl_send(link_msg("heartbeat", d));
}

/* The first message: who we are (machine id kept in the node's DB). */
static int
nl_send_auth(void)
{
	json_object	*row = NULL, *d;
	const char	*mid;

	/* The same machine id the REST path registers with (hive_sync.c). */
	if (db_hive_link_get(stream_db(), &row) != 0)
		return E_DB;
	if ((mid = jsonx_get_str(row, "machine_id")) == NULL) {
		json_object_put(row);
		return E_FAIL;
	}
	if ((d = json_object_new_object()) == NULL ||
	    jsonx_add_str(d, "api_key", hive_key()) != 0 ||
	    jsonx_add_str(d, "machine_id", mid) != 0 ||
	    jsonx_add_str(d, "name", hive_node_name()) != 0 ||
	    jsonx_add(d, "capabilities", hive_capabilities()) != 0 ||
	    jsonx_add_str(d, "public_url", hive_public_url()) != 0 ||
	    jsonx_add_int(d, "protocol_version", LINK_PROTOCOL_VERSION) != 0) {
		json_object_put(d);
		json_object_put(row);
		return E_FAIL;
	}
	json_object_put(row);
	nl_send(link_msg("auth", d));
	return 0;
}

static void
nl_auth_timeout(void *arg)
{
	log_warnx("hive link: no auth_result within %d s", AUTH_WAIT_MS / 1000);
	if (nl.wsi != NULL)
		lws_set_timeout(nl.wsi, PENDING_TIMEOUT_USER_OK,
		    LWS_TO_KILL_ASYNC);
}

/* Log a refusal once until it changes: a revoked key retries quietly. */
static void
nl_note_error(const char *what)
{
	char	 esc[160];

	log_escape(esc, sizeof(esc), what);
	if (strcmp(esc, nl.last_error) != 0) {
		log_warnx("hive link: %s", esc);
		snprintf(nl.last_error, sizeof(nl.last_error), "%s", esc);
	}
}

static int
nl_auth_result(json_object *d)
{
	char		 prefix[9];
	const char	*nid, *org, *e;
	char		 n[UUID_STRLEN + 1], o[UUID_STRLEN + 1];

	loop_cancel(&nl.auth_timer);
	if (!json_object_get_boolean(json_object_object_get(d, "success"))) {
		e = jsonx_get_str(d, "error");
		nl_note_error(e != NULL ? e : "authentication refused");
		return -1;
	}
	if ((nid = jsonx_get_str(d, "node_id")) == NULL ||
	    (org = jsonx_get_str(d, "organization_id")) == NULL ||
	    uuid_parse(n, nid) != 0 || uuid_parse(o, org) != 0) {
		nl_note_error("auth_result without node and organization ids");
		return -1;
	}
	snprintf(prefix, sizeof(prefix), "%.8s", hive_key());
	/* The REST side (workers) uses the same identity: no second row. */
	if (db_hive_link_set_identity(stream_db(), hive_base(), prefix, n, o)
	    != 0)
		log_warnx("hive link: identity not stored");
	nl.authed = 1;
	nl.attempt = 0;
	nl.last_error[0] = '\0';
	log_info("hive link: up (node %s)", n);
	nl_heartbeat(NULL);
	loop_every(&nl.hb_timer, nl.hb_ms, nl_heartbeat, NULL);
	nl_sync_start();	/* what changed while we were away */
	return 0;
}

/* One whole message from the hive; -1 closes the link. */
static int
nl_message(const char *buf, size_t len)
{
	json_object	*root, *d;
	const char	*type, *s;
	char		 err[200];
	int		 rc = 0;

	if (link_parse_envelope(&root, &type, &d, buf, len, err,
	    sizeof(err)) != 0) {
		nl_note_error(err);
		return 0;	/* the hive's mistake: not worth a reconnect */
	}
	if (strcmp(type, "auth_result") == 0)
		rc = nl_auth_result(d);
	else if (!nl.authed)
		nl_note_error("message before auth_result");
	else if (strcmp(type, "activity") == 0 ||
	    strcmp(type, "project_sync") == 0 ||
	    strcmp(type, "node_removed") == 0)
		nl_sync_start();
	else if (strcmp(type, "close") == 0) {
		s = jsonx_get_str(d, "reason");
		nl_note_error(s != NULL ? s : "closed by the hive");
	} else if (strcmp(type, "error") == 0) {
		s = jsonx_get_str(d, "error");
		nl_note_error(s != NULL ? s : "error from the hive");
	} else if (strcmp(type, "heartbeat_ack") != 0)
		log_debug("hive link: '%s' not handled", type);
	json_object_put(root);
	return rc;
}

/* -------------------------------------------------------------- the wsi */

static void
nl_connect(void *arg)
{
	struct lws_client_connect_info ci;

	if (nl.wsi != NULL)
		return;
	outq_clear(&nl.q);
	free(nl.rx);
	nl.rx = NULL;
	nl.rxlen = 0;
	nl.authed = 0;
	memset(&ci, 0, sizeof(ci));
	ci.context = loop_context();
	ci.address = nl.host;
	ci.port = nl.port;
	ci.path = LINK_PATH;
	ci.host = nl.host;
	ci.origin = nl.host;
	ci.local_protocol_name = "swarm-node-link";
	if (nl.ssl) {
		ci.ssl_connection = LCCSCF_USE_SSL;
		if (nl.insecure)
			ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED |
			    LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK;
	}
	ci.pwsi = &nl.wsi;
	if (lws_client_connect_via_info(&ci) == NULL) {
		nl.wsi = NULL;
		nl_note_error("cannot start a connection to the hive");
		nl_schedule_reconnect();
	}
}

static int
nl_writeable(struct lws *wsi)
{
	struct msg	*m;

	if ((m = outq_peek(&nl.q)) == NULL)
		return 0;
	if (lws_write(wsi, msg_payload(m), m->len, LWS_WRITE_TEXT) <
	    (int)m->len)
		return -1;
	outq_pop(&nl.q);
	if (outq_peek(&nl.q) != NULL)
		lws_callback_on_writable(wsi);
	return 0;
}

static int
nl_receive(const char *in, size_t len, int final)
{
	char	*p;
	int	 rc;

	if (nl.rx == NULL && final)
		return nl_message(in, len);
	if (nl.rxlen + len > LINK_MSG_MAX) {
		nl_note_error("message from the hive too big");
		return -1;
	}
	if ((p = realloc(nl.rx, nl.rxlen + len + 1)) == NULL)
		return -1;
	memcpy(p + nl.rxlen, in, len);
	nl.rx = p;
	nl.rxlen += len;
	if (!final)
		return 0;
	rc = nl_message(nl.rx, nl.rxlen);
	free(nl.rx);
	nl.rx = NULL;
	nl.rxlen = 0;
	return rc;
}

int
nodelink_callback(struct lws *wsi, enum lws_callback_reasons reason,
    void *user, void *in, size_t len)
{
	char	 why[160];

	switch (reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		outq_init(&nl.q);
		nl.q.max_live_n = 64;
		if (nl_send_auth() != 0) {
			nl_note_error("cannot read this node's machine id");
			return -1;
		}
		loop_after(&nl.auth_timer, AUTH_WAIT_MS, nl_auth_timeout, NULL);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		return nl_receive(in, len, lws_is_final_fragment(wsi));
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		return nl_writeable(wsi);
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (len > 2) {
			snprintf(why, sizeof(why), "closed by the hive (%u): "
			    "%.*s", ((unsigned char *)in)[0] << 8 |
			    ((unsigned char *)in)[1], (int)(len - 2),
			    (char *)in + 2);
			nl_note_error(why);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		snprintf(why, sizeof(why), "hive unreachable: %s",
		    in != NULL ? (char *)in : "connection failed");
		nl_note_error(why);
		nl.wsi = NULL;
		nl_schedule_reconnect();
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (nl.authed)
			log_info("hive link: down");
		nl.wsi = NULL;
		nl.authed = 0;
		outq_clear(&nl.q);
		nl_schedule_reconnect();
		return 0;
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
}

/* ----------------------------------------------------------------- setup */

static int64_t
env_ms(const char *name, int64_t def, int64_t min, int64_t max)
{
	const char	*v = getenv(name);
	int64_t		 n;

	if (v == NULL || *v == '\0')
		return def;
	if (text_to_int64(&n, v, min, max) != 0) {
		log_warnx("%s must be %lld to %lld: using %lld", name,
		    (long long)min, (long long)max, (long long)def);
		return def;
	}
	return n;
}

/* hive_base() is scheme://host[:port]; lws wants them apart. */
static int
parse_base(const char *base)
{
	const char	*h, *colon;
	int64_t		 port;
	size_t		 n;

	if (strncmp(base, "https://", 8) == 0) {
		nl.ssl = 1;
		h = base + 8;
		nl.port = 443;
	} else if (strncmp(base, "http://", 7) == 0) {
		h = base + 7;
		nl.port = 80;
	} else
		return -1;
	if (*h == '[')		/* [v6]:port */
		colon = strchr(h, ']') != NULL ? strchr(strchr(h, ']'), ':') :
		    NULL;
	else
		colon = strchr(h, ':');
	n = colon != NULL ? (size_t)(colon - h) : strlen(h);
	if (n == 0 || n >= sizeof(nl.host))
		return -1;
	memcpy(nl.host, h, n);
	nl.host[n] = '\0';
	if (*nl.host == '[') {
		memmove(nl.host, nl.host + 1, n);
		nl.host[strcspn(nl.host, "]")] = '\0';
	}
	if (colon != NULL) {
		if (text_to_int64(&port, colon + 1, 1, 65535) != 0)
			return -1;
		nl.port = (int)port;
	}
	return 0;
}

static void
find_node_bin(void)
{
	const char	*v = getenv("SWARM_NODE_BIN");
	char		 self[PATH_MAX], *slash;
	ssize_t		 n;

	if (v != NULL && *v != '\0') {
		snprintf(nl.node_bin, sizeof(nl.node_bin), "%s", v);
		return;
	}
	/* Beside this binary, as swarm-runner beside swarm-node. */
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) <= 0) {
		snprintf(nl.node_bin, sizeof(nl.node_bin), "swarm-node");
		return;
	}
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) != NULL)
		*slash = '\0';
	if (strlen(self) + sizeof("/swarm-node") > sizeof(nl.node_bin))
		snprintf(nl.node_bin, sizeof(nl.node_bin), "swarm-node");
	else
		snprintf(nl.node_bin, sizeof(nl.node_bin), "%.*s/swarm-node",
		    (int)(sizeof(nl.node_bin) - sizeof("/swarm-node")), self);
}

void
nodelink_init(void)
{
	const char	*v;

	if (!hive_enabled()) {
		log_info("no hive configured: no node link (local only)");
		return;
	}
	if (parse_base(hive_base()) != 0) {
		log_warnx("VK_HIVE_URL: cannot use %s: no node link",
		    hive_base());
		return;
	}
	nl.enabled = 1;
	v = getenv("SWARM_HIVE_TLS_INSECURE");
	nl.insecure = v != NULL && strcmp(v, "1") == 0;
	nl.hb_ms = env_ms("SWARM_HIVE_HEARTBEAT_MS", HEARTBEAT_MS_DEFAULT,
	    100, 3600000);
	nl.backoff_min = env_ms("SWARM_HIVE_LINK_BACKOFF_MIN_MS",
	    BACKOFF_MIN_MS_DEFAULT, 10, 3600000);
	nl.backoff_max = env_ms("SWARM_HIVE_LINK_BACKOFF_MAX_MS",
	    BACKOFF_MAX_MS_DEFAULT, nl.backoff_min, 3600000);
	find_node_bin();
	outq_init(&nl.q);
	srandom((unsigned int)(getpid() ^ time(NULL)));
	log_info("hive link: %s://%s:%d%s, heartbeat every %lld ms",
	    nl.ssl ? "wss" : "ws", nl.host, nl.port, LINK_PATH,
	    (long long)nl.hb_ms);
	loop_after(&nl.connect_timer, 0, nl_connect, NULL);
}
