#!/usr/bin/env python3
"""Count every TAP result across meson test logs; print 'N passed, N failed, N skipped'.

A test whose TAP output has no results but which did not pass (crash, bail out, timeout)
counts as one failure; a missing log counts as one failure too.
"""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print(f"missing test log {path}: {e}")
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        results = [l for l in t.get("stdout", "").splitlines() if re.match(r"^(not )?ok\b", l)]
        if not results:
            if t["result"] in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif t["result"] == "SKIP":
                skipped += 1
            else:
                failed += 1
            continue
        for r in results:
            if r.startswith("not ok"):
                failed += 1
            elif re.search(r"#\s*SKIP", r, re.I):
                skipped += 1
            else:
                passed += 1
        if t["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(r.startswith("not ok") for r in results):
            failed += 1  # bailed out or timed out after some passing results
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
