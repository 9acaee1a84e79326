# issue 15: status.json is replaced without making an inode each time
# (on ext4 the inode allocation and the free of the old one were a
# quarter of a quiet station's CPU): the new text goes over
# status.json.prev, which changes place with status.json. A reader
# still sees every version whole; a planted link at status.json.prev is
# removed, never written through.
. "$(dirname "$0")/../lib.sh"

start_sim --tp-steps "0.030"
tp_conf "$W/lw.conf"
mkdir -p "$W/state"
echo "victim" >"$W/victim"
ln -s "$W/victim" "$W/state/status.json.prev"
start_daemon "$W/lw.conf"
ST=$W/state/status.json
check "the first poll is in status.json" wait_for 20 status_samples_ge 2

# every second a poll, so a rewrite: watch until 5 rewrites are seen
"$PY" - "$ST" >"$W/inodes.txt" <<'PYEOF'
import json, os, sys, time
seen, inos, n, bad, end = None, set(), 0, 0, time.time() + 30
while n < 5 and time.time() < end:
    try:
        with open(sys.argv[1]) as f:
            ino = os.fstat(f.fileno()).st_ino
            json.load(f)
    except ValueError:
        bad += 1
        continue
    if ino != seen:
        n += seen is not None
        seen = ino
        inos.add(ino)
    time.sleep(0.01)
print(n, len(inos), bad)
PYEOF
read -r writes inodes torn <"$W/inodes.txt"
echo "status.json: $writes rewrites, $inodes inodes, $torn torn reads"
check "status.json rewritten 5 times" test "$writes" -ge 5
check "... in at most 2 inodes (none made per write)" test "$inodes" -le 2
check "... and every read is whole JSON" test "$torn" -eq 0
check "the link at status.json.prev was not written through" \
    test "$(cat "$W/victim")" = victim
check "status.json.prev is a plain file now" \
    test -f "$W/state/status.json.prev" -a ! -L "$W/state/status.json.prev"
check "lakewatch status reads it" "$BIN/lakewatch" status -c "$W/lw.conf"
stop_daemon
check "daemon exit 0" test "$DAEMON_RC" -eq 0
finish
