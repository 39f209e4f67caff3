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
#   - ses sources td6/NN_nom/ sont compilées HORS de sa copie, dans un
#     dossier neuf (scripts/tester.sh), avec le Makefile, les options
#     (-Wall -Wextra -Werror) et le commun/ de CE dépôt-ci ;
#   - elles sont jugées par les suites de CE dépôt (build/tests/) contre le
#     serveur de CE dépôt (build/serveur/) : ce que l'étudiant aurait changé
#     dans ses tests/, son serveur/, ses scripts/, son Makefile ou son
#     commun/ n'a aucun effet — mais c'est signalé : chaque fichier de sa
#     copie, hors de td6/, qui diffère de celui de ce dépôt (ou n'y est pas)
#     est listé.
# Résultats, dans $BUILD/classe/ :
#   notes.csv          une ligne par étudiant et par exercice :
#                      etudiant,exercice,reussis,total,points,points_max,
#                      bonus_reussis,bonus_total,bonus_points,bonus_points_max,
#                      hors_note_reussis,hors_note_total
#                      (reussis/total : les tests de base ; un exercice qui
#                      ne compile pas vaut 0 sur tous ses tests ; points :
#                      le barème de .github/classroom/autograding.json, comme
#                      Classroom) ;
#   modifications.csv  etudiant,fichier : les fichiers hors de td6/ changés ;
#   resultats/<nom>/   sortie.txt (ce que make test aurait affiché),
#                      resultats.json, junit.xml, resultats.tap, detail/.
# notes.csv est écrit d'un coup, et seulement si au moins une copie a été
# notée : une exécution ratée ne remplace pas la dernière bonne.
# Deux noms d'étudiants qui donneraient le même dossier (« gina x » et
# « gina_x ») sont départagés (« gina_x-2 ») et on le dit.
#
# Le code des étudiants tourne sous le contrôle du harnais (temps, sortie,
# processus bornés) ; voir ENSEIGNANT.md pour ce que cela protège ou non.
set -u
copies=${1:-}
shift || true
build=${BUILD:-build}
classe=${TD6_CLASS_DIR:-$build/classe}
dossier=$(cd "$(dirname "$0")" && pwd)

if [ -z "$copies" ] || [ ! -d "$copies" ]; then
    echo "usage : make noter-classe COPIES=dossier (un sous-dossier par étudiant, chacun un clone du TD)." >&2
    [ -n "$copies" ] && echo "« $copies » n'est pas un dossier." >&2
    exit 2
