# issue 15: a station of ten analyzers polled every 5 s writes
# status.json once per poll round. Their samples reach the core over some
# ms in a few batches; it was written at the first batch and again a
# second later for the rest (the bench's station: 1.7 writes a round).
# It is due a second after the first sample, with the core's tick.
# One analyzer (unit 2) answers 300 ms late, so every round comes in two.
. "$(dirname "$0")/../lib.sh"

start_sim --ports 10 --fault 2:slow=300
{
	printf '[daemon]\nstate_dir = state\ninterval = 5\n'
	i=0
	while read -r port; do
		printf '[bus d%d]\nhost = 127.0.0.1\nport = %s\n' "$i" "$port"
		printf 'timeout = 1s\n'
		u=$((i == 9 ? 2 : 1))
		printf '[sensor tp%d]\nbus = d%d\nunit = %d\nregister = 0\n' \
		    "$i" "$i" "$u"
		printf '[sensor temp%d]\nbus = d%d\nunit = %d\nregister = 3\n' \
		    "$i" "$i" "$u"
		printf 'parameter = temp\n'
		i=$((i + 1))
	done <"$W/sim.port"
} >"$W/lw.conf"
start_daemon "$W/lw.conf"
check "a whole round is in status.json" wait_for 20 status_samples_ge 20

# count the writes over 4 rounds (20 s)
writes=$(status_writes 20)
echo "status.json writes in 20 s (4 rounds of 10 devices): $writes"
check "one write a round (at most 5 in 4 rounds, not 8)" test "$writes" -le 5
check "... and at least 3" test "$writes" -ge 3
check "status.json soon has the rounds the sample log has" wait_for 5 \
    status_has_rows 20
stop_daemon
check "daemon exit 0" test "$DAEMON_RC" -eq 0
finish
