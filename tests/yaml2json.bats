#!/usr/bin/env bats
# yaml2json: every resolution rule in tables checked against PyYAML, golden
# files, the differential runs over the corpora, bad input and the limits.

load helper
bats_require_minimum_version 1.5.0

ORACLE="$BATS_TEST_DIRNAME/fixtures/yaml2json/oracle.py"

setup_file() {
	local c=${CORPUS:-$BATS_TEST_DIRNAME/../../shared/corpus}
	if [ -e "$c/spec-kitty-2x-3bbf9f0.tar.gz" ]; then
		mkdir -p "$BATS_FILE_TMPDIR/sk"
		tar -xzf "$c/spec-kitty-2x-3bbf9f0.tar.gz" -C "$BATS_FILE_TMPDIR/sk"
	fi
	if [ -e "$c/yaml-test-suite.tar.gz" ]; then
		tar -xzf "$c/yaml-test-suite.tar.gz" -C "$BATS_FILE_TMPDIR"
	fi
}

have_pyyaml() {
	"$PYTHON" -c 'import yaml' 2>/dev/null
}

# check_table: rows "kind|yaml|expected" on stdin, the yaml with printf %b
# escapes (\n, \t, \\, \xHH; \x7c for "|"), expected verbatim.  ok: yaml2json -c prints expected, and so does PyYAML;
# ext: yaml2json -c prints expected where PyYAML's json.dumps fails (the
# documented isoformat, base64 and set outputs); err: yaml2json exits 1
# with nothing on stdout and "yaml2json: <stdin>:LINE:COL: " followed by
# expected on stderr, and PyYAML fails too.  All rows run; every failure
# is reported.
check_table() {
	local d="$BATS_TEST_TMPDIR/t" i=0 kind in want got err py status
	local fails=0
	local -a kinds wants files
	mkdir -p "$d/py"
	while IFS='|' read -r kind in want; do
		case $kind in ''|'#'*) continue ;; esac
		printf '%b' "$in" >"$d/$i.yaml"
		kinds[i]=$kind
		wants[i]=$want
		files[i]="$d/$i.yaml"
		i=$((i + 1))
	done
	if have_pyyaml; then
		"$PYTHON" "$ORACLE" -c "$d/py" "${files[@]}"
	fi
	for ((i = 0; i < ${#files[@]}; i++)); do
		status=0
		got=$(yaml2json -c <"${files[i]}" 2>"$d/err") || status=$?
		err=$(<"$d/err")
		case ${kinds[i]} in
		ok|ext)
			if [ "$status" != 0 ] || [ "$got" != "${wants[i]}" ]; then
				echo "row $i: status $status, got '$got' $err," \
				    "want '${wants[i]}'"
				fails=$((fails + 1))
			fi
			;;
		err)
			if [ "$status" != 1 ] || [ -n "$got" ] || ! [[ $err =~ \
			    ^yaml2json:\ \<stdin\>:[0-9]+:[0-9]+:\ (.*)$ ]] ||
			    [[ ${BASH_REMATCH[1]} != *"${wants[i]}"* ]]; then
				echo "row $i: status $status, stdout '$got'," \
				    "stderr '$err', want error '${wants[i]}'"
				fails=$((fails + 1))
			fi
			;;
		esac
		have_pyyaml || continue
		py=
		[ -e "$d/py/$i.json" ] && py=$(<"$d/py/$i.json")
		case ${kinds[i]} in
		ok)
			if [ "$py" != "${wants[i]}" ]; then
				echo "row $i: PyYAML disagrees: $py" \
				    "$(cat "$d/py/$i.err" 2>/dev/null)"
				fails=$((fails + 1))
			fi
			;;
		ext|err)
			if [ -n "$py" ]; then
				echo "row $i: PyYAML accepts it: $py"
				fails=$((fails + 1))
			fi
			;;
		esac
	done
	[ "$fails" = 0 ]
}

@test "null and bool: PyYAML's YAML 1.1 forms" {
	check_table <<'ROWS'
ok|a:|{"a":null}
ok|a: ~|{"a":null}
ok|[null, Null, NULL, nULL, ~, '~', '']|[null,null,null,"nULL",null,"~",""]
ok|[yes, Yes, YES, yEs, no, No, NO]|[true,true,true,"yEs",false,false,false]
ok|[true, True, TRUE, false, False, FALSE, tRue]|[true,true,true,false,false,false,"tRue"]
ok|[on, On, ON, off, Off, OFF, y, n, Y, N]|[true,true,true,false,false,false,"y","n","Y","N"]
ok|["yes", 'no', !!str on]|["yes","no","on"]
ok|on: push|{"true":"push"}
ok|{yes: 1, no: 2, ~: 3}|{"true":1,"false":2,"null":3}
ok|!!bool yEs|true
ok|!!bool OFF|false
ok|!!null anything|null
ok|! yes|true
ok|! 'yes'|true
ok|!|null
ROWS
}

@test "int: decimal, binary, hex, octal, base 60, underscores, any size" {
	check_table <<'ROWS'
ok|[0, -0, +0, 12, -12, +12]|[0,0,0,12,-12,12]
ok|[1_000, 1__0, 1_, -1_000]|[1000,10,1,-1000]
ok|[0b1_0, -0b11, +0b1, 0b_1]|[2,-3,1,1]
ok|[0x1F, 0x_1F, -0x_1f, 0xdeadBEEF]|[31,31,-31,3735928559]
ok|[017, -017, 0_17, 00, 0_, -0_]|[15,-15,15,0,0,0]
ok|[08, 0o17, +0o17, 0B1, 0X1F, _1, 1_x]|["08","0o17","+0o17","0B1","0X1F","_1","1_x"]
ok|[190:20:30, -1:30, +1:0, 1_0:30, 1:7:5]|[685230,-90,60,630,4025]
ok|[1:60, 0:30, 1:123, "1:"]|["1:60","0:30","1:123","1:"]
ok|123456789012345678901234567890123|123456789012345678901234567890123
ok|-0x123456789abcdef0123456789abcdef|-1512366075204170929049582354406559215
ok|0b11111111111111111111111111111111111111111111111111111111111111111|36893488147419103231
ok|!!int 0o17|15
ok|!!int " 12 "|12
ok|!!int '1:30'|90
ok|!!int "-0x1F"|-31
ok|! 12|12
ok|! '12'|12
ok|"12"|"12"
err|0b_|invalid integer
err|0x_|invalid integer
err|!!int|invalid integer
err|!!int 12a|invalid integer
err|!!int 0X1F|invalid integer
ROWS
}

