#!/bin/bash
# Sum up libFuzzer logs: for each target named, the executions, the edges
# (cov) and features (ft) reached, the seconds run and the crashes saved.
# Reads build/fuzz/log/TARGET.log (or FUZZ_LOGDIR); see tests/fuzz/fuzz.mk.

logdir=${FUZZ_LOGDIR:-build/fuzz/log}
crashdir=${FUZZ_CRASHDIR:-build/fuzz/crashes}
printf '%-16s %12s %7s %7s %7s %8s\n' target execs cov ft secs crashes
for t in "$@"; do
	log=$logdir/$t.log
	if [ ! -f "$log" ]; then
		printf '%-16s %12s\n' "$t" "(no log)"
		continue
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" |
	    tail -n 1)
	secs=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' \
	    "$log" | tail -n 1)
	last=$(grep -E '^#[0-9]+' "$log" | grep 'cov:' | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	crashes=$(find "$crashdir" -maxdepth 1 -name "$t-*" 2>/dev/null |
	    wc -l)
	printf '%-16s %12s %7s %7s %7s %8s\n' "$t" "${execs:-?}" \
	    "${cov:-?}" "${ft:-?}" "${secs:-?}" "$crashes"
done
