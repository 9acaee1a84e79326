#!/bin/bash
# tests/analyze.sh (make analyze): cppcheck and clang-tidy over lib/, daemon/, tool/
# and drivers/, and the man pages against the code (every config key and
# command described, no groff warnings). Flags and checks come from tests/tests.mk (CPPCHECK_FLAGS,
# TIDY_CHECKS, ANALYZE_CFLAGS); findings listed in
# tests/analyze.supp with a reason are dropped. Prints each finding and
# "N findings"; exits 1 if there is any.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=tests/out/analyze
mkdir -p "$out"
files=${ANALYZE_FILES:-$(ls lib/*.c daemon/*.c tool/*.c drivers/*.c)}

t=$SECONDS
# shellcheck disable=SC2086
cppcheck -q $CPPCHECK_FLAGS -j2 \
    --template='{file}:{line}: {severity}: {message} [{id}]' \
    $files >"$out/cppcheck.log" 2>&1
echo "cppcheck: $((SECONDS - t)) s"
t=$SECONDS
printf '%s\n' $files | xargs -P2 -I{} sh -c 'clang-tidy -quiet \
    --checks="$TIDY_CHECKS" "$1" -- \
    $ANALYZE_CFLAGS 2>/dev/null' sh {} >"$out/clang-tidy.log"
echo "clang-tidy: $((SECONDS - t)) s"

# the man pages: every config key and every lakewatch command documented,
# and groff has nothing to say about the markup
man_check() {
	local k c m w
	for k in $(sed -n 's/^[[:space:]]*{ "\([a-z_0-9]*\)", K_.*/\1/p' lib/conf.c |
	    sort -u); do
		grep -q "^\.It.* Ic $k\b" man/man5/lakewatch.conf.5 ||
		    echo "man/man5/lakewatch.conf.5:1: warning: key '$k' of lib/conf.c is not described [man-key]"
	done
	for k in $(sed -n 's/^[;[:space:]]*\([a-z_]*\)[[:space:]]*=.*/\1/p' etc/lakewatch.conf |
	    sort -u); do
		grep -q "^\.It.* Ic $k\b" man/man5/lakewatch.conf.5 ||
		    echo "man/man5/lakewatch.conf.5:1: warning: key '$k' of etc/lakewatch.conf is not described [man-key]"
	done
	for c in $(sed -n '/commands\[\] = {/,/^};/s/^[[:space:]]*{ "\([a-z]*\)", tool_.*/\1/p' tool/lakewatch.c); do
		grep -q "^\.Cm $c\b" man/man1/lakewatch.1 ||
		    echo "man/man1/lakewatch.1:1: warning: command '$c' of tool/lakewatch.c is not described [man-command]"
	done
	for m in man/man1/lakewatch.1 man/man5/lakewatch.conf.5 man/man8/lakewatchd.8; do
		w=$(MANWIDTH=80 man --warnings -l "$m" 2>&1 >/dev/null)
		[ -z "$w" ] || echo "$m:1: warning: $(echo "$w" | head -n 1) [man-groff]"
	done
}
man_check >"$out/man.log"

# "file:line:col: warning: text [check]" -> drop suppressed, dedupe
findings() {
	grep -hE '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error|style|performance|portability)' \
	    "$out/cppcheck.log" "$out/clang-tidy.log" "$out/man.log" |
	    sed "s#^$top/##" | sort -u |
	    while IFS= read -r line; do
		f=${line%%:*}
		id=${line##*[}
		id=${id%]}
		if grep -v '^#' tests/analyze.supp |
		    awk -v f="$f" -v id="$id" '$1 == f && $2 == id { hit = 1 } END { exit !hit }'; then
			continue
		fi
		echo "$line"
	done
}
findings >"$out/findings"
cat "$out/findings"
n=$(wc -l <"$out/findings")
echo "$n findings (cppcheck: $(grep -c . "$out/cppcheck.log"), clang-tidy: $(grep -cE ': (warning|error):' "$out/clang-tidy.log") lines before suppressions)"
[ "$n" -eq 0 ]
