/*
 * mbtcp.h: Modbus TCP framing of the reads the daemon sends itself, on
 * the socket of a libmodbus context (libmodbus connects; we send and
 * receive). Each request carries a transaction id of its own; a reply
 * is taken only if it answers that request: transaction, protocol, unit,
 * function and length. A reply to an earlier request (a gateway that
 * repeats one, a device that answers after the retry) is recognised as
 * such and dropped, never taken as the answer to the next.
 */
#ifndef LW_MBTCP_H
#define LW_MBTCP_H

#include <stddef.h>
#include <stdint.h>

#define MBTCP_REQ_LEN	12	/* MBAP header + function, address, count */
#define MBTCP_OTHER	1	/* mbtcp_reply: another transaction's reply */

/*
 * The request ADU of a read of COUNT registers from ADDR with function
 * FC (0x03 or 0x04) to UNIT, as transaction TID.
 */
void	mbtcp_request(uint8_t adu[MBTCP_REQ_LEN], uint16_t tid, int unit,
	    int fc, int addr, int count);
/*
 * The length of the frame that starts BUF (N bytes so far, peeked from
 * the socket), from its MBAP header: 0 while more is to come, -1 if the
 * bytes cannot be a Modbus TCP frame (protocol id not 0, a length no
 * frame has): the stream has lost its framing.
 */
int	mbtcp_frame_len(const uint8_t *buf, size_t n);
/*
 * Check frame RSP (LEN bytes, as mbtcp_frame_len measured it) against
 * request REQ (from mbtcp_request). MBTCP_OTHER if it carries another
 * transaction id; 0 with the registers in REGS if it answers REQ; -1
 * with errno as libmodbus sets it: MODBUS_ENOBASE + exception code,
 * EMBBADEXC, or EMBBADDATA (our transaction, but another unit, function
 * or length: never a value).
 */
int	mbtcp_reply(const uint8_t *req, const uint8_t *rsp, int len,
	    uint16_t *regs);

#endif
