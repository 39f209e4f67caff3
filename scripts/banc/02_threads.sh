# banc/02_threads.sh [THREADS...] — chapitre 02 : le pool de threads face au
# temps idéal (make bench EXO=02 ARGS="THREADS...").
#
# Pour chaque nombre de threads W (par défaut 1 2 5 10 20 40 80 160), lance
# BENCH_REPETITIONS fois (5) `threads -w W` sur les 160 URL du cours, contre
# le serveur local à la latence L (50 ms par défaut, variable LATENCE), et
# garde la médiane des durées annoncées par le programme (« Downloaded 160
# in S seconds »).
#
# Temps idéal : ceil(160 / W) × L. Avec W threads, les 160 attentes se font
# par vagues de W, chacune durant au moins L. Le rapport mesuré / idéal dit
# ce que coûtent les threads, libcurl et la machine : 1,00 serait parfait.
#
# Sortie : un tableau en français, et le CSV $BUILD/bench-02.csv
# (threads,ideal_s,mesure_s,rapport).
set -euo pipefail

sites=160
workers=("$@")
[ ${#workers[@]} -gt 0 ] || workers=(1 2 5 10 20 40 80 160)
prog=$td6_build/solutions/02_threads/threads

lancer_serveur "$latence"
url=$serveur_url

csv=$td6_build/bench-02.csv
echo "threads,ideal_s,mesure_s,rapport" >"$csv"
echo "Chapitre 02 : $sites URL, latence $latence ms, médiane de $repetitions exécutions"
echo "charge de la machine au départ : $(charge_machine) ($(nombre_de_cpu) cœurs)"
printf '%8s %10s %12s %9s\n' "threads" "idéal (s)" "mesuré (s)" "rapport"
for w in "${workers[@]}"; do
    measured=$(mediane_telechargements "$repetitions" "$url" "$sites" "$prog" -w "$w") || exit 1
    ideal=$(calcul "sprintf(\"%.3f\", int(($sites + $w - 1) / $w) * $latence / 1000)")
    ratio=$(rapport "$measured" "$ideal")
    printf '%8s %10s %12s %9s\n' "$w" "$ideal" "$measured" "$ratio"
    echo "$w,$ideal,$measured,$ratio" >>"$csv"
done
echo "charge de la machine à la fin : $(charge_machine)"
echo "CSV : $csv"
