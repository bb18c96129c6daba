/* main.c: swarm-stream: flags, lock, lws context, signals, the loop */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cache.h"
#include "db.h"
#include "executors.h"
#include "hive_config.h"
#include "log.h"
#include "notify.h"
#include "repo.h"
#include "stream.h"

#ifndef SWARM_EXECUTORS_DEFAULTS
#define SWARM_EXECUTORS_DEFAULTS "conf/executors.json"
#endif

static volatile int		 stopping;
static struct db		*the_db;
static struct executors		*the_executors;
static struct loop_timer	 keepalive_timer;
static enum stream_role		 the_role = ROLE_NODE;
static int			 on_libev;
static char			 notify_path[256];

/*
 * protocols[0] serves every WebSocket path (browsers ask for no
 * subprotocol and get the first), the hive's node-link endpoint too;
 * "swarm-fd" carries loop_fd_add fds; "swarm-node-link" is the node's
 * client to its hive (nodelink.c).
 */
static const struct lws_protocols protocols[] = {
	{ "swarm-stream", ws_callback, sizeof(struct client), 512, 0, NULL, 0 },
	{ "swarm-fd", loop_fd_callback, 0, 0, 0, NULL, 0 },
	{ "swarm-node-link", nodelink_callback, 0, 4096, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

enum stream_role
stream_role(void)
{
	return the_role;
}

struct db *
stream_db(void)
{
	return the_db;
}

const struct executors *
stream_executors(void)
{
	return the_executors;
}

static void
usage(void)
{
	fprintf(stderr, "usage: swarm-stream [--socket PATH] [--notify PATH] "
	    "[--role node|hive]\n"
	    "defaults: $SWARM_RUN/stream.sock and $SWARM_RUN/%s\n"
	    "database: SWARM_DB_SOCKET or SWARM_DB_HOST/SWARM_DB_PORT, "
	    "SWARM_DB_USER, SWARM_DB_PASSWORD, SWARM_DB_NAME\n",
	    NOTIFY_SOCK_NAME);
	exit(2);
}

/*
 * A second swarm-stream on the same socket would silently take the path
 * over (lws unlinks it); the lock file makes it leave instead.
 */
static void
take_lock(const char *sock)
{
	char	 path[4096];
	int	 fd;

	if ((size_t)snprintf(path, sizeof(path), "%s.lock", sock) >=
	    sizeof(path))
		fatalx("socket path too long");
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		fatal("%s", path);
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			fatalx("another swarm-stream holds %s", path);
		fatal("flock %s", path);
	}
	/* Held (and the fd kept open) for the life of the process. */
}

static void
on_signal(int fd, void *arg)
{
	struct signalfd_siginfo	 si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		log_info("signal %u: stopping", si.ssi_signo);
		stopping = 1;
	}
	/*
	 * On libev, lws_service() runs the loop until it has no work and
	 * never comes back to check `stopping`: leave from here. Nothing
	 * is lost that a crash would keep (the links' ends are written by
	 * the hive's window; the lock goes with the process).
	 */
	if (stopping && on_libev) {
		unlink(notify_path);
		log_info("stopped");
		_exit(0);
	}
}

