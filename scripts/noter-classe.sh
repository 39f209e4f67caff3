#!/usr/bin/env bash
# noter-classe.sh COPIES EXERCICE... — ce que fait `make noter-classe COPIES=dossier`.
#
# Note toutes les copies d'une classe en une fois. COPIES contient un
# sous-dossier par étudiant, chacun un clone du TD (seul son td6/ compte) :
#
#     copies/alice/td6/01_sequentiel/sequentiel.c ...
#     copies/bob/td6/...
#
# Pour chaque étudiant et chaque exercice :
#   - ses sources td6/NN_nom/*.c sont compilées HORS de sa copie, dans
#     $BUILD/classe/, avec le Makefile, les options (-Wall -Wextra -Werror)
#     et le commun/ de CE dépôt-ci ;
#   - elles sont jugées par les suites de CE dépôt (build/tests/) contre le
#     serveur de CE dépôt (build/serveur/) : ce que l'étudiant aurait changé
#     dans ses tests/, son serveur/, son Makefile ou son commun/ n'a aucun
#     effet.
# Résultat : $BUILD/classe/notes.csv, une ligne par étudiant et par
# exercice : etudiant,exercice,reussis,total (un exercice qui ne compile pas
# vaut 0 sur le nombre de tests de sa suite). Les détails (messages de
# chaque test) sont dans $BUILD/classe/resultats/<etudiant>/ : sortie.txt
# (ce que make test aurait affiché) et detail/<exercice>.json.
#
# Attention : le code des étudiants s'exécute avec vos droits. Le harnais
# borne le temps, la sortie et le nombre de processus de chaque programme,
# mais ce n'est pas un bac à sable : notez dans un compte ou une machine
# virtuelle dédiés si vous n'avez pas confiance.
set -u
copies=${1:-}
shift || true
build=${BUILD:-build}
make=${MAKE:-make}
classe=${TD6_CLASSE:-$build/classe}

if [ -z "$copies" ] || [ ! -d "$copies" ]; then
    echo "Usage : make noter-classe COPIES=dossier (un sous-dossier par étudiant, chacun un clone du TD)." >&2
    [ -n "$copies" ] && echo "« $copies » n'est pas un dossier." >&2
    exit 2
fi
# Le code des étudiants ne tourne que dans le bac à sable (voir
# tests/lib/bac_a_sable.c) ; sans lui, il aurait vos droits : on refuse,
# sauf demande explicite (make noter-classe SANS_BAC_A_SABLE=1).
if [ "${SANS_BAC_A_SABLE:-0}" = 0 ] && [ $# -gt 0 ] &&
        ! why=$(TD6_SONDE_BAC_A_SABLE=1 "$build/tests/$1/suite" 2>&1); then
    echo "noter-classe : bac à sable indisponible ($why) : le code des étudiants tournerait avec vos droits. Installez bubblewrap (scripts/dependances.sh) et autorisez les espaces de noms, ou notez quand même avec « make noter-classe SANS_BAC_A_SABLE=1 »." >&2
    exit 2
fi
copies=$(cd "$copies" && pwd)
mkdir -p "$classe/copies" "$classe/resultats"
csv=$classe/notes.csv
echo "etudiant,exercice,reussis,total" >"$csv"

# Nombre de tests de la suite d'un exercice (sans rien lancer).
suite_size() {
    TD6_LISTER=1 TD6_EXO=$1 "$build/tests/$1/suite" 2>/dev/null | wc -l
}

students=0
for dir in "$copies"/*/; do
    [ -d "$dir/td6" ] || continue
    raw=$(basename "$dir")
    # Un nom sûr pour un chemin et pour le CSV.
    name=$(printf '%s' "$raw" | tr -c 'A-Za-z0-9._-' '_')
    students=$((students + 1))
    # Les sources de l'étudiant, vues depuis ce dépôt par un lien : la règle
    # de construction du Makefile s'applique telle quelle.
    ln -sfn "$(cd "$dir/td6" && pwd)" "$classe/copies/$name"
    src=$classe/copies/$name
    out=$classe/resultats/$name
    rm -rf "$out"
    mkdir -p "$out"
    # Même chemin que make test : compilation (hors de la copie) puis suites
    # en parallèle, avec les suites et le serveur de ce dépôt.
    TD6_BUILD_PROGRAMMES=$classe/bin TD6_DOSSIER_RESULTATS=$out/detail TD6_PROTECTION=0 \
        NO_COLOR=1 "$(dirname "$0")/tester.sh" "$src" "$@" >"$out/sortie.txt" 2>&1
    line="$raw :"
    passed_all=0 total_all=0
    for exo in "$@"; do
        if [ -f "$out/detail/$exo.txt" ]; then
            passed=$(grep -c '^ok ' "$out/detail/$exo.txt")
            total=$(wc -l <"$out/detail/$exo.txt")
        else
            # Pas compilé (ou suite interrompue) : 0 sur la taille de la suite.
            passed=0
            total=$(suite_size "$exo")
        fi
        echo "$name,$exo,$passed,$total" >>"$csv"
        line="$line ${exo%%_*} $passed/$total"
        passed_all=$((passed_all + passed))
        total_all=$((total_all + total))
    done
    echo "$line — $passed_all/$total_all"
done
if [ "$students" -eq 0 ]; then
    echo "Aucune copie dans $copies : il faut un sous-dossier par étudiant, contenant td6/." >&2
    exit 2
fi
echo "$students copies notées : $csv"