@test "float: only with a dot, inf and nan, Python's repr" {
	check_table <<'ROWS'
ok|[1.5, -1.5, +1.5, 1., .5, 1._, 1_0.5_0]|[1.5,-1.5,1.5,1.0,0.5,1.0,10.5]
ok|[-.5, +.5, ._, ., 1.5e3, 1e5, 1.0e3]|["-.5","+.5","._",".","1.5e3","1e5","1.0e3"]
ok|[1.0e+3, 1.0E-3, .5e+1, 1.e+2, 1.0e+400, 1.0e-400]|[1000.0,0.001,5.0,100.0,Infinity,0.0]
ok|[.inf, .Inf, .INF, -.inf, +.inf, .iNf]|[Infinity,Infinity,Infinity,-Infinity,Infinity,".iNf"]
ok|[.nan, .NaN, .NAN, -.nan, .nAn]|[NaN,NaN,NaN,"-.nan",".nAn"]
ok|[1:30.5, 190:20:30.15, -1:0.5, 0:30.0, 1:60.0]|[90.5,685230.15,-60.5,30.0,"1:60.0"]
ok|[0.1, 0.30000000000000004, 1e+16, 123456789.0, 1.0e+16, 1.0e+15]|[0.1,0.30000000000000004,"1e+16",123456789.0,1e+16,1000000000000000.0]
ok|[0.0001, 0.00001, -0.0, 5.0e-324, 1.7976931348623157e+308]|[0.0001,1e-05,-0.0,5e-324,1.7976931348623157e+308]
ok|!!float 1|1.0
ok|!!float 1e5|100000.0
ok|!!float inf|Infinity
ok|!!float -nan|NaN
ok|!!float '1:30'|90.0
ok|! 1.5|1.5
err|!!float|invalid float
err|!!float abc|invalid float
ROWS
}

@test "timestamp: dates and times as isoformat()" {
	check_table <<'ROWS'
ok|"2001-12-14"|"2001-12-14"
ok|[2001-1-1, 2001-12-14x, 01-12-14]|["2001-1-1","2001-12-14x","01-12-14"]
ext|2001-12-14|"2001-12-14"
ext|2001-12-14t21:59:43.10-05:00|"2001-12-14T21:59:43.100000-05:00"
ext|2001-12-14 21:59:43.10 -5|"2001-12-14T21:59:43.100000-05:00"
ext|2001-12-15T02:59:43.1Z|"2001-12-15T02:59:43.100000+00:00"
ext|2001-12-15 2:59:43|"2001-12-15T02:59:43"
ext|2001-12-15T02:59:43.1234567|"2001-12-15T02:59:43.123456"
ext|2001-12-15T02:59:43.000|"2001-12-15T02:59:43"
ext|2001-12-15T02:59:43.|"2001-12-15T02:59:43"
ext|2001-12-15T02:59:43+05:30|"2001-12-15T02:59:43+05:30"
ext|2001-12-15T02:59:43-00:00|"2001-12-15T02:59:43+00:00"
ext|2001-12-15T02:59:43+01:60|"2001-12-15T02:59:43+02:00"
ext|2026-02-23T19:45:18Z|"2026-02-23T19:45:18+00:00"
ext|2000-02-29|"2000-02-29"
ext|!!timestamp 2001-1-1|"2001-01-01"
ext|{2001-12-14: a, 2001-12-14 00:00:00: b}|{"2001-12-14":"a","2001-12-14T00:00:00":"b"}
ext|{2001-12-14T21:59:43-05:00: a, 2001-12-15T02:59:43Z: b}|{"2001-12-14T21:59:43-05:00":"b"}
err|2001-13-01|month must be in 1..12
err|2001-02-29|day is out of range for month
err|0000-01-01|year 0 is out of range
err|2001-12-14 24:00:00|hour must be in 0..23
err|2001-12-14 23:60:00|minute must be in 0..59
err|2001-12-14 23:00:60|second must be in 0..59
err|2001-12-14 23:00:00 +24|offset must be strictly between
err|!!timestamp yesterday|invalid timestamp
ROWS
}

@test "binary, set, omap, pairs and the other tags" {
	check_table <<'ROWS'
ext|!!binary aGVsbG8=|"aGVsbG8="
ext|!!binary "aGVs\\nbG8="|"aGVsbG8="
ext|!!binary "aGVsbG8=extra"|"aGVsbG8="
ext|!!binary "aGV sbG8h"|"aGVsbG8h"
ext|!!binary ""|""
ext|!!set {b, a, b}|["b","a"]
ext|!!set {1, 1.0, true, x}|[1,"x"]
ok|!!omap [a: 1, b: 2]|[["a",1],["b",2]]
ok|!!pairs [a: 1, a: 2]|[["a",1],["a",2]]
ok|!!omap [[a]: 1]|[[["a"],1]]
ok|!!omap []|[]
ok|!!seq [a]|["a"]
ok|!!map {a: 1}|{"a":1}
ok|!!str 12|"12"
ok|!<tag:yaml.org,2002:int> "7"|7
ok|%TAG !e! tag:yaml.org,2002:\n--- !e!int "7"|7
ok|{=: 1}|{"=":1}
err|!!binary aGVsbG8|incorrect padding
err|!!binary aGVsb|cannot be 1 more than a multiple of 4
err|!!binary "\\u00e9"|failed to convert base64 data into ascii
err|!!omap {a: 1}|expected a sequence for an ordered map
err|!!pairs [a]|expected a mapping of length 1
err|!!omap [{a: 1, b: 2}]|expected a single mapping item
err|!!str {}|expected a scalar node, but found mapping
err|!!seq {}|expected a sequence node, but found mapping
err|!!map []|expected a mapping node, but found sequence
err|!!set [a]|expected a mapping node, but found sequence
err|!!bool maybe|invalid boolean
err|!foo bar|could not determine a constructor for the tag '!foo'
err|!!yaml x|could not determine a constructor for the tag 'tag:yaml.org,2002:yaml'
err|=|could not determine a constructor for the tag 'tag:yaml.org,2002:value'
err|a: <<|could not determine a constructor for the tag 'tag:yaml.org,2002:merge'
err|!!omap [<<: {a: 1}]|could not determine a constructor for the tag 'tag:yaml.org,2002:merge'
ROWS
}

@test "anchors, aliases and merge keys in PyYAML's order" {
	check_table <<'ROWS'
ok|{a: &x [1, 2], b: *x}|{"a":[1,2],"b":[1,2]}
ok|[&s str, *s, &n 1, *n]|["str","str",1,1]
ok|{a: 1, <<: {b: 2, a: 3}}|{"b":2,"a":1}
ok|{<<: [{p: 1}, {p: 2, q: 3}], r: 4}|{"p":1,"q":3,"r":4}
ok|{<<: {a: 1}, <<: {a: 2}}|{"a":2}
ok|[&A {a: 1, b: 2}, {<<: *A, b: 3}]|[{"a":1,"b":2},{"a":1,"b":3}]
ok|[&A {<<: {z: 0}, a: 1}, {<<: *A}, *A]|[{"z":0,"a":1},{"z":0,"a":1},{"z":0,"a":1}]
ok|{<<: []}|{}
ok|&a {<<: *a}|{}
ok|&a {x: 1, <<: *a}|{"x":1}
ok|{"<<": 1}|{"<<":1}
ok|{!!merge x: {a: 1}}|{"a":1}
ok|{&k =: 1, x: *k}|{"=":1,"x":"="}
err|{<<: 1}|expected a mapping or list of mappings for merging
err|{<<: [1]}|expected a mapping for merging
err|&a [*a]|found a recursive structure
err|&a {k: *a}|found a recursive structure
err|&a {<<: {k: *a}}|found a recursive structure
err|[&a x, &a y]|found duplicate anchor 'a'
err|[*nope]|found undefined alias 'nope'
ROWS
}

