#!/bin/sh
# Build the demo, import the illustrative (invented) indicators, code a few passages as two
# coders would, and run `wijkverhalen validate` on it: the example in
# docs/linking-and-validation.md. Usage: tools/demo_validate.sh [PROJECT] [extra validate options]
set -eu
P=${1:-build/demo-validate.wijk}
[ $# -gt 0 ] && shift
W=${WIJKVERHALEN:-wijkverhalen}
$W demo --path "$P" --rebuild --no-tui >/dev/null
$W indicators import "$P" data/indicators_illustrative.csv >/dev/null
code() { $W code "$P" "$@" >/dev/null; }
code 08_bewoner 2483 2554 relaties.vertrouwen --valence positive --coder anna
code 08_bewoner 2483 2554 relaties.vertrouwen --valence positive --coder bert   # the same passage: counts once
code 12_initiatiefnemer 2270 2291 relaties.vertrouwen --valence positive --coder anna
code 02_initiatiefnemer 2832 2864 relaties.vertrouwen --valence positive --coder anna
code 10_bewoner 2422 2463 relaties.vertrouwen --valence negative --coder anna
code 03_bewoner 1003 1022 relaties.sociaal_kapitaal --valence negative --coder anna
code 12_initiatiefnemer 3133 3188 relaties.sociaal_kapitaal --valence negative --coder anna
code 11_professional 4531 4592 relaties.sociaal_kapitaal --valence negative --coder anna
code 01_bewoner 3048 3096 relaties.sociaal_kapitaal --valence positive --coder anna
code 02_initiatiefnemer 4548 4570 relaties.sociaal_kapitaal --valence positive --coder bert
code 11_professional 4593 4655 relaties.sociaal_kapitaal --valence positive --coder bert
code 01_bewoner 2856 2897 relaties.sociaal_kapitaal --valence positive --coder bert
code 12_initiatiefnemer 3513 3596 buurt.infrastructuur --valence positive --coder anna
code 12_initiatiefnemer 3677 3703 buurt.infrastructuur --valence positive --coder anna
code 03_bewoner 1642 1763 buurt.infrastructuur --valence negative --coder anna
code 11_professional 3535 3591 buurt.infrastructuur --valence mixed --coder anna
code 11_professional 4339 4385 buurt.infrastructuur --valence positive --coder anna   # cites "de cijfers": left out
$W validate "$P" --no-cases "$@"
