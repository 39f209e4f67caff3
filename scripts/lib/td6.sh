# scripts/lib/td6.sh — la bibliothèque commune des scripts du TD, à inclure
# (source) depuis la racine du dépôt : . scripts/lib/td6.sh
#
# Chaque outil n'y est écrit qu'une fois. Les noms de fonctions sont en
# français, comme les messages ; les variables d'environnement gardent leur
# préfixe TD6_.
#
# Suites et mutants
#   lancer_suite EXO BIN SOURCE RESULTATS
#                          la suite de EXO contre les binaires du dossier BIN
#                          (sortie standard héritée : à rediriger)
#   lister_mutants EXO...  les mutants des exercices, un chemin par ligne
#   nom_mutant FICHIER     son nom (sans dossier ni extension)
#   tests_echoues FICHIER  les tests de ses lignes « @echoue »
#   repetitions_mutant FICHIER [DEFAUT]
#                          sa ligne « @repetitions N », sinon DEFAUT (1)
#   preparer_mutant FICHIER RACINE
#                          RACINE/NN_nom = solutions/NN_nom avec le défaut
#   dossier_binaires RACINE EXO
#                          où `make programmes SRC=RACINE` construit EXO
#   construire_copie RACINE EXO
#                          construit les programmes de RACINE/EXO
#   echecs_manquants FICHIER RESULTATS
#                          les tests @echoue du mutant qui n'ont pas échoué
#                          dans RESULTATS.txt (rien : le mutant est refusé
#                          là où il le doit)
#   attendre_place N       attend qu'il y ait moins de N tâches de fond
#   nombre_de_cpu          les cœurs disponibles
# shellcheck shell=bash

export LC_NUMERIC=C
td6_build=${BUILD:-build}
td6_make=${MAKE:-make}

# ---- Suites et mutants ---------------------------------------------------

lancer_suite() {
    TD6_EXO=$1 TD6_BIN=$2 TD6_SOURCE=$3 TD6_RESULTATS=$4 \
    TD6_SERVEUR_BIN=$td6_build/serveur/serveur \
        "$td6_build/tests/$1/suite"
}

# Un mutant est un patch (tests/mutants/NN_nom/<prog>-<défaut>.patch) ou,
# ancienne forme, un programme complet (<prog>-<défaut>.c) qui remplace
# <prog> parmi les solutions.
lister_mutants() {
    local exo m
    for exo in "$@"; do
        for m in tests/mutants/"$exo"/*.patch tests/mutants/"$exo"/*.c; do
            [ -e "$m" ] && echo "$m"
        done
    done
}

nom_mutant() {
    local f=${1##*/}
    echo "${f%.*}"
}

tests_echoues() {
    sed -n 's/.*@echoue[[:space:]]\+\([A-Za-z0-9_]\+\).*/\1/p' "$1"
}

repetitions_mutant() {
    local n
    n=$(sed -n 's/.*@repetitions[[:space:]]\+\([0-9]\+\).*/\1/p' "$1" | head -n 1)
    echo "${n:-${2:-1}}"
}

dossier_binaires() {
    echo "$td6_build/$1/$2"
}

# preparer_mutant FICHIER RACINE : copie solutions/NN_nom dans RACINE/NN_nom
# et y met le défaut (patch -p1, ou le .c qui remplace son programme). Un
# patch qui ne s'applique plus écrit pourquoi et renvoie 1.
#
# Les binaires des programmes que le défaut ne touche pas sont repris des
# solutions (déjà construites), plus récents que leurs sources : make ne
# recompile que ce qui change. Si le défaut touche autre chose qu'un
# programme (un fichier d'aide du chapitre), tout est recompilé.
preparer_mutant() {
    local m=$1 racine=$2 exo copie bin touches f p reprendre=1
    exo=$(basename "$(dirname "$m")")
    copie=$racine/$exo
    bin=$(dossier_binaires "$racine" "$exo")
    rm -rf "$racine" "$bin"
    mkdir -p "$copie" "$bin"
    cp -R solutions/"$exo"/. "$copie"/
    case $m in
        *.patch)
            if ! patch -p1 -s --no-backup-if-mismatch -d "$copie" <"$m" >"$racine.patch.log" 2>&1; then
                echo "le patch ne s'applique plus à solutions/$exo :"
                sed 's/^/    /' "$racine.patch.log" | head -n 10
                return 1
            fi
            touches=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$m")
            ;;
        *)
            touches=$(nom_mutant "$m")
            touches=${touches%%-*}.c
            cp "$m" "$copie/$touches"
            ;;
    esac
    for f in $touches; do
        [ -x "$td6_build/solutions/$exo/${f%.c}" ] && [ "${f%.c}" != "$f" ] || reprendre=0
    done
    [ "$reprendre" -eq 1 ] || return 0
    for p in "$td6_build/solutions/$exo"/*; do
        [ -x "$p" ] || continue
        case " $touches " in *" $(basename "$p").c "*) continue ;; esac
        cp "$p" "$bin/" && touch "$bin/$(basename "$p")"
    done
}

construire_copie() {
    "$td6_make" --no-print-directory -s programmes SRC="$1" EXO="${2%%_*}"
}

echecs_manquants() {
    local t
    for t in $(tests_echoues "$1"); do
        grep -qx "echec $t" "$2.txt" 2>/dev/null || echo "$t"
    done
}

attendre_place() {
    while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n 2>/dev/null || true; done
}

nombre_de_cpu() {
    nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1
}
