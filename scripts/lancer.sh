#!/usr/bin/env bash
# lancer.sh SRC EXO LATENCE [PROG] — ce que fait `make run EXO=NN`.
# Démarre le serveur local, lance un programme de l'exercice (celui du cours
# par défaut, PROG=nom pour un autre, ARGS="..." pour ses arguments), puis
# arrête le serveur.
set -u
src=$1 exo=$2 latence=$3 prog=${4:-}
. "$(dirname "$0")/lib/td6.sh"
build=$td6_build

if [ -z "$exo" ]; then
    echo "Précisez l'exercice : make run EXO=01 (ou 02, 03...)." >&2
    exit 2
fi
dir=$(ls -d "$src/${exo%%_*}"_* 2>/dev/null | head -n 1)
if [ -z "$dir" ]; then
    echo "Exercice « $exo » introuvable dans $src/." >&2
    exit 2
fi
exo=$(basename "$dir")
if [ -z "$prog" ]; then
    # Le programme principal du cours pour chaque chapitre, sinon le premier.
    for p in sequentiel threads asynchrone hello cpu_sequentiel partial; do
        [ -f "$dir/$p.c" ] && { prog=$p; break; }
    done
    [ -z "$prog" ] && prog=$(basename "$(ls "$dir"/*.c | head -n 1)" .c)
fi
"${MAKE:-make}" --no-print-directory -s "$build/$src/$exo/$prog" SRC="$src" || exit 1
echo "== $src/$exo/$prog (autres programmes : $(cd "$dir" && ls *.c | sed 's/\.c$//' | paste -sd' '))" >&2
demarrer_serveur "$latence"
echo "== serveur local : $TD6_SERVER (latence $latence ms)" >&2
# shellcheck disable=SC2086
"$build/$src/$exo/$prog" ${ARGS:-}
