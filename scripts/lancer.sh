#!/usr/bin/env bash
# lancer.sh SRC EXO LATENCE [PROG] — ce que fait `make run EXO=NN`.
# Démarre le serveur local, lance un programme de l'exercice (celui du cours
# par défaut, PROG=nom pour un autre, ARGS="..." pour ses arguments), puis
# arrête le serveur.
# Chapitre 04 (un serveur web, port 5000 par défaut) : si le port 5000 est
# déjà pris et qu'ARGS ne donne pas de port, un port libre est choisi, et dit.
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
    for p in sequentiel threads asynchrone hello cpu_sequentiel partial repartition; do
        [ -f "$dir/$p.c" ] && { prog=$p; break; }
    done
    [ -z "$prog" ] && prog=$(basename "$(ls "$dir"/*.c | head -n 1)" .c)
fi
"${MAKE:-make}" --no-print-directory -s "$build/$src/$exo/$prog" SRC="$src" || exit 1
echo "== $src/$exo/$prog (autres programmes : $(cd "$dir" && ls *.c | sed 's/\.c$//' | paste -sd' '))" >&2
demarrer_serveur "$latence"
echo "== serveur local : $TD6_SERVER (latence $latence ms)" >&2

# ecoute PORT : quelqu'un écoute-t-il déjà sur 127.0.0.1:PORT ?
ecoute() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# shellcheck disable=SC2206
args=(${ARGS:-})
if [[ $exo == 04_* ]] && ! printf '%s\n' "${args[@]}" | grep -q '^[0-9]\+$' && ecoute 5000; then
    port=0
    for p in $(seq 5001 5099); do
        ecoute "$p" || { port=$p; break; }
    done
    if [ "$port" -eq 0 ]; then
        echo "== le port 5000 est déjà pris : $prog prend un port libre (son adresse s'affiche ci-dessous)" >&2
    else
        echo "== le port 5000 est déjà pris : $prog écoute sur le port $port (http://127.0.0.1:$port/comic)" >&2
    fi
    args+=("$port")
fi
# Le programme écrit sur le vrai stderr (fd 3) ; celui du shell est muet le
# temps de l'appel : s'il plante, bash n'y ajoute pas sa ligne en anglais
# (« Segmentation fault ») : make run le dit en français, avec où regarder.
{ "$build/$src/$exo/$prog" ${args[@]+"${args[@]}"} 2>&3 3>&-; } 3>&2 2>/dev/null