fi
if [ $# -eq 0 ]; then
    echo "make noter-classe : l'exercice « ${TD6_REQUESTED_EXO:-} » n'existe pas. Exercices : $(ls -d td6/[0-9][0-9]_* 2>/dev/null | sed 's|^td6/||' | paste -sd' ')." >&2
    exit 2
fi
copies=$(cd "$copies" && pwd)
# Le bac à sable : quand les programmes ne peuvent pas être isolés (voir
# tests/lib/bac_a_sable.c ; la suite le sonde), la notation d'une classe
# est refusée ici, avant toute copie, sauf SANS_BAC_A_SABLE=1 ; le tableau
# de chaque copie le dit alors en une ligne (fichier « bac-a-sable-absent »
# dans son dossier de résultats, déposé par la suite, lu par
# tests/lib/bilan.c).
if [ "${SANS_BAC_A_SABLE:-0}" = 0 ] &&
        ! why=$(TD6_SANDBOX_PROBE=1 "$build/tests/$1/suite" 2>&1); then
    echo "noter-classe : bac à sable indisponible ($why) : le code des étudiants tournerait avec vos droits. Installez bubblewrap (scripts/dependances.sh) et autorisez les espaces de noms, ou notez quand même avec « make noter-classe SANS_BAC_A_SABLE=1 »." >&2
    exit 2
fi
mkdir -p "$classe/copies" "$classe/resultats"
csv=$classe/notes.csv
tmp_csv=$classe/notes.csv.tmp-$$
tmp_mod=$classe/modifications.csv.tmp-$$
trap 'rm -f "$tmp_csv" "$tmp_mod"' EXIT
echo "etudiant,exercice,reussis,total,points,points_max,bonus_reussis,bonus_total,bonus_points,bonus_points_max,hors_note_reussis,hors_note_total" >"$tmp_csv"
echo "etudiant,fichier" >"$tmp_mod"

# csv_quote TEXTE : un champ CSV entre guillemets.
csv_quote() { printf '"%s"' "$(printf '%s' "$1" | sed 's/"/""/g')"; }

declare -A taken=()
students=0
for dir in "$copies"/*/; do
    [ -d "$dir/td6" ] || continue
    dir=${dir%/}
    raw=$(basename "$dir")
    # Un nom sûr pour un chemin ; deux étudiants ne partagent jamais un
    # dossier de résultats.
    name=$(printf '%s' "$raw" | tr -c 'A-Za-z0-9._-' '_')
    if [ -n "${taken[$name]:-}" ]; then
        i=2
        while [ -n "${taken[$name-$i]:-}" ]; do i=$((i + 1)); done
        echo "⚠ « $raw » et « ${taken[$name]} » donnent le même nom de dossier : « $raw » est noté sous $name-$i." >&2
        name=$name-$i
    fi
    taken[$name]=$raw
    students=$((students + 1))
    # Les sources de l'étudiant, vues depuis ce dépôt par un lien : la règle
    # de construction du Makefile s'applique telle quelle.
    ln -sfn "$dir/td6" "$classe/copies/$name"
    src=$classe/copies/$name
    out=$classe/resultats/$name
    rm -rf "$out"
    mkdir -p "$out"

    # Ce qui, hors de td6/, diffère de ce dépôt-ci (ni .git/ ni build/).
    (cd "$dir" && find . \( -path ./td6 -o -path ./.git -o -path ./build \) -prune -o -type f -print) |
        sed 's|^\./||' | LC_ALL=C sort | while IFS= read -r f; do
            cmp -s -- "$dir/$f" "$f" 2>/dev/null || echo "$f"
        done >"$out/fichiers-modifies.txt"
    while IFS= read -r f; do
        echo "$(csv_quote "$raw"),$(csv_quote "$f")" >>"$tmp_mod"
    done <"$out/fichiers-modifies.txt"

    # Même chemin que make test : compilation (hors de la copie, dossier
    # neuf) puis suites en parallèle, avec les suites et le serveur d'ici.
    TD6_RESULTS_DIR=$out/detail TD6_PROTECTION=0 TD6_CSV=$tmp_csv TD6_STUDENT=$raw \
        NO_COLOR=1 "$dossier/tester.sh" "$src" "$@" >"$out/sortie.txt" 2>&1
    line="$raw : $(sed -n 's/^Note : //p' "$out/sortie.txt") tests"
    points=$(sed -n 's/^Points (barème de Classroom) : //p' "$out/sortie.txt")
    bonus=$(sed -n 's/^Bonus, à part (pour aller plus loin) : //p' "$out/sortie.txt")
    [ -n "$points" ] && line="$line, $points points"
    [ -n "$bonus" ] && line="$line ; bonus $bonus"
    n_mod=$(wc -l <"$out/fichiers-modifies.txt")
    [ "$n_mod" -gt 0 ] && line="$line ; ⚠ $n_mod fichier(s) hors de td6/ modifié(s) : $(head -n 5 "$out/fichiers-modifies.txt" | paste -sd' ')"
    echo "$line"
done
if [ "$students" -eq 0 ]; then
    echo "Aucune copie dans $copies : il faut un sous-dossier par étudiant, contenant td6/. $csv n'est pas modifié." >&2
    exit 2
fi
if [ "$(wc -l <"$tmp_csv")" -le 1 ]; then
    echo "Aucune copie n'a pu être notée (voir $classe/resultats/*/sortie.txt) : $csv n'est pas modifié." >&2
    exit 1
fi
mv "$tmp_csv" "$csv"
mv "$tmp_mod" "$classe/modifications.csv"
echo "$students copies notées : $csv (fichiers modifiés : $classe/modifications.csv)"
