#!/usr/bin/env bash
# tester.sh SRC EXERCICE... — ce que fait `make test`.
#
# Pour chaque exercice : compile les programmes de SRC (td6 ou solutions) ;
# s'ils compilent, lance la suite de tests de l'exercice contre eux. Puis
# affiche le tableau des notes (build/tests/bilan) et écrit
# build/resultats.json, build/resultats.tap et build/junit.xml.
# Code de sortie : 0 seulement si tous les tests passent.
set -u
src=$1
shift
build=${BUILD:-build}
results=$build/resultats
mkdir -p "$results"
rm -f "$results"/*

for exo in "$@"; do
    echo
    # Un exercice qui ne compile pas est noté comme tel, et on passe au
    # suivant : les autres méritent d'être notés.
    if ! "${MAKE:-make}" --no-print-directory -s programmes SRC="$src" EXO="${exo%%_*}" \
            >"$results/$exo.log" 2>&1; then
        echo "$exo ($src)"
        echo "  ✘ ne compile pas : voir les erreurs ci-dessous"
        sed 's/^/      /' "$results/$exo.log" | head -n 20
        mv "$results/$exo.log" "$results/$exo.compilation"
        continue
    fi
    rm -f "$results/$exo.log"
    TD6_EXO=$exo TD6_SOURCE=$src TD6_BIN=$build/$src/$exo \
    TD6_SERVEUR_BIN=$build/serveur/serveur TD6_RESULTATS=$results/$exo \
        "$build/tests/$exo/suite"
done
exec "$build/tests/bilan" "$results" "$@"
