#!/usr/bin/env bash
# progres.sh SRC EXERCICE... — ce que fait `make progres` : où en est chaque
# exercice (✔/✘, points), puis le premier test en échec, son message et
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
build=$td6_build
hints=${TD6_HINTS:-indices.fr.md}
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

# categorie EXO TEST : base, bonus (tests/EXO/bonus.txt) ou hors_note (cli_*
# et tests/EXO/hors_note.txt : le code fourni), comme tests/lib/bilan.c.
categorie() {
    case $2 in cli_*) echo hors_note; return ;; esac
    if liste_noms "tests/$1/hors_note.txt" | grep -qx -- "$2"; then
        echo hors_note; return
    fi
    if liste_noms "tests/$1/bonus.txt" | grep -qx -- "$2"; then
        echo bonus
    else
        echo base
    fi
}

# compter EXO CATEGORIE : « réussis total » des tests de cette catégorie.
compter() {
    local exo=$1 cat=$2 ok=0 total=0 verdict nom
    while read -r verdict nom; do
        [ "$(categorie "$exo" "$nom")" = "$cat" ] || continue
        total=$((total + 1))
        [ "$verdict" = ok ] && ok=$((ok + 1))
    done <"$suivi/$exo.txt"
    echo "$ok $total"
}

# premier_echec EXO : le premier test en échec, de base d'abord, puis bonus,
# puis hors note ; rien si tout passe.
premier_echec() {
    local cat verdict nom
    for cat in base bonus hors_note; do
        while read -r verdict nom; do
            if [ "$verdict" = echec ] && [ "$(categorie "$1" "$nom")" = "$cat" ]; then
                echo "$nom"
                return
            fi
        done <"$suivi/$1.txt"
    done
}

# section EXO TEST : le texte de « ### TEST » sous « ## EXO » dans les indices.
section() {
    awk -v exo="$1" -v test="$2" '
        /^## / { in_exo = ($2 == exo); in_test = 0; next }
        /^### / { in_test = in_exo && ($2 == test); next }
        in_test { print }
    ' "$hints" 2>/dev/null
}

# etape1 EXO TEST : l'étape 1 de l'indice (« 1. L'idée : ... ») s'il est
# écrit en étapes, sinon son premier paragraphe.
etape1() {
    local texte
    texte=$(section "$1" "$2")
    case $2 in cli_*) [ -n "$texte" ] || texte=$(section general ligne_de_commande) ;; esac
    if printf '%s\n' "$texte" | grep -q '^1\. '; then
        printf '%s\n' "$texte" | awk '/^1\. / { on = 1 } on && (/^[2-9]\. / || /^$/) { exit } on'
    else
        printf '%s\n' "$texte" | awk 'NF { on = 1 } on && !NF { exit } on && !/^\(/'
    fi
}

# ligne EXO : une ligne du tableau pour cet exercice.
ligne() {
    local exo=$1 base bonus ok total bok btotal marque note
    if [ -f "$suivi/$exo.compilation" ]; then
        printf '  ✘ %-22s ne compile pas\n' "$exo"
        return
    fi
    if [ ! -f "$suivi/$exo.txt" ]; then
        printf '  · %-22s pas encore testé\n' "$exo"
        return
    fi
    read -r ok total <<<"$(compter "$exo" base)"
    read -r bok btotal <<<"$(compter "$exo" bonus)"
    marque=✘
    [ "$ok" -eq "$total" ] && marque=✔
    note=$(printf '%2d / %-2d' "$ok" "$total")
    [ "$btotal" -gt 0 ] && note="$note   bonus $bok / $btotal"
    a_jour "$exo" || note="$note   (avant vos dernières modifications)"
    printf '  %s %-22s %s\n' "$marque" "$exo" "$note"
}

# detail EXO : le premier test en échec de cet exercice, son message et
# l'étape 1 de son indice (ou les erreurs de compilation).
detail() {
    local exo=$1 nom n bloc
    if [ -f "$suivi/$exo.compilation" ]; then
        echo "✘ $exo ne compile pas. Premières erreurs :"
        sed 's/^/    /' "$suivi/$exo.compilation" | head -n 12
        echo
        echo "Indice :"
        etape1 general compilation | sed 's/^/  /'
        return
    fi
    [ -f "$suivi/$exo.txt" ] || return 0
    nom=$(premier_echec "$exo")
    if [ -z "$nom" ]; then
        echo "✔ $exo : tous les tests passent."
        return
    fi
    # La description et le message, tels que la suite les a affichés
    # (« ✘ description » puis « → message ») : le n-ième bloc du journal.
    n=$(grep -n "^echec $nom\$" "$suivi/$exo.txt" | head -n 1 | cut -d: -f1)
    bloc=$(awk -v n="$n" '/^  (✔|✘) / { k++ } k == n { print }' "$suivi/$exo.log")
    echo "Premier test en échec de $exo ($nom, $(categorie "$exo" "$nom" | sed 's/hors_note/non noté/')) :"
    printf '%s\n' "$bloc" | head -n 1
    printf '%s\n' "$bloc" | sed -n '2,$p' | cut -c1-300 | head -n 6
    echo
    echo "Indice, étape 1 (make indice EXO=${exo%%_*} pour la suite) :"
    etape1 "$exo" "$nom" | sed 's/^/  /'
}

# tableau EXO_DETAIL EXERCICE... : le tableau de tous les exercices, le
# total, puis le détail de EXO_DETAIL (ou du premier exercice pas fini).
tableau() {
    local focus=$1 suivant="" exo ok total somme=0 max=0
    shift
    echo "TD6 — votre progression ($(date +%H:%M:%S))"
    echo
    for exo in "$@"; do
        ligne "$exo"
        if [ -f "$suivi/$exo.txt" ] && [ ! -f "$suivi/$exo.compilation" ]; then
            read -r ok total <<<"$(compter "$exo" base)"
            somme=$((somme + ok)) max=$((max + total))
            [ -z "$suivant" ] && [ "$ok" -lt "$total" ] && suivant=$exo
        elif [ -z "$suivant" ] && [ -f "$suivi/$exo.compilation" ]; then
            suivant=$exo
        fi
    done
    echo
    echo "Points (exercices testés, hors bonus) : $somme / $max"
    echo
    # L'exercice demandé ; s'il est fini, le premier qui ne l'est pas.
    [ -n "$focus" ] && detail "$focus"
    if [ -n "$suivant" ] && [ "$suivant" != "$focus" ] &&
            { [ -z "$focus" ] || { [ -f "$suivi/$focus.txt" ] && [ ! -f "$suivi/$focus.compilation" ] &&
                                    [ -z "$(premier_echec "$focus")" ]; }; }; then
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
