/*
 * fuzz_mbtcp.c: replies from the wire to our reads (daemon/mbtcp.c).
 * The input's first four bytes make the request: transaction id, unit,
 * function (0x03/0x04 by the low bit) and register count (1..125 from
 * the next byte); the rest is what the socket holds. Checked: the frame
 * length is 0 (wait), -1 or a complete frame within what is there and
 * within an ADU; a reply accepted is exactly as long as the count asks,
 * carries the request's transaction, unit and function, and its
 * registers are its bytes; a reply of another transaction is reported
 * as such; a refused one sets errno to what libmodbus would.
 */
#include <errno.h>
#include <modbus.h>
#include <stdint.h>
#include <stdlib.h>

#include "../../daemon/mbtcp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t adu[MBTCP_REQ_LEN];
	uint16_t regs[125];
	int fc, count, len, i, rc;

	if (size < 5)
		return 0;
	fc = data[3] & 1 ? MODBUS_FC_READ_INPUT_REGISTERS :
	    MODBUS_FC_READ_HOLDING_REGISTERS;
	count = 1 + data[4] % 125;
	mbtcp_request(adu, (uint16_t)(data[0] << 8 | data[1]), data[2], fc,
	    0, count);
	data += 5;
	size -= 5;
	len = mbtcp_frame_len(data, size);
	if (len < -1 || len > MODBUS_TCP_MAX_ADU_LENGTH ||
	    (len > 0 && (size_t)len > size) || (len > 0 && len < 8))
		abort();
	if (len <= 0)
		return 0;
	errno = 0;
	rc = mbtcp_reply(adu, data, len, regs);
	if (rc == 0) {
		if (len != 9 + 2 * count || data[0] != adu[0] ||
		    data[1] != adu[1] || data[6] != adu[6] || data[7] != fc)
			abort();
		for (i = 0; i < count; i++)
			if (regs[i] != (data[9 + 2 * i] << 8 | data[10 + 2 * i]))
				abort();
	} else if (rc == MBTCP_OTHER) {
		if (data[0] == adu[0] && data[1] == adu[1])
			abort();
	} else if (rc != -1 || (errno != EMBBADDATA && errno != EMBBADEXC &&
	    !(errno > MODBUS_ENOBASE &&
	    errno < MODBUS_ENOBASE + MODBUS_EXCEPTION_MAX)))
		abort();
	return 0;
}