/* Many idle clients need many fds: take the hard limit. */
static void
raise_nofile(void)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "notify", required_argument, NULL, 'n' },
		{ "role", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct lws_context_creation_info info;
	struct lws_context	*ctx;
	struct db_config	 dbcfg;
	sigset_t		 sigs;
	const char		*run = getenv("SWARM_RUN"), *defaults;
	char			 sock[256], notify[256], err[256];
	int			 ch, sfd;

	setvbuf(stderr, NULL, _IOLBF, 0);
	log_init("stream", getenv("SWARM_LOG_LEVEL"));
	sock[0] = notify[0] = '\0';
	if (run != NULL && *run != '\0') {
		snprintf(sock, sizeof(sock), "%s/stream.sock", run);
		snprintf(notify, sizeof(notify), "%s/%s", run, NOTIFY_SOCK_NAME);
	}
	while ((ch = getopt_long(argc, argv, "s:n:r:", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			if (strcmp(optarg, "hive") == 0)
				the_role = ROLE_HIVE;
			else if (strcmp(optarg, "node") != 0)
				fatalx("--role must be node or hive");
			break;
		case 's':
			if ((size_t)snprintf(sock, sizeof(sock), "%s", optarg) >=
			    sizeof(sock))
				fatalx("--socket path too long");
			break;
		case 'n':
			if ((size_t)snprintf(notify, sizeof(notify), "%s",
			    optarg) >= sizeof(notify))
				fatalx("--notify path too long");
			break;
		default:
			usage();
		}
	}
	if (sock[0] == '\0' || notify[0] == '\0' || optind != argc)
		usage();
	snprintf(notify_path, sizeof(notify_path), "%s", notify);
	take_lock(sock);
	raise_nofile();

	/* Signals arrive as reads on an fd in the loop. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) != 0 ||
	    (sfd = signalfd(-1, &sigs, SFD_NONBLOCK | SFD_CLOEXEC)) < 0)
		fatal("signalfd");

	db_config_from_env(&dbcfg);
	if ((the_db = db_new(&dbcfg)) == NULL)
		fatalx("out of memory");
	if (the_role == ROLE_HIVE)
		hive_config_load();	/* the heartbeat window */
	else {
		if (repo_global_init() != 0)
			fatalx("libgit2 initialisation failed");
		cache_init(getenv("SWARM_CACHE_DIR"));
		if ((defaults = getenv("SWARM_EXECUTORS_DEFAULTS")) == NULL)
			defaults = SWARM_EXECUTORS_DEFAULTS;
		if (executors_load_env(&the_executors, defaults, err,
		    sizeof(err)) != 0)
			log_warnx("executors: %s (normalized logs are plain)",
			    err);
	}

	/* lws warns about every refused upgrade: we log those ourselves. */
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof(info));
	/* TLS for the node's client to an https hive. */
	info.options = LWS_SERVER_OPTION_UNIX_SOCK |
	    LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	/*
	 * lws's own loop polls every fd on each wakeup: fine for a node's
	 * few streams, O(links) per heartbeat on a hive with thousands of
	 * node links. There libev (epoll; Debian's libwebsockets-evlib-ev
	 * plugin) wakes per ready fd. SWARM_STREAM_EVENT_LIB=poll|ev
	 * overrides the choice.
	 */
	{
		const char	*ev = getenv("SWARM_STREAM_EVENT_LIB");

		if (ev != NULL && *ev != '\0' ? strcmp(ev, "ev") == 0 :
		    the_role == ROLE_HIVE) {
			info.options |= LWS_SERVER_OPTION_LIBEV;
			on_libev = 1;
		}
	}
	info.iface = sock;
	info.port = 0;
	info.protocols = protocols;
	info.gid = -1;
	info.uid = -1;
	if ((ctx = lws_create_context(&info)) == NULL)
		fatalx("cannot listen on %s", sock);
	/* Like swarm-node's socket: the service's group (nginx) connects. */
	if (chmod(sock, 0660) != 0)
		log_warn("chmod %s", sock);
	loop_init(ctx, lws_get_vhost_by_name(ctx, "default"));
	if (loop_fd_add(sfd, on_signal, NULL) != 0)
		fatalx("cannot watch signals");
	if (notify_in_init(notify) != 0)
		fatalx("cannot listen for notifications on %s", notify);
	if (the_role == ROLE_HIVE)
		hivelink_init();
	else {
		if (diff_init() != 0)
			fatalx("cannot watch files (inotify)");
		board_init();
		procs_init();
		logs_init();
		orphans_init();
		nodelink_init();
	}
	loop_every(&keepalive_timer, 1000, clients_keepalive, NULL);
	log_info("listening on %s (%s)", sock, the_role == ROLE_HIVE ?
	    "hive: node links" : "node streams");

	while (!stopping)
		if (lws_service(ctx, 0) < 0)
			break;
	lws_context_destroy(ctx);
	unlink(notify);
	executors_free(the_executors);
	db_free(the_db);
	log_info("stopped");
	return 0;
}
