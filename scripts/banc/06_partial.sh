# banc/06_partial.sh [TRAVAILLEURS...] — chapitre 06 : ce que coûtent le
# partial et le mode spawn (make bench EXO=06 ARGS="TRAVAILLEURS...").
#
# Lance BENCH_REPETITIONS fois (5) chaque configuration sur les nombres par
# défaut du programme (50 000 000 + x, x < 20 ; ou ceux de $NOMBRES), garde
# la médiane de la durée annoncée (« Duration S seconds ») :
#   partial -j 1              la référence : un seul travailleur ;
#   partial -j W              le pool fork, pour chaque W (défaut : 2) ;
#   partial -j W --spawn      le même pool, travailleurs relancés par exec.
# Accélération = référence / médiane ; idéale = min(W, cœurs, nombres).
# Lier number2 ne coûte rien ; spawn ne coûte qu'un démarrage de programme
# par travailleur (quelques millisecondes), négligeable devant ~1 s de
# calcul. Ce sont des mesures, pas des tests : la charge de la machine est
# affichée avec.
#
# Sortie : un tableau en français et le CSV $BUILD/bench-06.csv.
set -euo pipefail

workers=("$@")
[ ${#workers[@]} -gt 0 ] || workers=(2)
read -r -a numbers <<<"${NOMBRES:-}"
prog=$td6_build/solutions/06_partial/partial
cores=$(nombre_de_cpu)
count=${#numbers[@]}
[ "$count" -gt 0 ] || count=20

# mesurer ARGS... : médiane des durées annoncées par partial ARGS NOMBRES.
mesurer() {
    local times=() out
    for _ in $(seq "$repetitions"); do
        out=$("$prog" "$@" ${numbers[@]+"${numbers[@]}"})
        times+=("$(duree_affichee <(echo "$out"))")
    done
    mediane "${times[@]}"
}

csv=$td6_build/bench-06.csv
echo "configuration,travailleurs,mediane_s,acceleration,ideale" >"$csv"
echo "Chapitre 06 : $count nombres, médiane de $repetitions exécutions"
echo "charge de la machine au départ : $(charge_machine) ($cores cœurs)"
printf '%-24s %12s %8s %8s\n' "configuration" "médiane (s)" "accél." "idéale"
ref=$(mesurer -j 1)
printf '%-24s %12.3f %8s %8s\n' "partial -j 1" "$ref" "× 1.00" "× 1"
echo "partial -j 1,1,$ref,1.00,1" >>"$csv"
for w in "${workers[@]}"; do
    ideal=$w
    [ "$cores" -lt "$ideal" ] && ideal=$cores
    [ "$count" -lt "$ideal" ] && ideal=$count
    for mode in fork spawn; do
        args=(-j "$w")
        [ $mode = spawn ] && args+=(--spawn)
        t=$(mesurer "${args[@]}")
        acc=$(rapport "$ref" "$t")
        printf '%-24s %12.3f %8s %8s\n' "partial ${args[*]}" "$t" "× $acc" "× $ideal"
        echo "partial ${args[*]},$w,$t,$acc,$ideal" >>"$csv"
    done
done
echo "charge de la machine à la fin : $(charge_machine)"
echo "CSV : $csv"
