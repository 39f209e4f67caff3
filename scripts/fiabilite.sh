#!/usr/bin/env bash
# fiabilite.sh EXERCICE... — ce que fait `make fiabilite` (pour les mainteneurs).
#
# Un test dont le verdict dépend de la vitesse de la machine est pire
# qu'inutile : il punit au hasard. Ce script lance chaque suite sur les
# solutions $FIABILITE_TOURS fois (10 par défaut) pendant que les autres
# cœurs sont occupés par des boucles de calcul (nproc - 1 processus
# « yes > /dev/null », au moins un), puis signale tout test dont le verdict
# a changé d'un tour à l'autre, et tout test qui a échoué. Il doit n'en
# signaler aucun.
#
# Puis chaque mutant (voir verifier.sh) tourne plusieurs fois, dans la même
# charge, sur ses seuls tests « @echoue » : il doit être refusé à CHAQUE
# tour par chacun d'eux.
# Combien de tours : la ligne « # @repetitions N » de son en-tête (les
# mutants dont le verdict tient à une course entre threads ou à un délai :
# 10), sinon $FIABILITE_MUTANTS (3 par défaut). FIABILITE_MUTANTS=10
# impose 10 tours à tous ; 0 saute les mutants. Ils tournent $TD6_JOBS à la
# fois (4 par défaut).
#
# Trop long pour make check (plusieurs minutes par exercice) ; à lancer
# avant une livraison, ou après avoir touché à un test. Journaux dans
# $BUILD/fiabilite/.
set -u
. "$(dirname "$0")/lib/td6.sh"
build=$td6_build
mutant_runs=${FIABILITE_MUTANTS:-3}
jobs_max=${TD6_JOBS:-4}
runs=${FIABILITE_TOURS:-10}
dir=$build/fiabilite
rm -rf "$dir"
mkdir -p "$dir"
unset CK_TIMEOUT_MULTIPLIER TD6_WRAPPER TD6_WRAPPER_PROGS

if ! "$td6_make" --no-print-directory -s programmes SRC=solutions EXO= >"$dir/compilation.log" 2>&1; then
    echo "Les solutions ne compilent pas :"
    head -n 20 "$dir/compilation.log"
    exit 1
fi

# Les solutions sous sanitizer (tests tsan_* et asan_*), reprises par les
# copies des mutants pour les programmes qu'elles ne touchent pas.
for exo in "$@"; do
    construire_sanitizers "$build" solutions "$exo" >>"$dir/compilation.log" 2>&1
done

# Occuper les autres cœurs ; arrêtés à la sortie, même sur Ctrl-C. Lancés
# hors des tâches de ce script (dans $(...)) : wait et attendre_place ne
# comptent que les suites.
busy=()
stop_busy() {
    local p
    for p in "${busy[@]}"; do kill "$p" 2>/dev/null; done
}
a_la_sortie stop_busy
cores=$(nombre_de_cpu)
n_busy=$((cores > 1 ? cores - 1 : 1))
for _ in $(seq "$n_busy"); do
    busy+=("$(yes >/dev/null 2>&1 & echo $!)")
done
echo "== $runs tours de chaque suite sur les solutions, $n_busy cœur(s) sur $cores occupé(s) ($(uptime | sed 's/.*load average/charge/'))"

start=$(date +%s)
for exo in "$@"; do
    t0=$(date +%s)
    for run in $(seq "$runs"); do
        NO_COLOR=1 lancer_suite "$exo" "$build/solutions/$exo" solutions "$dir/$exo.$run" \
            >"$dir/$exo.$run.log" 2>&1
        printf '.'
    done
    printf ' %s : %d s\n' "$exo" $(( $(date +%s) - t0 ))
done

