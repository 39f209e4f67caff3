#!/usr/bin/env bash
# indice.sh SRC EXERCICE... — ce que fait `make indice EXO=NN`.
#
# Lance les tests de l'exercice (le premier qui échoue, si EXO n'est pas
# donné) et affiche l'indice du PREMIER test en échec (compté dans la note
# d'abord, puis bonus, puis non compté) : sa section
# « ### <test> » sous « ## <exercice> » dans indices.fr.md, à côté du cours.
# Un indice a trois temps (1. l'idée, 2. où regarder, 3. la forme du code) :
# la première demande montre le temps 1, chaque nouvelle demande pour le
# même test ajoute le suivant (le niveau atteint est gardé dans
# build/indice/niveaux/), et NIVEAU=1, 2 ou 3 choisit le temps d'office.
# Si le programme a bloqué, planté, inondé sa sortie, lancé trop de
# processus ou fâché un sanitizer, l'indice général correspondant
# (« ## general ») vient d'abord.
# Code de sortie : 0 quand un indice a été donné (ou que tout passe) : make
# indice a fait son travail ; 1 si la suite n'a pas pu tourner.
set -u
. "$(dirname "$0")/lib/td6.sh"
. "$(dirname "$0")/lib/indices.sh"
src=$1
shift
build=$td6_build
out=$build/indice
mkdir -p "$out"

# Le temps à montrer pour EXO/TEST : NIVEAU s'il est donné, sinon un de
# plus que la dernière fois (au plus 3). Le niveau montré est retenu.
level_for() {
    local memo=$out/niveaux/$1.$2 last=0 level
    mkdir -p "$out/niveaux"
    [ -f "$memo" ] && last=$(cat "$memo")
    case ${NIVEAU:-} in
        1|2|3) level=$NIVEAU ;;
        "") level=$((last + 1)); [ "$level" -gt 3 ] && level=3 ;;
        *) echo "NIVEAU vaut 1, 2 ou 3 (ici « $NIVEAU ») : je donne le temps suivant." >&2
           level=$((last + 1)); [ "$level" -gt 3 ] && level=3 ;;
    esac
    echo "$level" >"$memo"
    echo "$level"
}

# L'indice général qui correspond au message d'échec, ou rien.
category() {
    case $1 in
        *"ne compile pas"*) echo compilation ;;
        *"ne s'est pas terminé"*|*"dépassé son délai"*|*"n'a rien affiché à temps"*) echo blocage ;;
        *"a planté"*) echo plantage ;;
        *"plus de 8 Mio"*) echo inondation ;;
        *"processus à la fois"*) echo processus ;;
        *"derrière lui"*) echo restes ;;
        *"sanitizer a trouvé"*|*"valgrind"*) echo sanitizer ;;
    esac
}

for exo in "$@"; do
    echo "== $exo ($src) : je lance les tests..."
    if ! "${MAKE:-make}" --no-print-directory -s programmes SRC="$src" EXO="${exo%%_*}" \
            >"$out/$exo.compilation" 2>&1; then
        echo
        echo "✘ $exo ne compile pas. Premières erreurs :"
        erreurs_du_compilateur "$out/$exo.compilation"
        echo
        echo "Indice :"
        indice_section general compilation | sed 's/^/  /'
        exit 0
    fi
    construire_sanitizers "$build" "$src" "$exo" >>"$out/$exo.compilation" 2>&1
    NO_COLOR=1 lancer_suite "$exo" "$build/$src/$exo" "$src" "$out/$exo" >"$out/$exo.log" 2>&1
    first=""
    [ -f "$out/$exo.txt" ] && first=$(premier_echec "$exo" "$out/$exo.txt")
    if [ -z "$first" ] && [ -f "$out/$exo.txt" ]; then
        echo "✔ tous les tests de $exo passent ($(wc -l <"$out/$exo.txt")) : pas d'indice à donner."
        continue
    fi
    if [ -z "$first" ]; then
        echo "La suite de $exo n'a pas pu tourner jusqu'au bout :"
        tail -n 5 "$out/$exo.log" | sed 's/^/    /'
        exit 1
    fi
    # La description et le message du test, tels que la suite les a
    # affichés (« ✘ description » puis « → message »).
    n=$(grep -n "^echec $first\$" "$out/$exo.txt" | head -n 1 | cut -d: -f1)
    block=$(awk -v n="$n" '/^  (✔|✘) / { k++ } k == n { print }' "$out/$exo.log")
    message=$(printf '%s\n' "$block" | sed -n 's/^ *→ //p' | head -n 1)
    echo
    printf '%s\n' "$block" | head -n 1
    echo "    → $(printf '%s' "$message" | cut -c1-600)"
    echo
    text=$(indice_section "$exo" "$first")
    if [ -z "$text" ]; then
        echo "Indice pour « $first » :"
    fi
    general=$(category "$message")
    if [ -n "$general" ]; then
        echo "Conseil général :"
        indice_section general "$general" | sed 's/^/  /'
        echo
    fi
    case $first in cli_*) [ -n "$text" ] || text=$(indice_section general ligne_de_commande) ;; esac
    if [ -n "$text" ]; then
        level=$(level_for "$exo" "$first")
        names=("" "l'idée" "où regarder" "la forme du code")
        echo "Indice pour « $first » (temps $level sur 3 : ${names[$level]}) :"
        for n in $(seq 1 "$level"); do
            # Un temps par paragraphe, coupé à 76 colonnes, suite en retrait.
            indice_temps "$text" "$n" | indice_couper
        done
        echo
        if [ "$level" -lt 3 ]; then
            echo "Relancez make indice EXO=${exo%%_*} pour le temps suivant (ou NIVEAU=$((level + 1)))."
        fi
    else
        echo "  (pas d'indice écrit pour ce test : relisez le message ci-dessus et la section $exo du cours)"
        echo
    fi
    # Les tests de la même catégorie que celui-ci, comptés comme make test.
    kind=$(categorie "$exo" "$first")
    same=$(while read -r verdict nom; do
               [ "$(categorie "$exo" "$nom")" = "$kind" ] && echo "$verdict"
           done <"$out/$exo.txt")
    case $kind in
        base) label="Tests comptés dans la note" ;;
        bonus) label="Tests bonus (à part de la note)" ;;
        *) label="Tests non comptés (code fourni)" ;;
    esac
    echo "$label : $(grep -c '^echec' <<<"$same") en échec sur $(grep -c . <<<"$same") ; corrigez celui-ci, puis relancez make indice EXO=${exo%%_*}."
    exit 0
done
