/*
 * mbtcp.h: the reply to a read the daemon sent itself, without waiting
 * (modbus_send_raw_request, which leaves the transaction id 0), taken
 * off the socket only once all of it is there: these say when that is,
 * and check the reply the way libmodbus checks those of
 * modbus_read_registers.
 */
#ifndef LW_MBTCP_H
#define LW_MBTCP_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length of the reply that starts BUF (N bytes so far, peeked from
 * the socket): 0 while more is to come, -1 if it cannot be the reply to
 * a read of registers.
 */
int	mbtcp_reply_len(const uint8_t *buf, size_t n);
/*
 * Check reply RSP (LEN bytes) to a read of COUNT registers with function
 * code FC (0x03 or 0x04): 0 with the registers in REGS, or -1 with errno
 * as libmodbus sets it (MODBUS_ENOBASE + exception code, EMBBADEXC,
 * EMBBADDATA).
 */
int	mbtcp_reply(const uint8_t *rsp, int len, int fc, int count,
	    uint16_t *regs);

#endif
