#!/bin/sh
# no-sanitize
# Docs that cannot drift: runs every command that README.md and
# scenarios/README.md show in a ```console block and compares what the
# program prints with what the docs print (the convention is in README.md,
# "Tests"):
#   - a line starting with "$ " is a command, run by sh; following lines
#     starting with "> " continue it (the "> " is dropped);
#   - the lines after it, up to the next command or the end of the block,
#     are its expected output, stdout and stderr together;
#   - a line that is exactly "..." matches any number of lines (none too);
#     "..." inside a line matches any text within that line;
#   - a last line "[exit N]" says the command exits with N (else 0);
#   - a ```console slow block (too slow for make check) is run only with
#     DOCS_SLOW=1.
# Trailing blanks are ignored. Commands run in order, file by file, in one
# scratch directory that holds links to the tree's scenarios/, plots/,
# tests/ and build/ and to the program as ./powsim, so outputs land in the
# scratch out/ and a command may read what an earlier one wrote.
# Env: POWSIM (the binary), BUILD (its build directory). Run from the
# repository root.
. tests/lib.sh
BUILD=${BUILD:-build}
DOCS=${DOCS:-README.md scenarios/README.md}
root=$(pwd)
abs() { case "$1" in /*) echo "$1" ;; *) echo "$root/$1" ;; esac; }

work="$tmp/work"
mkdir -p "$work"
for d in scenarios plots tests; do ln -s "$root/$d" "$work/$d"; done
ln -s "$(abs "$BUILD")" "$work/build"
ln -s "$(abs "$POWSIM")" "$work/powsim"

# Split each doc's console blocks into cases: $tmp/case/N.cmd (the
# command), N.exp (the expected lines) and N.where ("FILE:LINE").
mkdir "$tmp/case"
awk -v dir="$tmp/case" -v slow="${DOCS_SLOW:-}" '
	function flush() { if (n) { close(cmdf); close(expf) } }
	FNR == 1 { inblock = 0; skip = 0 }
	!inblock && /^[ \t]*```console( slow)?[ \t]*$/ {
		if ($0 ~ /slow/ && !slow) { skip = 1; next }
		inblock = 1; indent = $0; sub(/```.*/, "", indent); next
	}
	skip { if ($0 ~ /^[ \t]*```[ \t]*$/) skip = 0; next }
	inblock && /^[ \t]*```[ \t]*$/ { inblock = 0; cont = 0; next }
	!inblock { next }
	{
		line = $0
		if (substr(line, 1, length(indent)) == indent)
			line = substr(line, length(indent) + 1)
		if (line ~ /^\$ /) {
			flush(); n++
			cmdf = dir "/" n ".cmd"; expf = dir "/" n ".exp"
			print substr(line, 3) > cmdf
			printf "" > expf
			print FILENAME ":" FNR > (dir "/" n ".where"); close(dir "/" n ".where")
			cont = 1
		} else if (cont && line ~ /^> /) {
			print substr(line, 3) > cmdf
		} else if (n) {
			cont = 0
			print line > expf
		} else {
			printf "%s:%d: output before any command in a console block\n", FILENAME, FNR
			bad = 1
		}
	}
	END { flush(); print n + 0 > (dir "/count"); exit bad }
' $DOCS || exit 1

# Whether actual output $1 matches expected lines $2 (see above).
matches() {
	awk '
	function glob(pat, s,    k, parts, i, pos, p, last) {
		if (index(pat, "...") == 0)
			return pat == s
		k = split(pat, parts, /\.\.\./)
		if (substr(s, 1, length(parts[1])) != parts[1])
			return 0
		pos = length(parts[1]) + 1
		for (i = 2; i < k; i++) {
			p = index(substr(s, pos), parts[i])
			if (!p)
				return 0
			pos += p - 1 + length(parts[i])
		}
		last = parts[k]
		return length(s) - pos + 1 >= length(last) && \
			substr(s, length(s) - length(last) + 1) == last
	}
	{ sub(/[ \t]+$/, "") }
	FILENAME == ARGV[1] { a[++na] = $0; next }
	{ e[++ne] = $0 }
	END {
		na += 0; ne += 0
		# m[i, j]: the first i expected lines match the first j actual ones.
		m[0, 0] = 1
		for (j = 1; j <= na; j++) m[0, j] = 0
		for (i = 1; i <= ne; i++) {
			any = e[i] == "..."
			m[i, 0] = any && m[i - 1, 0]
			for (j = 1; j <= na; j++) {
				if (any)
					m[i, j] = m[i - 1, j] || m[i, j - 1]
				else
					m[i, j] = m[i - 1, j - 1] && glob(e[i], a[j])
			}
		}
		exit !m[ne, na]
	}' "$1" "$2"
}

fails=0
count=$(cat "$tmp/case/count")
[ "$count" -ge 10 ] || { echo "FAIL: only $count console commands found in $DOCS"; exit 1; }
i=1
while [ "$i" -le "$count" ]; do
	c="$tmp/case/$i"
	want=0
	if tail -n 1 "$c.exp" | grep -q '^\[exit [0-9]*\][ \t]*$'; then
		want=$(tail -n 1 "$c.exp" | sed 's/^\[exit \([0-9]*\)\].*/\1/')
		sed '$d' "$c.exp" >"$c.body"
	else
		cp "$c.exp" "$c.body"
	fi
	(cd "$work" && sh "$c.cmd") >"$c.out" 2>&1
	rc=$?
	where=$(cat "$c.where")
	if [ "$rc" -ne "$want" ] || ! matches "$c.out" "$c.body"; then
		fails=$((fails + 1))
		printf 'FAIL %s: $ %s\n' "$where" "$(head -n 1 "$c.cmd")"
		[ "$rc" -ne "$want" ] && echo "  exit $rc, the docs say $want"
		echo "  the docs print:"; sed 's/^/    /' "$c.body"
		echo "  the program prints:"; head -n 60 "$c.out" | sed 's/^/    /'
	else
		printf 'ok   %s: $ %s\n' "$where" "$(head -n 1 "$c.cmd")"
	fi
	i=$((i + 1))
done
echo "$count documented commands run, $fails differ from the docs"
[ "$fails" -eq 0 ]
