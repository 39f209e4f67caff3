#!/usr/bin/env bash
# banc/07_distribue.sh — les temps du chapitre 07 (pas un test : des mesures).
#
# Ce qu'il mesure, sur les nombres par défaut (20 nombres à partir de
# 80 000 000), avec les solutions déjà construites (make SRC=solutions) :
#   1. le prix de départ de mpiexec : « mpiexec -n P /bin/true » (lancer des
#      processus, sans MPI) et « mpiexec -n P repartition --help » (plus
#      MPI_Init et MPI_Finalize), avant tout calcul ;
#   2. l'accélération de repartition et de maitre pour -n 1, 2, 4 (et
#      maitre -n 3 : deux ouvriers plus le maître), rapportée à l'idéal :
#      l'idéal de repartition -n P est min(P, cœurs) ; celui de maitre est
#      min(P - 1, cœurs) ouvriers (le maître ne calcule pas, sauf seul).
# Chaque mesure est la meilleure de $BENCH_ESSAIS essais (3) : une
# machine partagée ne peut que ralentir un essai, jamais l'accélérer.
# Deux temps : « calcul » (la ligne Duration, du premier calcul au dernier
# résultat reçu) et « total » (mpiexec compris). Référence : -n 1.
# Sortie : un tableau, et $BUILD/bench/07_distribue.csv.
# Lancé par scripts/bench.sh (make bench EXO=07), qui a déjà chargé
# scripts/lib/td6.sh : calcul, maintenant, nombre_de_cpu, plus_grand.
set -u
bin=$td6_build/solutions/07_distribue
essais=${BENCH_ESSAIS:-3}
coeurs=$(nombre_de_cpu)
csv=$td6_build/bench/07_distribue.csv

for p in repartition maitre; do
    [ -x "$bin/$p" ] || { echo "$bin/$p manque : lancez d'abord make SRC=solutions" >&2; exit 1; }
done
command -v mpiexec >/dev/null || { echo "mpiexec manque : scripts/dependances.sh l'installe" >&2; exit 1; }
mkdir -p "$(dirname "$csv")"

# mesure COMMANDE... : « total calcul » en secondes, le meilleur des essais
# (calcul = la ligne Duration, vide si la commande n'en écrit pas).
mesure() {
    local best_t="" best_c="" i t0 t1 out t c
    for ((i = 0; i < essais; i++)); do
        t0=$(maintenant)
        out=$("$@" 2>/dev/null) || { echo "échec : $*" >&2; return 1; }
        t1=$(maintenant)
        t=$(calcul "$t1 - $t0")
        c=$(echo "$out" | sed -n 's/^Duration \([0-9.]*\) seconds$/\1/p')
        if [ -z "$best_t" ] || plus_grand "$best_t" "$t"; then best_t=$t; fi
        if [ -n "$c" ] && { [ -z "$best_c" ] || plus_grand "$best_c" "$c"; }; then best_c=$c; fi
    done
    echo "$best_t ${best_c:-0}"
}

min() { [ "$1" -lt "$2" ] && echo "$1" || echo "$2"; }

echo "programme,rangs,ideal,total_s,calcul_s,acceleration,rapport_ideal" >"$csv"
echo "== Le prix de départ (meilleur de $essais, $coeurs cœurs)"
for n in 1 2 4; do
    read -r vide _ < <(mesure mpiexec -n "$n" /bin/true)
    read -r aide _ < <(mesure mpiexec -n "$n" "$bin/repartition" --help)
    printf "   mpiexec -n %d : %.3f s pour lancer /bin/true, %.3f s avec MPI_Init et MPI_Finalize\n" \
        "$n" "$vide" "$aide"
    echo "depart_vide,$n,,$vide,,," >>"$csv"
    echo "depart_mpi,$n,,$aide,,," >>"$csv"
done

echo "== L'accélération, rapportée à l'idéal (référence : -n 1)"
printf "   %-12s %5s %6s %9s %9s %8s %8s\n" programme rangs idéal total calcul accél "/idéal"
for prog in repartition maitre; do
    rangs="1 2 4"
    [ "$prog" = maitre ] && rangs="1 2 3 4"
    ref=""
    for n in $rangs; do
        read -r total calcul < <(mesure mpiexec -n "$n" "$bin/$prog")
        [ -z "$ref" ] && ref=$calcul
        if [ "$prog" = maitre ] && [ "$n" -gt 1 ]; then ideal=$(min $((n - 1)) "$coeurs"); else ideal=$(min "$n" "$coeurs"); fi
        acc=$(calcul "$ref / $calcul")
        rap=$(calcul "$acc / $ideal")
        printf "   %-12s %5d %6d %8.3fs %8.3fs %8.2f %8.2f\n" "$prog" "$n" "$ideal" "$total" "$calcul" "$acc" "$rap"
        printf "%s,%d,%d,%.4f,%.4f,%.3f,%.3f\n" "$prog" "$n" "$ideal" "$total" "$calcul" "$acc" "$rap" >>"$csv"
    done
done
echo "   (au-delà d'un processus par cœur, -n 4 sur 2 cœurs : rien à gagner, les rangs se partagent les cœurs)"
echo "→ $csv"