echo
echo "Test                                           réussi / tours"
echo "---------------------------------------------- ---------------"
changed=0 failed=0 tests=0
for exo in "$@"; do
    # Chaque test vu dans un tour au moins, avec son nombre de succès.
    names=$(cat "$dir/$exo".*.txt 2>/dev/null | awk '{ print $2 }' | sort -u)
    for t in $names; do
        tests=$((tests + 1))
        ok=$(cat "$dir/$exo".*.txt | grep -cx "ok $t")
        seen=$(cat "$dir/$exo".*.txt | grep -cE "^(ok|echec) $t\$")
        if [ "$ok" -eq "$seen" ] && [ "$seen" -eq "$runs" ]; then
            continue
        fi
        if [ "$ok" -eq 0 ]; then
            failed=$((failed + 1)); what="toujours en échec"
        else
            changed=$((changed + 1)); what="VERDICT CHANGEANT"
        fi
        printf '%-46s %3d / %-3d %s\n' "$exo/$t" "$ok" "$seen" "$what"
        # Le premier message d'échec de ce test, pour comprendre.
        awk -v t="\"nom\": \"$t\"" 'index($0, t) { f = 1 } f && /"message": "./ { print; exit }' \
            $(grep -lx "echec $t" "$dir/$exo".*.txt | head -n 1 | sed 's/\.txt$/.json/') \
            2>/dev/null | cut -c1-220 | sed 's/^ */      /'
    done
    # Une suite qui n'a pas écrit ses résultats à chaque tour.
    written=$(ls "$dir/$exo".*.txt 2>/dev/null | wc -l)
    if [ "$written" -ne "$runs" ]; then
        changed=$((changed + 1))
        printf '%-46s %d tours sur %d sans résultats\n' "$exo" $((runs - written)) "$runs"
    fi
done
echo "---------------------------------------------- ---------------"
echo "fiabilité : $tests tests × $runs tours en $(( $(date +%s) - start )) s ; $changed verdict(s) changeant(s), $failed test(s) toujours en échec."

# ---- Les mutants, plusieurs fois chacun ---------------------------------
# Un tour « passe » si la suite réussit, ou si un test @echoue n'échoue pas.
mutants=() escaped=0 mutant_total=0
t0=$(date +%s)
if [ "$mutant_runs" -gt 0 ]; then
    echo
    echo "== Chaque mutant, plusieurs tours : il doit être refusé à chaque tour"
    while IFS= read -r m; do
        exo=$(basename "$(dirname "$m")")
        copy=$dir/copies/$exo/$(nom_mutant "$m")
        if ! why=$(preparer_mutant "$m" "$copy"); then
            escaped=$((escaped + 1)); echo "  ✘ $m : $why"; continue
        fi
        mutants+=("$m")
        attendre_place "$(nombre_de_cpu)"
        construire_copie "$copy" "$exo" >"$copy.compil" 2>&1 &
    done < <(lister_mutants "$@")
    wait
    for m in "${mutants[@]}"; do
        exo=$(basename "$(dirname "$m")")
        copy=$dir/copies/$exo/$(nom_mutant "$m")
        for run in $(seq "$(repetitions_mutant "$m" "$mutant_runs")"); do
            attendre_place "$jobs_max"
            # Seuls ses tests @echoue, comme make check : c'est leur
            # verdict qu'on répète (voir verifier.sh et TD6_ONLY_TESTS).
            { NO_COLOR=1 TD6_ONLY_TESTS="$(tests_echoues "$m" | paste -sd' ')" \
                lancer_suite "$exo" "$(dossier_binaires "$copy" "$exo")" \
                "mutant $(nom_mutant "$m")" "$copy.$run" >"$copy.$run.log" 2>&1
              echo $? >"$copy.$run.rc"; } &
        done
    done
    wait
    for m in "${mutants[@]}"; do
        exo=$(basename "$(dirname "$m")")
        copy=$dir/copies/$exo/$(nom_mutant "$m")
        n=$(repetitions_mutant "$m" "$mutant_runs") passed=0
        mutant_total=$((mutant_total + n))
        for run in $(seq "$n"); do
            # Une suite qui réussit, ou qui n'a pas fait échouer un test
            # @echoue (un mutant qui ne compile pas non plus) : le défaut
            # n'a pas été vu.
            if [ "$(cat "$copy.$run.rc")" -eq 0 ] || [ -n "$(echecs_manquants "$m" "$copy.$run")" ]; then
                passed=$((passed + 1))
            fi
        done
        if [ "$passed" -eq 0 ]; then
            printf '  ✔ %-52s refusé %d fois sur %d\n' "$exo/$(nom_mutant "$m")" "$n" "$n"
        else
            escaped=$((escaped + 1))
            printf '  ✘ %-52s passe %d fois sur %d\n' "$exo/$(nom_mutant "$m")" "$passed" "$n"
            [ -s "$copy.compil" ] && sed 's/^/      /' "$copy.compil" | head -n 5
        fi
    done
    echo "mutants : ${#mutants[@]} mutants, $mutant_total tours en $(( $(date +%s) - t0 )) s ; $escaped mutant(s) pas toujours refusé(s)."
fi
[ "$changed" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$escaped" -eq 0 ]
