#!/bin/sh
# Every example command of README.md and docs/*.md, as written
# (docs_examples.py): run from the repository inside a namespace that
# has what the examples name, an interface veth0 with 198.18.0.1 whose
# peer (another namespace) is 198.18.0.2, and loopback. Each command must
# exit 0 (a UAS in the background too, by its own --duration); the reports
# and CDRs they write must exist, and are removed. About 2 minutes.
. tests/functional/lib.sh
lab_init
A=$TAG-a B=$TAG-b
ns_add "$A"
ns_add "$B"
ns_link "$A" veth0 "$B" vpeer
ip netns exec "$A" ip addr add 198.18.0.1/24 dev veth0
ip netns exec "$B" ip addr add 198.18.0.2/24 dev vpeer
python3 tests/functional/docs_examples.py "$A" "$(pwd)" || FAILS=$((FAILS + 1))
finish
