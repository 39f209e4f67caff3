#!/usr/bin/env bash
# valgrind.sh SRC EXERCICE... — ce que fait `make valgrind`.
#
# Relance les suites des exercices qui ont un programme séquentiel
# (sequentiel au chapitre 01, cpu_sequentiel au chapitre 05 ; liste dans
# $VALGRIND_PROGRAMMES) en faisant tourner ces programmes-là sous valgrind
# (memcheck) : lectures ou écritures invalides, variables non
# initialisées, mémoire jamais libérée (fuites « definitely lost »). Les
# programmes à threads ou à processus passent par make sanitize, plus
# adapté (valgrind exécute les threads un par un).
#
# Le harnais préfixe la commande par valgrind ($TD6_WRAPPER) ; valgrind,
# en mode -q, n'écrit que ses rapports (lignes « ==pid== ») : le test
# échoue alors en disant « valgrind (memcheck) a trouvé... », et le tableau
# des notes le résume. Résultats : $BUILD/valgrind/.
set -u
src=$1
shift
build=${BUILD:-build}
progs=${VALGRIND_PROGRAMMES:-sequentiel cpu_sequentiel}

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind n'est pas installé : sudo apt-get install valgrind (Debian, Ubuntu)." >&2
    exit 2
fi
# Les exercices qui contiennent un des programmes séquentiels.
exos=()
for exo in "$@"; do
    for p in $progs; do
        if [ -f "$src/$exo/$p.c" ]; then exos+=("$exo"); break; fi
    done
done
if [ ${#exos[@]} -eq 0 ]; then
    echo "Aucun programme séquentiel ($progs) dans les exercices demandés : rien à passer sous valgrind."
    exit 0
fi
echo "== valgrind (memcheck) sur : $progs — exercices ${exos[*]} ($src)"
# valgrind ralentit beaucoup : délais × 10 (les verdicts ne dépendent pas du
# temps). Les fuites « still reachable » (libcurl garde des caches jusqu'à
# la fin) ne comptent pas ; « definitely lost » oui.
export CK_TIMEOUT_MULTIPLIER=${CK_TIMEOUT_MULTIPLIER:-10}
export TD6_WRAPPER="$(command -v valgrind) -q --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite --child-silent-after-fork=yes"
export TD6_WRAPPER_PROGS="$progs"
export TD6_RESULTS_DIR=$build/valgrind/resultats
exec "$(dirname "$0")/tester.sh" "$src" "${exos[@]}"
