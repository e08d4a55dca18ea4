#!/usr/bin/env bash
# JMH benchmarks for rdp-probe. Usage: benchmarks/run.sh [JMH regex] [extra JMH args]
#   benchmarks/run.sh                 # everything, with -prof gc (bytes allocated per op)
#   benchmarks/run.sh AnalyzeBench    # analyze over a synthetic capture: score = connections/s,
#                                     # gc.alloc.rate.norm = bytes allocated per connection
# Builds the shaded jar (no install). Keep 1 fork (set in the annotations) when others share the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -B -o -pl benchmarks -am package -DskipTests
cd benchmarks
exec java -jar target/benchmarks.jar "${1:-.*}" -prof gc -rf text -rff target/jmh-result.txt "${@:2}"
