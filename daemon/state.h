/*
 * state.h: the alert state of every sensor in <state_dir>/state.json, so
 * that a restart neither fires again nor forgets a pending resolve.
 */
#ifndef LW_STATE_H
#define LW_STATE_H

#include "../lib/conf.h"
#include "eval.h"

/* Where the state file of C is. */
void	state_path(const struct conf *c, char *buf, size_t len);
/*
 * Write the alert state of C's sensors (ST has c->nsensor entries)
 * durably: temp file, fsync, rename. 0, or -1 with errno set.
 */
int	state_save(const struct conf *c, const struct alarm_state *st);
/*
 * Read the saved state into ST for the sensors of C that it knows by
 * name; others keep what ST had. Returns 0 (also when there is no file
 * yet), or -1 with err filled if the file is not valid: it is then moved
 * aside to state.json.bad so that the next save does not meet it.
 */
int	state_load(const struct conf *c, struct alarm_state *st,
	    char err[LW_ERRLEN]);

#endif
