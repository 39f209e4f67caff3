#!/usr/bin/env bash
# fiabilite.sh EXERCICE... — ce que fait `make fiabilite` (pour les mainteneurs).
#
# Un test dont le verdict dépend de la vitesse de la machine est pire
# qu'inutile : il punit au hasard. Ce script lance chaque suite sur les
# solutions $TD6_FIABILITE_TOURS fois (10 par défaut) pendant que les autres
# cœurs sont occupés par des boucles de calcul (nproc - 1 processus
# « yes > /dev/null », au moins un), puis signale tout test dont le verdict
# a changé d'un tour à l'autre, et tout test qui a échoué. Il doit n'en
# signaler aucun.
#
# Trop long pour make check (plusieurs minutes par exercice) ; à lancer
# avant une livraison, ou après avoir touché à un test. Journaux dans
# $BUILD/fiabilite/.
set -u
build=${BUILD:-build}
make=${MAKE:-make}
runs=${TD6_FIABILITE_TOURS:-10}
dir=$build/fiabilite
rm -rf "$dir"
mkdir -p "$dir"
unset CK_TIMEOUT_MULTIPLIER TD6_ENVELOPPE TD6_ENVELOPPE_PROGS

if ! "$make" --no-print-directory -s programmes SRC=solutions EXO= >"$dir/compilation.log" 2>&1; then
    echo "Les solutions ne compilent pas :"
    head -n 20 "$dir/compilation.log"
    exit 1
fi

# Occuper les autres cœurs ; arrêtés à la sortie, même sur Ctrl-C.
busy=()
stop_busy() {
    local p
    for p in "${busy[@]}"; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
}
trap stop_busy EXIT
trap 'exit 130' INT TERM
cores=$(nproc 2>/dev/null || echo 2)
n_busy=$((cores > 1 ? cores - 1 : 1))
for _ in $(seq "$n_busy"); do
    yes >/dev/null &
    busy+=($!)
done
echo "== $runs tours de chaque suite sur les solutions, $n_busy cœur(s) sur $cores occupé(s) ($(uptime | sed 's/.*load average/charge/'))"

start=$(date +%s)
for exo in "$@"; do
    t0=$(date +%s)
    for run in $(seq "$runs"); do
        TD6_EXO=$exo TD6_SOURCE=solutions TD6_BIN=$build/solutions/$exo \
        TD6_SERVEUR_BIN=$build/serveur/serveur TD6_RESULTATS=$dir/$exo.$run NO_COLOR=1 \
            "$build/tests/$exo/suite" >"$dir/$exo.$run.log" 2>&1
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
[ "$changed" -eq 0 ] && [ "$failed" -eq 0 ]
