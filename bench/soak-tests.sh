#!/usr/bin/env bash
# Runs the randomized test suites (lucene-plugin, solr-plugin) under many fresh seeds, so that a
# failure that shows for one seed in a hundred shows here rather than in CI.
#
#   bench/soak-tests.sh [SEEDS] [--rounds R] [--modules lucene-plugin,solr-plugin]
#
# SEEDS (default 200) is the number of seeds every test method runs with, per module: R rounds
# (default 10), each a fresh JVM with a fresh master seed from /dev/urandom (which also varies
# what a class randomizes once: codec, locale, time zone), running every method SEEDS/R times
# with seeds derived from it (-Dtests.iters). A failure prints the master seed; reproduce with
#   mvn -o test -pl MODULE -Dtests.seed=SEED
# The reactor builds each module's dependencies (-am) but runs only the module's own tests.
# Exit status: 0 when every round passed, 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."

seeds=200 rounds=10 modules=lucene-plugin,solr-plugin
while (($#)); do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --modules) modules=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) seeds=$1; shift ;;
  esac
done
((seeds >= rounds)) || rounds=$seeds
iters=$(((seeds + rounds - 1) / rounds))
log_dir=$(mktemp -d "${TMPDIR:-/tmp}/texhash-soak.XXXXXX")
failures=0 ran=0

for module in ${modules//,/ }; do
  for ((round = 1; round <= rounds; round++)); do
    seed=$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F')
    log="$log_dir/$module-$seed.log"
    package=org.texhash.${module%-plugin}
    if mvn -B -o -q test -pl "$module" -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest="$package.*Test*" \
        -Dtests.seed="$seed" -Dtests.iters="$iters" >"$log" 2>&1; then
      echo "ok    $module seed $seed ($iters iterations per method)"
    else
      failures=$((failures + 1))
      echo "FAIL  $module seed $seed: mvn -o test -pl $module -Dtests.seed=$seed (log: $log)"
      grep -E '^\[ERROR\] +[A-Za-z]+.*:[0-9]+|AssertionError' "$log" | head -5 | sed 's/^/      /'
    fi
    ran=$((ran + iters))
  done
  echo "$module: $ran seeds per test method"
  ran=0
done
echo "failures: $failures (logs in $log_dir)"
((failures == 0))
