#!/usr/bin/env bash
# bench-02.sh [THREADS...] — chapitre 02 : le pool de threads face au temps idéal.
#
# Pour chaque nombre de threads W (par défaut 1 2 5 10 20 40 80 160), lance
# 5 fois `threads -w W` sur les 160 URL du cours, contre le serveur local à
# la latence L (50 ms par défaut, variable LATENCE), et garde la médiane des
# durées annoncées par le programme (« Downloaded 160 in S seconds »).
#
# Temps idéal : ceil(160 / W) × L. Avec W threads, les 160 attentes se font
# par vagues de W, chacune durant au moins L. Le rapport mesuré / idéal dit
# ce que coûtent les threads, libcurl et la machine : 1,00 serait parfait.
#
# Sortie : un tableau en français, et le CSV $BUILD/bench-02.csv
# (threads,ideal_s,mesure_s,rapport). Les solutions sont construites au
# besoin (make SRC=solutions EXO=02), dans $BUILD (build par défaut).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${BUILD:-build}
latency=${LATENCE:-50}
runs=${RUNS:-5}
sites=160
workers=("$@")
[ ${#workers[@]} -gt 0 ] || workers=(1 2 5 10 20 40 80 160)

make --no-print-directory -s BUILD="$build" SRC=solutions EXO=02 all >/dev/null
prog=$build/solutions/02_threads/threads

# Le serveur local, sur un port libre (scripts/serveur-local.sh).
. scripts/serveur-local.sh
lancer_serveur "$latency"
url=$serveur_url

# median NOMBRES... : la médiane (nombre impair de valeurs).
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

csv=$build/bench-02.csv
mkdir -p "$build"
echo "threads,ideal_s,mesure_s,rapport" >"$csv"
echo "Chapitre 02 : $sites URL, latence $latency ms, médiane de $runs exécutions"
echo "charge de la machine au départ : $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cœurs)"
printf '%8s %10s %12s %9s\n' "threads" "idéal (s)" "mesuré (s)" "rapport"
for w in "${workers[@]}"; do
    times=()
    for _ in $(seq "$runs"); do
        out=$(TD6_SERVER=$url "$prog" -w "$w")
        reads=$(grep -c '^Read ' <<<"$out" || true)
        if [ "$reads" -ne "$sites" ]; then
            echo "bench-02 : -w $w n'a lu que $reads pages sur $sites" >&2
            exit 1
        fi
        times+=("$(sed -n 's/^Downloaded [0-9]* in \([0-9.]*\) seconds$/\1/p' <<<"$out")")
    done
    measured=$(median "${times[@]}")
    ideal=$(awk -v n="$sites" -v w="$w" -v l="$latency" \
        'BEGIN { printf "%.3f", int((n + w - 1) / w) * l / 1000 }')
    ratio=$(awk -v m="$measured" -v i="$ideal" 'BEGIN { printf "%.2f", m / i }')
    printf '%8s %10s %12s %9s\n' "$w" "$ideal" "$measured" "$ratio"
    echo "$w,$ideal,$measured,$ratio" >>"$csv"
done
echo "charge de la machine à la fin : $(cut -d' ' -f1-3 /proc/loadavg)"
echo "CSV : $csv"