@test "keys: Python equality, last value in the first place, json.dumps names" {
	check_table <<'ROWS'
ok|{a: 1, b: 2, a: 3}|{"a":3,"b":2}
ok|{1: a, true: b, 1.0: c}|{"1":"c"}
ok|{1.0: a, 1: b}|{"1.0":"b"}
ok|{0: a, false: b, -0.0: c, 0x0: d}|{"0":"d"}
ok|{1: a, "1": b}|{"1":"a","1":"b"}
ok|{~: a, null: b, "null": c}|{"null":"b","null":"c"}
ok|{.nan: 1, .NaN: 2}|{"NaN":2}
ok|{!!float nan: 1, !!float nan: 2}|{"NaN":1,"NaN":2}
ok|{.inf: 1, -.inf: 2, 1.5: 3, 1e5: 4}|{"Infinity":1,"-Infinity":2,"1.5":3,"1e5":4}
ok|{9007199254740993: a, 9007199254740992.0: b, 9007199254740992: c}|{"9007199254740993":"a","9007199254740992.0":"c"}
ok|{? a}|{"a":null}
ok|{"a\\0b": 1, "a": 2}|{"a\u0000b":1,"a":2}
err|{[a]: 1}|found unhashable key
err|{{a: 1}: 1}|found unhashable key
err|{!!set {a}: 1}|found unhashable key
ROWS
}

# Rows of YAML (printf %b escapes), each printed the same, indented and
# compact, with and without an anchor on its root.
@test "a document prints the same with an anchor on its root" {
	local d=$BATS_TEST_TMPDIR in opt n=0 fails=0
	while IFS= read -r in; do
		printf '%b' "$in" >"$d/direct.yaml"
		printf -- '--- &root\n%b' "$in" >"$d/graph.yaml"
		for opt in "" -c; do
			yaml2json ${opt:+"$opt"} "$d/direct.yaml" >"$d/direct.json" &&
			    yaml2json ${opt:+"$opt"} "$d/graph.yaml" >"$d/graph.json" &&
			    diff -u "$d/graph.json" "$d/direct.json" || {
				echo "row $n ${opt:-indented}: $in"
				fails=$((fails + 1))
			}
		done
		n=$((n + 1))
	done <<'ROWS'
a: 1
{a: 1, b: [1, 2.5, -3, 0x1f, 0o17, 017, 0b101, 1_000, 190:20:30, 1e5, 6.8523015e+5]}
[.inf, -.Inf, .NAN, +.5, -0.0, 123456789012345678901234567890]
- ~\n- null\n- true\n- False\n- yes\n- off\n- ''\n- ""\n-\n
{2001-12-14: a, 2001-12-14t21:59:43.10-05:00: b, 2001-12-14 21:59:43.10: c}
when: [2002-12-14, 2001-12-14t21:59:43.10-05:00, 2001-12-14 21:59:43.10 +5]
{1: a, 1.5: b, off: c, ~: d, "q": e, 'r': f, -2.5: g, .inf: h, 2020-01-01: i}
outer:\n  inner:\n    deep: [x, {y: z}, []]\n    empty: {}\n  list:\n  - - 1\n    - 2\n  - {}\n  - []\n
plain: text, with commas\nsingle: 'it''s'\ndouble: "tab\\there \\u00e9 \\U0001F600"\n
literal: |\n  line 1\n    line 2\nfolded: >-\n  a\n  b\n\n  c\nkeep: |+\n  x\n\n
root scalar
"quoted root"
[]
{}

# only a comment\n
key: value\n...\n
{a: {a: {a: {a: 1}}}, b: {a: 2}, c: [{a: 3}, {a: 4}]}
- [a, [b, [c, [d, []]]]]
? complex key\n: value\n? other\n
"\\x00 \\x1f \\u2028 \\\\ \\"": control characters
unicode: "é ü 中文 😀"\n中文: key\n
{"a": 1, "b": 2, "c": 3, "d": 4, "e": 5, "f": 6, "g": 7, "h": 8, "i": 9, "j": 10, "k": 11, "l": 12, "m": 13, "n": 14, "o": 15, "p": 16, "q": 17, "r": 18, "s": 19}
ROWS
	[ "$fails" = 0 ] && [ "$n" -ge 20 ]
}

@test "duplicate keys, tags, aliases and errors after many plain members" {
	check_table <<'ROWS'
ok|{a: {b: [1, 2]}, c: 3, a: 4}|{"a":4,"c":3}
ok|[{a: 1}, {a: 2}, {b: {a: 1, a: 2}}]|[{"a":1},{"a":2},{"b":{"a":2}}]
ok|{a: {a: 1, b: 2}, b: {a: 3}, c: [{a: 4}]}|{"a":{"a":1,"b":2},"b":{"a":3},"c":[{"a":4}]}
ok|{x: [1, {y: 2}], z: &a 3, w: *a}|{"x":[1,{"y":2}],"z":3,"w":3}
ok|{x: {y: 1}, <<: {q: 2}}|{"q":2,"x":{"y":1}}
ok|[1, [2, {a: b}], !!str 3]|[1,[2,{"a":"b"}],"3"]
ok|{a: 1, =: 2}|{"a":1,"=":2}
ok|{b: true, 1: x, 1.0: y}|{"b":true,"1":"y"}
ok|- a\n- b: &x\n    c: d\n- *x\n|["a",{"b":{"c":"d"}},{"c":"d"}]
err|{a: 1, b: [1, 2], [c]: 3}|found unhashable key
err|[[1], {a: 2}, {? {b}: 3}]|found unhashable key
err|{a: 2020-02-30}|day is out of range for month
err|{a: 2020-02-30, b: [}|did not find expected node content
err|a: 2020-02-30\nb: [\n|did not find expected node content
err|{a: 2020-02-30, a: 1}|day is out of range for month
err|[1, 2, =]|could not determine a constructor for the tag
ROWS
}

# A mapping of 40 keys, the same names again in a mapping inside it,
# which is no duplicate, then one key met again, as a string and as an
# equal number.
@test "a large mapping: a duplicate key among many is found" {
	local d=$BATS_TEST_TMPDIR last
	for last in '' 'k7: last' '7.0: last'; do
		awk -v last="$last" 'BEGIN {
			for (i = 0; i < 40; i++) printf "%s: %d\n", last ~ /^k/ ? "k" i : i, i
			printf "inner: {"
			for (i = 0; i < 40; i++) printf "%s%s: x", i ? ", " : "", last ~ /^k/ ? "k" i : i
			print "}"
			if (last != "") print last
		}' >"$d/in.yaml"
		awk -v last="$last" 'BEGIN {
			k = last ~ /^k/ ? "k" : ""
			printf "{"
			for (i = 0; i < 40; i++)
				printf "\"%s%d\":%s,", k, i, last != "" && i == 7 ? "\"last\"" : i
			printf "\"inner\":{"
			for (i = 0; i < 40; i++) printf "%s\"%s%d\":\"x\"", i ? "," : "", k, i
			print "}}"
		}' >"$d/want.json"
		yaml2json -c "$d/in.yaml" | diff -u "$d/want.json" -
		if have_pyyaml; then
			"$PYTHON" -c 'import sys, json, yaml
print(json.dumps(yaml.safe_load(sys.stdin), separators=(",", ":")))' \
			    <"$d/in.yaml" | diff -u "$d/want.json" -
		fi
	done
}

