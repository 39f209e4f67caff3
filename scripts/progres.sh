#!/usr/bin/env bash
# progres.sh SRC EXERCICE... — ce que fait `make progres` : où en est chaque
# exercice (✔/✘, tests réussis, points de Classroom), puis le premier test en échec, son message et
# l'étape 1 de son indice.
#
# Les résultats de chaque exercice sont gardés dans $BUILD/suivi/SRC/ ; un
# exercice n'est relancé que si ses sources (td6/NN_nom, tests/NN_nom,
# commun/) ont changé depuis. `make suivre` (scripts/suivre.sh) se sert des
# mêmes fonctions : il lit ce fichier avec « . ».
#
#   progres.sh --tester SRC EXO   compile et teste un seul exercice (pour
#                                 suivre.sh, qui le lance dans sa session).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/lib/td6.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib/indices.sh"
build=$td6_build
suivi=$build/suivi/${1:-td6}   # un dossier par arbre testé (td6, solutions)
[ "${1:-}" = --tester ] && suivi=$build/suivi/$2

# a_jour EXO : les résultats gardés sont-ils plus récents que les sources ?
a_jour() {
    local stamp=$suivi/$1.date
    [ -f "$stamp" ] && [ -f "$suivi/$1.txt" -o -f "$suivi/$1.compilation" ] &&
        [ -z "$(find "td6/$1" "tests/$1" commun "$build/tests/$1/suite" -newer "$stamp" \
                -print -quit 2>/dev/null)" ]
}

# tester SRC EXO : compile SRC/EXO puis lance sa suite ; résultats dans
# $suivi/EXO.{txt,json,log}, ou $suivi/EXO.compilation si rien ne compile.
tester() {
    local src=$1 exo=$2
    mkdir -p "$suivi"
    rm -f "$suivi/$exo".*
    touch "$suivi/$exo.date"   # avant : un fichier enregistré pendant le test sera plus récent
    if ! "${MAKE:-make}" --no-print-directory -s programmes SRC="$src" EXO="${exo%%_*}" \
            >"$suivi/$exo.compilation" 2>&1; then
        return 1
    fi
    rm -f "$suivi/$exo.compilation"
    NO_COLOR=1 lancer_suite "$exo" "$build/$src/$exo" "$src" "$suivi/$exo" >"$suivi/$exo.log" 2>&1
}

# verdicts EXO : « ok NOM » ou « echec NOM » par test ; un exercice qui ne
# compile pas a tous ses tests en échec (comme dans make test).
verdicts() {
    if [ -f "$suivi/$1.compilation" ]; then
        "$build/tests/$1/suite" --liste 2>/dev/null | cut -f1 | sed 's/^/echec /'
    else
        cat "$suivi/$1.txt"
    fi
}

# compter EXO CATEGORIE : « réussis total » des tests de cette catégorie.
compter() {
    local exo=$1 cat=$2 ok=0 total=0 verdict nom
    while read -r verdict nom; do
        [ "$(categorie "$exo" "$nom")" = "$cat" ] || continue
        total=$((total + 1))
        [ "$verdict" = ok ] && ok=$((ok + 1))
    done < <(verdicts "$exo")
    echo "$ok $total"
}

# etape1 EXO TEST : l'étape 1 de l'indice (« 1. L'idée : ... »), coupée
# comme par make indice, s'il est écrit en étapes ; sinon son premier
# paragraphe.
etape1() {
    local texte
    texte=$(indice_section "$1" "$2")
    case $2 in cli_*) [ -n "$texte" ] || texte=$(indice_section general ligne_de_commande) ;; esac
    if printf '%s\n' "$texte" | grep -q '^1\. '; then
        indice_temps "$texte" 1 | indice_couper
    else
        printf '%s\n' "$texte" | awk 'NF && !on && /^\(.*\)$/ { next } NF { on = 1 } on && !NF { exit } on' |
            sed 's/^/  /'
    fi
}

# points EXO [bonus] : les points de cet exercice au barème de Classroom
# (.github/classroom/autograding.json, comme tests/lib/bilan.c) ; 0 sans
# barème. Chaque entrée du barème lance « make test EXO=NN » (les points de
# base) ou « make test EXO=NN PARTIE=bonus » (ceux des bonus).
points() {
    awk -v nn="${1%%_*}" -v partie="${2:-}" '
        /"run":/ { ok = index($0, "EXO=" nn) > 0 && (index($0, "PARTIE=bonus") > 0) == (partie == "bonus") }
        /"points":/ && ok { gsub(/[^0-9]/, ""); total += $0; ok = 0 }
        END { print total + 0 }
    ' "${TD6_AUTOGRADING:-.github/classroom/autograding.json}" 2>/dev/null || echo 0
}

