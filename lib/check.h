/* check.h: what `lakewatchd -t` and `lakewatch check` print of a config */
#ifndef LW_CHECK_H
#define LW_CHECK_H

#include <stdio.h>

#include "conf.h"

/*
 * Print, per bus, the requests one cycle sends (as the daemon plans
 * them) and the estimated bus time against the shortest interval; then
 * a warning per webhook key its format ignores (a mention or keyword on
 * json, a mention on wecom markdown, mobiles on feishu or slack), and
 * per hj212-2025 uplink whether its data go encrypted (a warning if not).
 * Returns the number of buses whose plan cannot fit their interval.
 */
int	check_report(const struct conf *c, FILE *fp);
/*
 * Whether each RTU bus's device can be opened, each line "FILE:LINE:"
 * of its "device =" key: a device that does not exist is a WARNING (a
 * USB adapter may come later; the daemon starts and retries the bus),
 * one that is not a character device or that the user cannot read and
 * write is an error. USER names the service user (the unit's User=):
 * its groups plus dialout (the unit's SupplementaryGroups=) are held
 * against the device's owner, group and mode. USER NULL, or a user
 * that does not exist here: the caller's own access(2). A ttyUSB/ttyACM
 * name gets a note to use its /dev/serial/by-id link. Returns the
 * errors.
 */
int	check_devices(const struct conf *c, const char *user, FILE *fp);
/*
 * The /dev/serial/by-id link that names the same tty as DEVICE into
 * BUF (LEN bytes); 1 if there is one, else 0.
 */
int	check_by_id(const char *device, char *buf, size_t len);

#endif