@test "strings: quoting, escapes, block scalars, Unicode" {
	check_table <<'ROWS'
ok|"a\\0b\\x41\\u00e9\\U0001F600\\/"|"a\u0000bA\u00e9\ud83d\ude00/"
ok|a: 😀 é ÿ|{"a":"\ud83d\ude00 \u00e9 \u00ff"}
ok|'it''s'|"it's"
ok|a: "multi\n  line"|{"a":"multi line"}
ok|a: \x7c\n  lit\n   more\n\n|{"a":"lit\n more\n"}
ok|a: >\n  fold\n  text\n\n  para\n|{"a":"fold text\npara\n"}
ok|a: \x7c+\n  keep\n\n|{"a":"keep\n\n"}
ok|a: \x7c-\n  strip\n|{"a":"strip"}
ok|a: \x7c2\n   x\n|{"a":" x\n"}
ok|key: value # comment|{"key":"value"}
ok|a: "tab\\there"|{"a":"tab\there"}
ok|a: "tab\there"|{"a":"tab\there"}
ok|a: \x7c\n  x\n  \ty|{"a":"x\n\ty"}
ok|a: b # c\td|{"a":"b"}
ok|a: \x7c\n \tx\n \ty\nb: 1|{"a":"\tx\n\ty\n","b":1}
ok|- \x7c2\n  \tx|["\tx"]
ok|[{a:,}, [b:], {c:}, [d:[1]]]|[{"a":null},[{"b":null}],{"c":null},[{"d":[1]}]]
ok|[http://x.com, {a: http://x.com}]|["http://x.com",{"a":"http://x.com"}]
ok|a: b\r\nc: d\r\n|{"a":"b","c":"d"}
ok|a: b\rc: d|{"a":"b","c":"d"}
ok|\xef\xbb\xbfa: 1|{"a":1}
ok|%FOO bar\n--- x|"x"
ok|%YAML 1.3\n--- x|"x"
ok|a: !!str\n|{"a":""}
err|a: b\t|found character '\t' that cannot start any token
err|a:\tb|found character '\t' that cannot start any token
err|- [\n\tfoo]|found character '\t' that cannot start any token
err|a: \x7c#c\n  x|expected chomping or indentation indicators
err|%FOO bar\nx|expected '<document start>' after a directive
err|%YAML 2.0\n--- x|found incompatible YAML document
ok|%YAML 1.1 #c\n--- x|"x"
ok|%YAML  1.1  \n--- x|"x"
ok|%TAG !e! tag:x,2000: #c\n--- x|"x"
ok|%FOO 1.1#\n--- x|"x"
err|%YAML 1.1#...\n---\n|expected a digit or ' ', but found '#'
err|%YAML 1.1\t#c\n--- x|expected a digit or ' ', but found '\t'
err|%YAML\t1.1\n--- x|expected alphabetic or numeric character, but found '\t'
err|%YAML 1.1 \n--- a\n...\n%YAML 1.2#\n--- b|expected a digit or ' ', but found '#'
err|%TAG !e! tag:x,2000:#c\n--- x|did not find expected whitespace or line break
err|%TAG ! tag:x,2000:\t\n--- x|expected ' ', but found '\t'
ok|- a?b\n- a?: b?|["a?b",{"a?":"b?"}]
ok|["a?b", 'c?', ? k, {? a: b}]|["a?b","c?",{"k":null},{"a":"b"}]
ok|[a # ?\n]|["a"]
err|[a?string]|expected ',' or ']', but got '?'
err|[another ? string]|expected ',' or ']', but got '?'
err|{key: value?}|expected ',' or '}', but got '?'
err|{key?: value}|expected ',' or '}', but got '?'
err|a: [x\n  ?y]|expected ',' or ']', but got '?'
err|[!!str a?, &x b?]|expected ',' or ']', but got '?'
ok|[!!str a, !!str &a x, *a, !!str\n  , !!seq [b]]|["a","x","x","",["b"]]
ok|{"a": !!str , &a, b}|{"a":"","null":null,"b":null}
ok|[!<tag:yaml.org,2002:str> a]|["a"]
err|{\n  foo : !!str,\n  !!str : bar,\n}|found ',' right after a tag
err|[!!str, a]|found ',' right after a tag
err|[!, a]|found ',' right after a tag
err|[!<tag:yaml.org,2002:str>, a]|found ',' right after a tag
err|{a: [!!str], b}|did not find expected whitespace or line break
err|a: \xff|invalid leading UTF-8 octet
err|a: \xed\xa0\x80|invalid Unicode character
err|a: b\x01|control characters are not allowed
err|\xff\xfea\x00:\x00 \x001\x00|invalid leading UTF-8 octet
err|a: [1, 2|did not find expected ',' or ']'
err|a: 1\nb|could not find expected ':'
err|a: 1\n---\nb: 2|expected a single document in the stream
ROWS
}

# Inputs where libyaml and PyYAML's scanner part ways: yaml2json reads
# what PyYAML reads and refuses what it refuses, at PyYAML's place.
@test "scanner: surrogate escapes, byte order marks, directives, comments after indicators" {
	check_table <<'ROWS'
ok|"\\ud83d\\ude00"|"\ud83d\ude00"
ok|["\\ud83d\\ude00x\\udbff\\udfff", "\\U0001F600"]|["\ud83d\ude00x\udbff\udfff","\ud83d\ude00"]
ok|a: "\\ud83d\\ude00"\nb: [1, 2]\n|{"a":"\ud83d\ude00","b":[1,2]}
ok|\xef\xbb\xbf%FOO bar\n--- a\n|"a"
ok|\xef\xbb\xbf{a:,}\n|{"a":null}
ok|\xef\xbb\xbf%YAML 1.2\n--- a\n|"a"
ok|[#\tx\n foo]\n|["foo"]
ok|{#\tx\n foo: 1}\n|{"foo":1}
ok|[a,#\tx\n foo]\n|["a","foo"]
ok|[a]#\tx\n|["a"]
ok|a: 'x'#\tc\n|{"a":"x"}
ok|a: &x # c\n  \x7c\n  t\n|{"a":"t\n"}
err|a: &x >#c\n|expected chomping or indentation indicators, but found '#'
err|%FOO\tbar\n--- x\n|expected alphabetic or numeric character, but found '\t'
err|%YAML 1.11#c\n--- x\n|expected a digit or ' ', but found '#'
err|a: b,#\tc\n|found character '\t' that cannot start any token
ROWS
	local in want
	while IFS='|' read -r in want; do
		run --separate-stderr yaml2json < <(printf '%b' "$in")
		fails_with 1 "yaml2json: <stdin>:$want"
	done <<'ROWS'
a: &x >#c\n|1:8: expected chomping or indentation indicators, but found '#'
%FOO\tbar\n--- x\n|1:5: expected alphabetic or numeric character, but found '\t'
%YAML 1.11#c\n--- x\n|1:11: expected a digit or ' ', but found '#'
ROWS
}

@test "strings: tab-led lines of folded block scalars fold as PyYAML folds them" {
	check_table <<'ROWS'
ok|- >\n \t\n detected\n|["\t\ndetected\n"]
ok|a: >\n  \tb\n  c\n|{"a":"\tb\nc\n"}
ok|a: >\n  x\n  \tb\n  c\n|{"a":"x\n\tb\nc\n"}
ok|a: >-\n \n  \tb\n  c\n\n|{"a":"\n\tb\nc"}
ok|a: >+\n \n  \tb\n\n  c\n\n\n|{"a":"\n\tb\n\nc\n\n\n"}
ok|a: >\n \n\n  \t b\n  c d\n\n  e\n|{"a":"\n\n\t b\nc d\ne\n"}
ok|--- >\n \tx\n y\n|"\tx\ny\n"
ok|- - >\n   \tx\n   y\n|[["\tx\ny\n"]]
ok|a:\n  b: >\n    \tx\n\n    y\n|{"a":{"b":"\tx\n\ny\n"}}
ok|a: > # c\n  \tb\n  c\n|{"a":"\tb\nc\n"}
ok|a: >2\n  \tb\n|{"a":"\tb\n"}
ok|a: >\n  \t\n  \t\n  x\n|{"a":"\t\n\t\nx\n"}
ok|a: >\n\n  \tx\n  y\n  \tz\n  w\n|{"a":"\n\tx\ny\n\tz\nw\n"}
ok|a: >\n  \tx\r\n  y\r\n|{"a":"\tx\ny\n"}
ok|- >-\n \tx\n- >+\n \ty\n|["\tx","\ty\n"]
err|- >\n\ta\n|could not find expected ':'
err|a: >\n   \n  \tb\n|did not find expected key
err|--- >\n\tx\n|did not find expected <document start>
err|a: >\n  \tb\n \tc\n|did not find expected key
ROWS
}

@test "golden files" {
	local f
	for f in "$FIXTURES"/yaml2json/*.yaml; do
		run yaml2json "$f"
		assert_success
		diff -u "${f%.yaml}.json" - <<<"$output"
	done
	yaml2json -m "$FIXTURES/yaml2json/stream.yml" |
	    diff -u "$FIXTURES/yaml2json/stream.jsonl" -
}

@test "golden files agree with PyYAML where json.dumps can print them" {
	have_pyyaml || skip "python3-yaml not present"
	local f
	for f in "$FIXTURES"/yaml2json/*.yaml; do
		case $f in *extensions.yaml) continue ;; esac
		"$PYTHON" -c 'import sys,json,yaml; print(json.dumps(yaml.safe_load(sys.stdin), indent=2))' \
		    <"$f" | diff -u "${f%.yaml}.json" -
	done
	"$PYTHON" -c 'import sys,json,yaml
for d in yaml.safe_load_all(sys.stdin): print(json.dumps(d, separators=(",", ":")))' \
	    <"$FIXTURES/yaml2json/stream.yml" |
	    diff -u "$FIXTURES/yaml2json/stream.jsonl" -
}

@test "options: -c, -m, -a, -h, operands" {
	run yaml2json -c <<<'{a: [1, {b: null}], c: {}}'
	assert_success
	assert_output '{"a":[1,{"b":null}],"c":{}}'
	run yaml2json <<<'{a: [], b: {}}'
	assert_output "$(printf '{\n  "a": [],\n  "b": {}\n}')"
	run yaml2json -m <<<$'a: 1\n---\n- x\n--- ~\n...\n'
	assert_success
	assert_output "$(printf '{"a":1}\n["x"]\nnull')"
	run yaml2json -m </dev/null
	assert_success
	assert_output ''
	run yaml2json </dev/null
	assert_success
	assert_output 'null'
	run yaml2json -c -a x=1 -a y=a=b -a z= <<<'{a: 1}'
	assert_output '{"a":1,"x":"1","y":"a=b","z":""}'
	run yaml2json -c -a a=new -a x=1 -a x=2 <<<'{a: 1, b: 2, 1: 3}'
	assert_output '{"a":"new","b":2,"1":3,"x":"2"}'
	run yaml2json -c -a 1=s <<<'{1: 3}'
	assert_output '{"1":3,"1":"s"}'
	run yaml2json -c -a a=é <<<'{}'
	assert_output '{"a":"\u00e9"}'
	run yaml2json -c -a a=new <<<'{a: &x [1], b: *x}'
	assert_output '{"a":"new","b":[1]}'
	run yaml2json -m -a k=v <<<$'a: 1\n---\nb: 2'
	assert_output "$(printf '{"a":1,"k":"v"}\n{"b":2,"k":"v"}')"
	printf 'a: 1\n' >"$BATS_TEST_TMPDIR/f.yaml"
	run yaml2json -c "$BATS_TEST_TMPDIR/f.yaml"
	assert_output '{"a":1}'
	run yaml2json -c - <"$BATS_TEST_TMPDIR/f.yaml"
	assert_output '{"a":1}'
	run yaml2json -h
	assert_success
	assert_output 'usage: yaml2json [-cm] [-a key=value] [-o file] [file ...]'
}

# Several operands: each converted as if alone, one JSON text after
# another; a file that fails is named, prints nothing, and the others
# still convert; the status is the worst.
@test "several files: each as if alone, errors named, the rest converted" {
	local d=$BATS_TEST_TMPDIR
	printf 'a: 1\n' >"$d/one.yaml"
	printf -- '- x\n- &y {b: 2}\n- *y\n' >"$d/two.yaml"
	printf 'c: [1,\n' >"$d/bad.yaml"
	printf 'a: 1\n--- b\n' >"$d/two docs.yaml"
	run --separate-stderr yaml2json -c "$d/one.yaml" "$d/two.yaml"
	assert_success
	assert_output "$(printf '{"a":1}\n["x",{"b":2},{"b":2}]')"
	run --separate-stderr yaml2json "$d/one.yaml" - "$d/two.yaml" <<<'[z]'
	assert_success
	assert_output "$(yaml2json "$d/one.yaml"; yaml2json <<<'[z]'; yaml2json "$d/two.yaml")"
	run --separate-stderr yaml2json -c "$d/one.yaml" "$d/bad.yaml" "$d/two.yaml"
	assert_failure 1
	assert_output "$(printf '{"a":1}\n["x",{"b":2},{"b":2}]')"
	[ "$stderr" = "yaml2json: $d/bad.yaml:2:1: did not find expected node content (while parsing a flow node at line 2, column 1)" ] ||
	    [[ $stderr == "yaml2json: $d/bad.yaml:"[0-9]*:[0-9]*": "* && $stderr != *$'\n'* ]]
	run --separate-stderr yaml2json -c "$d/two docs.yaml" "$d/one.yaml"
	assert_failure 1
	assert_output '{"a":1}'
	[ "$stderr" = "yaml2json: $d/two docs.yaml:2:1: expected a single document in the stream, but found another document (see -m)" ]
	run --separate-stderr yaml2json -m "$d/two docs.yaml" "$d/one.yaml"
	assert_success
	assert_output "$(printf '{"a":1}\n"b"\n{"a":1}')"
	run --separate-stderr yaml2json -c -a k=v "$d/one.yaml" "$d/two.yaml" "$d/one.yaml"
	assert_failure 1
	assert_output "$(printf '{"a":1,"k":"v"}\n{"a":1,"k":"v"}')"
	[ "$stderr" = "yaml2json: $d/two.yaml:1:1: -a needs a mapping at the top level" ]
	# A file that cannot be read: status 2, the others converted.
	run --separate-stderr yaml2json -c "$d/missing.yaml" "$d/one.yaml" "$d"
	assert_failure 2
	assert_output '{"a":1}'
	[ "${#lines[@]}" = 1 ]
	[[ $stderr == "yaml2json: $d/missing.yaml: "*$'\n'"yaml2json: $d: "* ]]
}

# -o FILE: written whole through a temporary file, left untouched (mtime
# too) when the content is the same, and untouched on any error.
@test "-o: the output file, whole or untouched" {
	local d=$BATS_TEST_TMPDIR
	printf 'a: 1\n' >"$d/in.yaml"
	run --separate-stderr yaml2json -c -o "$d/out.json" "$d/in.yaml" "$d/in.yaml"
	assert_success
	assert_output ''
	[ "$(cat "$d/out.json")" = "$(printf '{"a":1}\n{"a":1}')" ]
	touch -d 2020-01-01 "$d/out.json"
	run yaml2json -c -o "$d/out.json" "$d/in.yaml" "$d/in.yaml"
	assert_success
	[ "$(stat -c %Y "$d/out.json")" = "$(date -d 2020-01-01 +%s)" ]
	printf 'a: [\n' >"$d/bad.yaml"
	run --separate-stderr yaml2json -c -o "$d/out.json" "$d/in.yaml" "$d/bad.yaml"
	assert_failure 1
	assert_output ''
	[ "$(cat "$d/out.json")" = "$(printf '{"a":1}\n{"a":1}')" ]
	[ "$(stat -c %Y "$d/out.json")" = "$(date -d 2020-01-01 +%s)" ]
	[ "$(ls -A "$d" | grep -c json)" = 1 ]
}

# A message quotes the input; control characters must not reach the
# terminal, nor a line break split the one-line message.
@test "messages: control bytes of the input escaped, one line" {
	run --separate-stderr yaml2json <<<'a: !!int "\e[31mRED\nline2\r\a"'
	assert_failure 1
	assert_output ''
	[[ $stderr == "yaml2json: <stdin>:1:4: invalid integer '"* ]]
	[ "${#stderr_lines[@]}" = 1 ]
	! printf '%s' "$stderr" | LC_ALL=C grep -q '[[:cntrl:]]'
}

@test "usage and I/O errors exit 2 with the usage line" {
	local args
	for args in "-x" "-a" "-a novalue" "-a =v"; do
		# shellcheck disable=SC2086
		run --separate-stderr yaml2json $args </dev/null
		assert_failure 2
		assert_output ''
		[ "$stderr" = 'usage: yaml2json [-cm] [-a key=value] [-o file] [file ...]' ] ||
		    [ "${stderr%%$'\n'*}" != "${stderr}" ] ||
		    { echo "args '$args': stderr '$stderr'"; false; }
	done
	run --separate-stderr yaml2json "$BATS_TEST_TMPDIR/missing.yaml"
	assert_failure 2
	assert_output ''
	[[ $stderr == "yaml2json: $BATS_TEST_TMPDIR/missing.yaml: "* ]]
}

@test "bad input: located message, exit 1, nothing on stdout" {
	run --separate-stderr yaml2json <<<$'a: 1\nb: [*x]'
	assert_failure 1
	assert_output ''
	[ "$stderr" = "yaml2json: <stdin>:2:5: found undefined alias 'x'" ]
	printf 'a: &x 1\nb: &x 2\n' >"$BATS_TEST_TMPDIR/dup.yaml"
	run --separate-stderr yaml2json "$BATS_TEST_TMPDIR/dup.yaml"
	assert_failure 1
	assert_output ''
	[ "$stderr" = "yaml2json: $BATS_TEST_TMPDIR/dup.yaml:2:4: found duplicate anchor 'x'" ]
	run --separate-stderr yaml2json <<<$'a: 1\n--- b'
	assert_failure 1
	[ "$stderr" = "yaml2json: <stdin>:2:1: expected a single document in the stream, but found another document (see -m)" ]
	run --separate-stderr yaml2json -m <<<$'a: 1\n--- [b'
	assert_failure 1
	assert_output ''
	run --separate-stderr yaml2json -a k=v <<<'[1]'
	assert_failure 1
	assert_output ''
	[ "$stderr" = "yaml2json: <stdin>:1:1: -a needs a mapping at the top level" ]
	run --separate-stderr yaml2json -a k=v </dev/null
	assert_failure 1
	[ "$stderr" = "yaml2json: <stdin>: -a needs a mapping at the top level" ]
	printf 'a: 1\n\tb: 2\n' >"$BATS_TEST_TMPDIR/tab.yaml"
	run --separate-stderr yaml2json "$BATS_TEST_TMPDIR/tab.yaml"
	assert_failure 1
	[[ $stderr == "yaml2json: $BATS_TEST_TMPDIR/tab.yaml:2:1: "* ]]
	printf 'a: 1\nb: \200\n' | { run --separate-stderr yaml2json; 
	    assert_failure 1; [ "$stderr" = "yaml2json: <stdin>:2:4: invalid leading UTF-8 octet (#80)" ]; }
}

@test "limit: nesting depth 1000 passes, 1001 fails, 200000 fails fast" {
	local d="$BATS_TEST_TMPDIR"
	"$PYTHON" -c 'print("[" * 1000 + "]" * 1000)' >"$d/1000"
	"$PYTHON" -c 'print("[" * 1001 + "]" * 1001)' >"$d/1001"
	"$PYTHON" -c 'print("[" * 200000)' >"$d/deep"
	"$PYTHON" -c 'print("a:\n" + "".join(" " * i + "- k:\n" for i in range(0, 2002, 2)))' >"$d/block"
	run yaml2json -c "$d/1000"
	assert_success
	assert_output "$(cat "$d/1000")"
	run --separate-stderr yaml2json "$d/1001"
	assert_failure 1
	assert_output ''
	[ "$stderr" = "yaml2json: $d/1001:1:1001: nesting deeper than 1000 levels" ]
	run --separate-stderr timeout 20 yaml2json "$d/deep"
	assert_failure 1
	[[ $stderr == *"nesting deeper than 1000 levels" ]]
	run --separate-stderr yaml2json "$d/block"
	assert_failure 1
	[[ $stderr == *"nesting deeper than 1000 levels" ]]
	# Aliases can nest a document deeper than its text.
	"$PYTHON" -c 'print("a: &a " + "[" * 600 + "]" * 600 + "\nb: " + "[" * 399 + "*a" + "]" * 399)' >"$d/alias"
	run yaml2json -c "$d/alias"
	assert_success
	"$PYTHON" -c 'print("a: &a " + "[" * 600 + "]" * 600 + "\nb: " + "[" * 400 + "*a" + "]" * 400)' >"$d/alias2"
	run --separate-stderr yaml2json -c "$d/alias2"
	assert_failure 1
	[[ $stderr == *"nesting deeper than 1000 levels" ]]
}

@test "limit: alias expansion at 10000000 passes, past it and billion laughs fail fast" {
	local d="$BATS_TEST_TMPDIR"
	# A 9999-byte scalar counts 10000; 1000 more uses make 10000000.
	"$PYTHON" -c 'print("- &a " + "x" * 9999 + "\n" + "- *a\n" * 1000)' >"$d/at"
	"$PYTHON" -c 'print("- &a " + "x" * 9999 + "\n" + "- *a\n" * 1001)' >"$d/past"
	run yaml2json -c "$d/at"
	assert_success
	[ "${#output}" = $((1001 * 10002 + 1)) ]
	run --separate-stderr yaml2json -c "$d/past"
	assert_failure 1
	assert_output ''
	[ "$stderr" = "yaml2json: $d/past:1:3: aliases and merge keys expand to more than 10000000 nodes and bytes" ]
	{
		echo 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'
		for i in b c d e f g h i j; do
			printf '%s: &%s [' "$i" "$i"
			printf '*%s,' "$p" "$p" "$p" "$p" "$p" "$p" "$p" "$p"
			printf '*%s]\n' "$p"
			p=$i
		done
	} | sed 's/\*,/*a,/g; s/\*\]/*a]/' >"$d/lol"
	run --separate-stderr timeout 20 yaml2json "$d/lol"
	assert_failure 1
	[[ $stderr == *"aliases and merge keys expand to more than 10000000"* ]]
	# Merge keys of merge keys stay linear, where PyYAML's lists double.
	{
		echo 'a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7}'
		p=a
		for i in b c d e f g h i j k l m n o p q r s t u v w x y z; do
			echo "$i: &$i {<<: [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]}"
			p=$i
		done
	} >"$d/chain"
	run timeout 20 yaml2json -c "$d/chain"
	assert_success
	[[ $output == *'"z":{"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7}}' ]]
	# A pair copied by a merge key counts ten: 101 copies of 10000 pairs.
	"$PYTHON" -c 'print("a: &a {" + ", ".join("k%d: 0" % i for i in range(10000)) + "}\nb: {<<: [" + ", ".join(["*a"] * 101) + "]}")' >"$d/wide"
	run --separate-stderr timeout 20 yaml2json "$d/wide"
	assert_failure 1
	[[ $stderr == *"aliases and merge keys expand to more than 10000000"* ]]
}

@test "limit: integers of 4300 digits pass, 4301 fail as in Python" {
	local d="$BATS_TEST_TMPDIR"
	"$PYTHON" -c 'print("1" * 4300)' >"$d/at"
	"$PYTHON" -c 'print("1" * 4301)' >"$d/past"
	"$PYTHON" -c 'print("0x" + "f" * 3571)' >"$d/hexat"
	"$PYTHON" -c 'print("0x" + "f" * 3572)' >"$d/hexpast"
	run yaml2json "$d/at"
	assert_success
	assert_output "$(cat "$d/at")"
	run yaml2json "$d/hexat"
	assert_success
	[ "${#output}" = 4300 ]
	for f in past hexpast; do
		run --separate-stderr yaml2json "$d/$f"
		assert_failure 1
		[ "$stderr" = "yaml2json: $d/$f:1:1: integer of more than 4300 digits" ]
	done
	have_pyyaml || return 0
	"$PYTHON" -c 'import sys,json,yaml; print(json.dumps(yaml.safe_load(sys.stdin), indent=2))' \
	    <"$d/hexat" | diff - <(yaml2json "$d/hexat")
	! "$PYTHON" -c 'import sys,json,yaml; print(json.dumps(yaml.safe_load(sys.stdin), indent=2))' \
	    <"$d/hexpast" 2>/dev/null
}

@test "045 reference: artifact-manifest.json reproduced byte for byte" {
	corpus_or_skip 045-reference
	yaml2json -a source_commit=21ed0738f009ca35a2927528238a48778e41f1d4 \
	    -a captured_at=2026-02-23T19:45:18Z \
	    "$CORPUS/045-reference/expected-artifacts.at-source-commit.yaml" |
	    cmp - "$CORPUS/045-reference/committed-handoff/artifact-manifest.json"
}

# diffrun MODE OUT FILE...: yaml2json against PyYAML on every file; prints
# one line per file where they differ or where yaml2json reads what
# PyYAML refuses (json.dumps failing aside), and a summary "same accepted
# total overaccepted" on the last line.
diffrun() {
	local mode=$1 out=$2 i=0 same=0 acc=0 over=0 f got want
	shift 2
	mkdir -p "$out"
	"$PYTHON" "$ORACLE" ${mode:+"$mode"} "$out" "$@"
	for f in "$@"; do
		if [ -e "$out/$i.json" ]; then
			acc=$((acc + 1))
			# read -d '' keeps every byte, final newlines too.
			got= want=
			yaml2json $mode "$f" >"$out/got" 2>"$out/err" || :
			IFS= read -r -d '' got <"$out/got" || :
			IFS= read -r -d '' want <"$out/$i.json" || :
			if [ "$got" = "$want" ]; then
				same=$((same + 1))
			else
				echo "differs: $f $(<"$out/err")"
			fi
		elif ! grep -q 'is not JSON serializable' "$out/$i.err" &&
		    yaml2json $mode "$f" >/dev/null 2>&1; then
			# Only json.dumps failing is the documented difference.
			echo "accepted: $f"
			over=$((over + 1))
		fi
		i=$((i + 1))
	done
	echo "$same $acc $# $over"
}

@test "corpus: every YAML and JSON file of spec-kitty is identical to PyYAML" {
	corpus_or_skip spec-kitty-2x-3bbf9f0.tar.gz
	have_pyyaml || skip "python3-yaml not present"
	local -a files
	mapfile -t files < <(find "$BATS_FILE_TMPDIR/sk" -type f \
	    \( -name '*.yaml' -o -name '*.yml' -o -name '*.json' \) | sort)
	[ "${#files[@]}" -gt 90 ]
	run diffrun "" "$BATS_TEST_TMPDIR/o" "${files[@]}"
	echo "$output"
	read -r same acc total over <<<"${lines[-1]}"
	echo "identical: $same of $acc PyYAML accepts ($total files)"
	[ "$same" = "$acc" ]
	[ "$over" = 0 ]
	[ "$acc" -gt 90 ]
}

@test "yaml-test-suite: valid cases PyYAML accepts are identical, those it refuses refused" {
	corpus_or_skip yaml-test-suite.tar.gz
	have_pyyaml || skip "python3-yaml not present"
	local -a files
	mapfile -t files < <(find "$BATS_FILE_TMPDIR/yaml-test-suite" \
	    -name in.yaml -exec sh -c '[ ! -e "${1%/in.yaml}/error" ]' _ {} \; \
	    -print | sort)
	run diffrun "" "$BATS_TEST_TMPDIR/o" "${files[@]}"
	echo "$output"
	read -r same acc total over <<<"${lines[-1]}"
	echo "identical: $same of $acc PyYAML accepts ($total valid cases)"
	echo "wrongly accepted: $over of $((total - acc)) PyYAML fails on"
	[ "$same" = "$acc" ]
	[ "$over" = 0 ]
	# The same cases as streams, against safe_load_all.
	run diffrun -m "$BATS_TEST_TMPDIR/m" "${files[@]}"
	echo "$output" | sed 's/^/-m /'
	read -r same acc total over <<<"${lines[-1]}"
	echo "-m identical: $same of $acc PyYAML accepts"
	[ "$same" = "$acc" ]
	[ "$over" = 0 ]
}

@test "yaml-test-suite: error cases PyYAML refuses are refused with a location" {
	corpus_or_skip yaml-test-suite.tar.gz
	have_pyyaml || skip "python3-yaml not present"
	local -a files
	local i=0 f refused=0 pyref=0 out="$BATS_TEST_TMPDIR/e" bad=0 err
	mapfile -t files < <(find "$BATS_FILE_TMPDIR/yaml-test-suite" \
	    -name error -printf '%h/in.yaml\n' | sort)
	mkdir -p "$out"
	"$PYTHON" "$ORACLE" -m "$out" "${files[@]}"
	for f in "${files[@]}"; do
		if [ -e "$out/$i.err" ]; then
			pyref=$((pyref + 1))
			if ! yaml2json -m "$f" >"$out/got" 2>"$out/stderr"; then
				err=$(<"$out/stderr")
				if [ -s "$out/got" ] ||
				    ! [[ $err =~ ^yaml2json:\ $f:[0-9]+:[0-9]+:\  ]]; then
					echo "badly refused: $f $err"
					bad=$((bad + 1))
				fi
				refused=$((refused + 1))
			else
				echo "accepted: $f"
			fi
		elif [ "$(yaml2json -m "$f")" != "$(<"$out/$i.json")" ]; then
			# PyYAML reads some "error" cases; then so must we.
			echo "PyYAML accepts, differs: $f"
			bad=$((bad + 1))
		fi
		i=$((i + 1))
	done
	echo "refused: $refused of $pyref PyYAML refuses (${#files[@]} error cases)"
	[ "$bad" = 0 ]
	[ "$refused" = "$pyref" ]
}

# A document of megabytes, from a file and from a pipe, and with an
# anchor on its root.
@test "a large document: the same from a file, a pipe, and with an anchor on its root" {
	local f="$BATS_TEST_TMPDIR/big.yaml" want="$BATS_TEST_TMPDIR/want.json"
	local g="$BATS_TEST_TMPDIR/graph.yaml" n=50000
	awk -v n=$n 'BEGIN { for (i = 0; i < n; i++)
	    printf "k%d:\n  n: %d\n  s: text %d\n  l: [a, %d]\n", i, i, i, i }' >"$f"
	awk -v n=$n 'BEGIN { printf "{"; for (i = 0; i < n; i++)
	    printf "%s\"k%d\":{\"n\":%d,\"s\":\"text %d\",\"l\":[\"a\",%d]}",
	    i ? "," : "", i, i, i, i; print "}" }' >"$want"
	{ echo '--- &root'; cat "$f"; } >"$g"
	[ "$(stat -c %s "$f")" -gt $((2 * 1024 * 1024)) ]
	yaml2json -c "$f" | diff -u "$want" -
	cat "$f" | yaml2json -c | diff -u "$want" -
	yaml2json -c "$g" | diff -u "$want" -
}

@test "limits: YAML2JSON_INPUT_MAX bytes are read, one more is refused" {
	local max=$((64 * 1024 * 1024)) f="$BATS_TEST_TMPDIR/in.yaml"
	local msg="more than $max bytes of input"
	# Trailing blanks are the cheapest valid text to pad a document with.
	printf 'a: 1\n' >"$f"
	padto "$f" "$max"
	run --separate-stderr yaml2json -c "$f"
	assert_success
	assert_output '{"a":1}'
	# A file one byte larger is refused from its size, before reading.
	truncate -s $((max + 1)) "$f"
	run --separate-stderr yaml2json -c "$f"
	fails_with 1 "yaml2json: $f: $msg"
	# A pipe has no size: reading stops one byte past the bound.
	run --separate-stderr bash -c \
	    "{ printf 'a: 1\n'; head -c $max /dev/zero | tr '\0' ' '; } | yaml2json -c"
	fails_with 1 "yaml2json: <stdin>: $msg"
	run --separate-stderr bash -c \
	    "{ printf 'a: 1\n'; head -c $max /dev/zero | tr '\0' ' '; } | yaml2json -m -"
	fails_with 1 "yaml2json: <stdin>: $msg"
}
