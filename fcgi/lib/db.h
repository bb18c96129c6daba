/* db.h: MariaDB access through cached prepared statements only */
#ifndef SWARM_DB_H
#define SWARM_DB_H

#include <stddef.h>
#include <string.h>
#include <json.h>

struct db;

struct db_config {
	const char	*host;		/* NULL: unix socket */
	const char	*socket;
	const char	*user;
	const char	*password;
	const char	*name;
	unsigned int	 port;
};

enum db_ptype { DBP_NULL, DBP_STR, DBP_INT };

/* One parameter of a prepared statement; strings are borrowed. */
struct db_param {
	enum db_ptype	 type;
	const char	*s;
	unsigned long	 len;
	long long	 i;
};

#define DB_STR(x)	((struct db_param){ (x) != NULL ? DBP_STR : DBP_NULL, \
			    (x), (x) != NULL ? strlen(x) : 0, 0 })
#define DB_INT(x)	((struct db_param){ DBP_INT, NULL, 0, (x) })
#define DB_NULL		((struct db_param){ DBP_NULL, NULL, 0, 0 })
#define DB_NPARAMS(a)	(sizeof(a) / sizeof((a)[0]))

/* Fill cfg from SWARM_DB_* environment variables (borrowed strings). */
void	db_config_from_env(struct db_config *cfg);
/* A handle that connects lazily; NULL on allocation failure. */
struct db *db_new(const struct db_config *cfg);
void	db_free(struct db *);
/* Connect if not connected. 0 or E_DB. */
int	db_ensure(struct db *);

/*
 * Run a statement that returns no rows. Errors: E_CONFLICT (duplicate
 * key), E_NOTFOUND (a foreign key names a missing row), E_DB (server
 * unreachable), E_FAIL. *affected may be NULL.
 */
int	db_exec(struct db *, const char *sql, const struct db_param *p,
	    size_t np, unsigned long long *affected);
/* As db_exec for a statement that must change a row: E_NOTFOUND if none. */
int	db_exec_one(struct db *, const char *sql, const struct db_param *p,
	    size_t np);
/*
 * Run a query and return its rows as a JSON array of objects keyed by
 * column name (*out owned by the caller). Column types map to JSON:
 * integer columns of display width 1 (BOOLEAN, EXISTS(...)) to booleans,
 * other integers to numbers, DATETIME to RFC 3339 strings, everything
 * else to strings, SQL NULL to null.
 */
int	db_query(struct db *, json_object **out, const char *sql,
	    const struct db_param *p, size_t np);
/* As db_query for exactly one row: the object, or E_NOTFOUND. */
int	db_query_row(struct db *, json_object **out, const char *sql,
	    const struct db_param *p, size_t np);
/* One integer from the first column of the first row; E_NOTFOUND if none. */
int	db_query_int(struct db *, long long *out, const char *sql,
	    const struct db_param *p, size_t np);

int	db_begin(struct db *);
int	db_commit(struct db *);
/* Roll back if a transaction is open; a no-op otherwise. */
void	db_rollback(struct db *);

#endif