# ligne EXO : une ligne du tableau pour cet exercice, aux colonnes de celui
# de make test : tests de base réussis, points de Classroom, bonus.
ligne() {
    local exo=$1 ok total bok btotal marque=✘ w cellule
    if [ ! -f "$suivi/$exo.txt" ] && [ ! -f "$suivi/$exo.compilation" ]; then
        printf '  · %-22s pas encore testé\n' "$exo"
        return
    fi
    read -r ok total <<<"$(compter "$exo" base)"
    read -r bok btotal <<<"$(compter "$exo" bonus)"
    w=$(points "$exo")
    [ "$ok" -eq "$total" ] && [ ! -f "$suivi/$exo.compilation" ] && marque=✔
    if [ "$total" -eq 0 ]; then
        # Aucun test de base (tout le chapitre est en bonus) : rien à noter
        # ici, comme le « · » de make test.
        marque=·
        cellule=$(printf '%6s%4s %6s%4s' - '' - '')
    else
        cellule=$(printf '%4d / %-3d %4d / %-3d' "$ok" "$total" "$([ $marque = ✔ ] && echo "$w" || echo 0)" "$w")
    fi
    [ "$btotal" -gt 0 ] && cellule="$cellule $(printf '%4d / %-3d' "$bok" "$btotal")"
    [ -f "$suivi/$exo.compilation" ] && cellule="$cellule   ne compile pas"
    a_jour "$exo" || cellule="$cellule   (avant vos dernières modifications)"
    printf '  %s %-22s %s\n' "$marque" "$exo" "$cellule"
}

# detail EXO : le premier test en échec de cet exercice, son message et
# l'étape 1 de son indice (ou les erreurs de compilation).
detail() {
    local exo=$1 nom n bloc
    if [ -f "$suivi/$exo.compilation" ]; then
        echo "✘ $exo ne compile pas. Premières erreurs :"
        erreurs_du_compilateur "$suivi/$exo.compilation"
        echo
        echo "Indice :"
        etape1 general compilation
        return
    fi
    [ -f "$suivi/$exo.txt" ] || return 0
    nom=$(premier_echec "$exo" "$suivi/$exo.txt")
    if [ -z "$nom" ]; then
        echo "✔ $exo : tous les tests passent."
        return
    fi
    # La description et le message, tels que la suite les a affichés
    # (« ✘ description » puis « → message ») : le n-ième bloc du journal.
    n=$(grep -n "^echec $nom\$" "$suivi/$exo.txt" | head -n 1 | cut -d: -f1)
    bloc=$(awk -v n="$n" '/^  (✔|✘) / { k++ } k == n { print }' "$suivi/$exo.log")
    echo "Premier test en échec de $exo ($nom, $(categorie "$exo" "$nom" | sed -e 's/hors_note/non compté/' -e 's/base/compté dans la note/')) :"
    printf '%s\n' "$bloc" | head -n 1
    printf '%s\n' "$bloc" | sed -n '2,$p' | cut -c1-300 | head -n 6
    echo
    echo "Indice, étape 1 (make indice EXO=${exo%%_*} pour la suite) :"
    etape1 "$exo" "$nom"
}

# tableau EXO_DETAIL EXERCICE... : le tableau de tous les exercices, le
# total, puis le détail de EXO_DETAIL (ou du premier exercice pas fini).
tableau() {
    local focus=$1 suivant="" exo ok total somme=0 max=0 w pts=0 pts_max=0
    shift
    echo "TD6 — votre progression ($(date +%H:%M:%S))"
    echo
    printf '    %-22s %9s %9s %9s\n' Exercice Réussis Points Bonus
    for exo in "$@"; do
        ligne "$exo"
        [ -f "$suivi/$exo.txt" ] || [ -f "$suivi/$exo.compilation" ] || continue
        read -r ok total <<<"$(compter "$exo" base)"
        w=$(points "$exo")
        somme=$((somme + ok)) max=$((max + total)) pts_max=$((pts_max + w))
        if [ "$ok" -eq "$total" ] && [ ! -f "$suivi/$exo.compilation" ]; then
            pts=$((pts + w))
        elif [ -z "$suivant" ]; then
            suivant=$exo
        fi
    done
    echo
    echo "Réussis : tests de base réussis ; Points : barème de Classroom, tous ceux de"
    echo "l'exercice si tous ses tests de base passent, sinon 0 ; Bonus : tests à part."
    echo "Sur les exercices déjà testés (un exercice qui ne compile pas : 0 à tous ses tests) :"
    echo "  Note : $somme / $max tests de base réussis"
    [ "$pts_max" -gt 0 ] && echo "  Points (barème de Classroom) : $pts / $pts_max"
    echo
    # L'exercice demandé ; s'il est fini, le premier qui ne l'est pas.
    [ -n "$focus" ] && detail "$focus"
    if [ -n "$suivant" ] && [ "$suivant" != "$focus" ] &&
            { [ -z "$focus" ] || { [ -f "$suivi/$focus.txt" ] && [ ! -f "$suivi/$focus.compilation" ] &&
                                    [ -z "$(premier_echec "$focus" "$suivi/$focus.txt")" ]; }; }; then
        [ -n "$focus" ] && echo && echo "Au suivant :"
        detail "$suivant"
    fi
    return 0
}

# Lancé directement (pas lu par suivre.sh) :
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    if [ "${1:-}" = --tester ]; then
        tester "$2" "$3"
        exit
    fi
    src=$1
    shift
    for exo in "$@"; do
        if ! a_jour "$exo"; then
            echo "… je compile et teste $exo (ses sources ont changé depuis la dernière fois)"
            tester "$src" "$exo"
        fi
    done
    echo
    tableau "" "$@"
    echo
    echo "make suivre : la même chose à chaque enregistrement d'un fichier de td6/."
fi
