#!/bin/bash
# A short libFuzzer run from the committed corpus (copied, so the repo is not written):
#   run-fuzz.sh TARGET CORPUS_DIR SECONDS
set -eu
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp "$2"/* "$tmp"/
cd "$tmp" && "$1" -max_total_time="$3" -timeout=10 "$tmp" 2>"$tmp/log" || { tail -n 30 "$tmp/log"; exit 1; }
tail -n 1 "$tmp/log"
