#!/bin/bash
# tests/analyze.sh (make analyze): cppcheck and clang-tidy over daemon/
# and drivers/. Flags and checks come from tests/tests.mk (CPPCHECK_FLAGS,
# TIDY_CHECKS, ANALYZE_CFLAGS); findings listed in
# tests/analyze.supp with a reason are dropped. Prints each finding and
# "N findings"; exits 1 if there is any.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
out=tests/out/analyze
mkdir -p "$out"
files=$(ls daemon/*.c drivers/*.c)

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

# "file:line:col: warning: text [check]" -> drop suppressed, dedupe
findings() {
	grep -hE '^[^ ]+:[0-9]+(:[0-9]+)?: (warning|error|style|performance|portability)' \
	    "$out/cppcheck.log" "$out/clang-tidy.log" |
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
