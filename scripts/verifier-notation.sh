#!/usr/bin/env bash
# verifier-notation.sh — une note juste partout : sources du jour, même échelle, bonus à part, rapports valides, classe sans collision
#
# Appelé par scripts/verifier.sh (donc par `make check`). Tout se passe sur
# le chapitre 01 (le plus court) et dans un dossier à part. Vérifie :
#   1. make test EXO=99 et SRC=nope : message en français qui nomme ce qui
#      existe, code 2 ;
#   2. le bilan range les tests : bonus (tests/NN/bonus.txt) et cli_* (non
#      comptés) hors de la note de base, dans le tableau, le JSON, TAP ;
#      PARTIE=bonus juge les bonus ; le signal « bac-a-sable-absent » donne
#      une ligne ;
#   3. un programme qui affiche des couleurs (ESC), des caractères de
#      contrôle et de l'UTF-8 coupé : resultats.json (jq), junit.xml
#      (xmllint) et TAP restent valides, avec tous les tests ; JUnit a
#      tests/failures/errors/time et un type à chaque échec ; aucun fichier
#      temporaire ne reste ;
#   4. deux make test en même temps dans le même dossier, l'un sur les
#      solutions, l'autre sur une copie qui ne compile pas : chacun sa note
#      (6 / 6 et 0 / 6), et la copie qui ne compile pas vaut 0 sur ses 6
#      tests partout (tableau, JSON, TAP, JUnit) ;
#   5. make noter-classe : « gina x » et « gina_x » notés chacun pour soi ;
#      une copie regradée avec des sources plus vieilles que ses anciens
#      binaires (comme après unzip) est notée sur ses sources ; un .c
#      effacé est signalé manquant ; un dossier vide ne touche pas notes.csv.
# Code de sortie 0 si tout est conforme.
set -u
cd "$(dirname "$0")/.."
. scripts/lib/td6.sh
build=${BUILD:-build}
exo=01_sequentiel
# Un chemin relatif sous build/ : la règle de construction du Makefile
# s'applique aux copies telles quelles.
mkdir -p "$build/verif"
t=$(mktemp -d "$build/verif/notation-XXXXXX")
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/tmp-exterieur"
# make check EXO=NN ne construit que la suite NN : celle du 01 peut manquer.
"${MAKE:-make}" --no-print-directory -s "$build/tests/$exo/suite" "$build/tests/bilan" >"$t/make.log" 2>&1 ||
    { mauvais "la suite $exo ne se construit pas" "$(cat "$t/make.log")"; exit 1; }
export TMPDIR=$PWD/$t/tmp-exterieur
# Les tests de la suite : tous (n_tout : les rapports JSON, TAP, JUnit les
# citent tous), et les notés (n : ni cli_*). Comptés, pas écrits ici : un
# chiffre écrit vieillirait à chaque test ajouté.
n_tout=$("$build/tests/$exo/suite" --liste | grep -c .)
n=$("$build/tests/$exo/suite" --liste | cut -f1 | grep -vc '^cli_')

# ---- 1. Ce qui n'existe pas -----------------------------------------------
TD6_REQUESTED_EXO=99 scripts/tester.sh td6 >"$t/exo99.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "« 99 » n'existe pas" "$t/exo99.log" && grep -q "$exo" "$t/exo99.log"; then
    bon "make test EXO=99 : « $(head -n 1 "$t/exo99.log" | cut -c1-90)… », code 2"
else
    mauvais "make test EXO=99 : code $rc, attendu 2 et un message qui nomme les exercices" "$(cat "$t/exo99.log")"
fi
scripts/tester.sh nope "$exo" >"$t/nope.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q "« nope » n'existe pas" "$t/nope.log" && grep -q "td6" "$t/nope.log"; then
    bon "make test SRC=nope : le dossier manquant est nommé, avec ceux qui existent, code 2"
else
    mauvais "make test SRC=nope : code $rc, attendu 2 et un message" "$(cat "$t/nope.log")"
fi

# ---- 2. Base, bonus, non comptés -------------------------------------------
# Des résultats fabriqués pour le chapitre 03 : la base réussie, les bonus
# (boucle_*) ratés, un test cli_* raté.
mkdir -p "$t/faux/res"
{
    echo '{"exercice": "03_async", "tests": ['
    echo '{"nom": "tout_est_lu", "description": "d", "reussi": true, "message": ""},'
    echo '{"nom": "limite_m10", "description": "d", "reussi": true, "message": ""},'
    echo '{"nom": "boucle_tout_est_lu", "description": "d", "reussi": false, "message": "m"},'
    echo '{"nom": "boucle_transitions", "description": "d", "reussi": false, "message": "m"},'
    echo '{"nom": "cli_aide", "description": "d", "reussi": false, "message": "m"}]}'
} >"$t/faux/res/03_async.json"
echo "pas d'espaces de noms utilisateur" >"$t/faux/res/bac-a-sable-absent"
TD6_REPORTS=$t/faux "$build/tests/bilan" "$t/faux/res" 03_async >"$t/faux.log" 2>&1
rc=$?
TD6_PART=bonus TD6_REPORTS=$t/faux "$build/tests/bilan" "$t/faux/res" 03_async >/dev/null 2>&1
rc_bonus=$?
probleme=()
[ "$rc" -eq 0 ] || probleme+=("code $rc alors que toute la base passe")
[ "$rc_bonus" -eq 1 ] || probleme+=("PARTIE=bonus : code $rc_bonus, attendu 1 (bonus ratés)")
grep -q '^Note : 2 / 2$' "$t/faux.log" || probleme+=("la note n'est pas « 2 / 2 »")
grep -q '^Bonus, à part .* 0 / 2 tests' "$t/faux.log" || probleme+=("pas de ligne Bonus 0 / 2")
grep -q '^Non comptés .* 0 / 1' "$t/faux.log" || probleme+=("pas de ligne « Non comptés 0 / 1 »")
[ "$(grep -c 'Bac à sable indisponible' "$t/faux.log")" -eq 1 ] || probleme+=("pas de ligne « Bac à sable indisponible »")
jq -e '.note.total == 2 and .note.bonus.total == 2 and .note.hors_note.total == 1 and .note.bac_a_sable == false
       and .note.points == .note.points_max and .note.bonus.points == 0' "$t/faux/resultats.json" >/dev/null ||
    probleme+=("resultats.json : base, bonus, hors_note ou points faux")
[ "$(grep -c '# TODO' "$t/faux/resultats.tap")" -eq 3 ] || probleme+=("TAP : les 3 échecs hors base ne sont pas des « # TODO »")
if [ ${#probleme[@]} -eq 0 ]; then
    bon "bonus et tests cli_* à part : note 2 / 2, bonus 0 / 2, non comptés 0 / 1, une ligne « bac à sable indisponible »"
else
    mauvais "le rangement base / bonus / non comptés est faux :" "${probleme[@]}" "$(cat "$t/faux.log")"
fi

# ---- 3. Une sortie pleine de couleurs et d'UTF-8 coupé ---------------------
mkdir -p "$t/couleurs"
cp -r "solutions/$exo" "$t/couleurs/"
cat >"$t/couleurs/$exo/sequentiel.c" <<'EOF'
/* Copie de vérification : écrit des couleurs ANSI, des caractères de
 * contrôle et de l'UTF-8 coupé, partout où un message peut les citer. */
#include <stdio.h>

int main(void)
{
    for (int i = 0; i < 300; i++)
        fputs("\033[1;31mé\033[0m\x01\x7f", stdout);
    fputs("Read \xc3\n\xe2\x82\n", stdout);
    for (int i = 0; i < 300; i++)
        fputs("\033[33mà\a\b\f\v\x1b[2K", stderr);
    fputs("erreur \xf0\x9f\n", stderr);
    return 1;
}
EOF
TD6_RESULTS_DIR=$t/couleurs/res NO_COLOR=1 scripts/tester.sh "$t/couleurs" "$exo" >"$t/couleurs.log" 2>&1
# Tous les tests de la suite : les 6 de base et les cli_* (non comptés, mais
# présents dans chaque rapport).
tous=$(TD6_LIST=1 "$build/tests/$exo/suite" 2>/dev/null | wc -l)
probleme=()
xmllint --noout "$t/couleurs/junit.xml" 2>"$t/xmllint.log" || probleme+=("junit.xml invalide : $(head -n 3 "$t/xmllint.log")")
[ "$(xmllint --xpath 'count(//testsuite[@tests and @failures and @errors and @time])' "$t/couleurs/junit.xml" 2>/dev/null)" = 1 ] ||
    probleme+=("junit.xml : une testsuite sans tests/failures/errors/time")
[ "$(xmllint --xpath 'count(//failure[@type and @message])' "$t/couleurs/junit.xml" 2>/dev/null)" = \
  "$(xmllint --xpath 'count(//failure)' "$t/couleurs/junit.xml" 2>/dev/null)" ] ||
    probleme+=("junit.xml : un échec sans type ou sans message")
jq -e ".\"$exo\".tests | length == $n_tout" "$t/couleurs/resultats.json" >/dev/null 2>&1 ||
    probleme+=("resultats.json invalide ou sans ses $n_tout tests")
jq -e ".tests | length == $n_tout" "$t/couleurs/res/$exo.json" >/dev/null 2>&1 ||
    probleme+=("le JSON de la suite a perdu des tests")
[ "$(grep -cE '^(not )?ok ' "$t/couleurs/resultats.tap")" -eq $n_tout ] && grep -qx "1\.\.$n_tout" "$t/couleurs/resultats.tap" ||
    probleme+=("TAP : pas $n_tout lignes de résultat ou plan différent de 1..$n_tout")
LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$t/couleurs/resultats.tap" "$t/couleurs/junit.xml" "$t/couleurs/resultats.json" &&
    probleme+=("un caractère de contrôle brut reste dans les rapports")
if [ ${#probleme[@]} -eq 0 ]; then
    bon "sortie pleine d'ESC et d'UTF-8 coupé : JSON (jq), JUnit (xmllint) et TAP valides, $n_tout tests partout"
else
    mauvais "rapports abîmés par la sortie du programme :" "${probleme[@]}"
fi

# ---- 4. Deux make test en même temps ; une copie qui ne compile pas -------
mkdir -p "$t/casse"
cp -r "solutions/$exo" "$t/casse/"
echo 'int oubli(' >>"$t/casse/$exo/sequentiel.c"
export TD6_RUNS_DIR=$t/essais
NO_COLOR=1 scripts/tester.sh solutions "$exo" >"$t/a.log" 2>&1 &
NO_COLOR=1 scripts/tester.sh "$t/casse" "$exo" >"$t/b.log" 2>&1 &
wait
if grep -q "^Note : $n / $n\$" "$t/a.log" && grep -q "^Note : 0 / $n\$" "$t/b.log"; then
    bon "deux make test en même temps : solutions $n / $n, copie qui ne compile pas 0 / $n, sans mélange"
else
    mauvais "deux make test en même temps se mélangent :" "$(grep '^Note' "$t/a.log") / $(grep '^Note' "$t/b.log")"
fi
if [ -z "$(ls -A "$TD6_RUNS_DIR")" ] && [ -z "$(ls -A "$TMPDIR")" ]; then
    bon "aucun dossier d'exécution ni fichier temporaire laissé derrière"
else
    mauvais "des fichiers restent :" "$(ls "$TD6_RUNS_DIR" "$TMPDIR" | head -n 10)"
fi
TD6_RESULTS_DIR=$t/casse/res NO_COLOR=1 scripts/tester.sh "$t/casse" "$exo" >"$t/casse.log" 2>&1
probleme=()
grep -q "^Note : 0 / $n\$" "$t/casse.log" || probleme+=("tableau : $(grep '^Note' "$t/casse.log")")
jq -e ".\"$exo\".total == $n and .\"$exo\".reussis == 0 and .note.total == $n" "$t/casse/resultats.json" >/dev/null 2>&1 ||
    probleme+=("JSON : pas 0 sur $n")
[ "$(grep -c '^not ok ' "$t/casse/resultats.tap")" -eq $n_tout ] && grep -qx "1\.\.$n_tout" "$t/casse/resultats.tap" ||
    probleme+=("TAP : pas $n_tout échecs sur un plan 1..$n_tout")
[ "$(xmllint --xpath 'string(//testsuite/@tests)' "$t/casse/junit.xml" 2>/dev/null)" = $n_tout ] &&
    [ "$(xmllint --xpath 'string(//testsuite/@errors)' "$t/casse/junit.xml" 2>/dev/null)" = $n_tout ] ||
    probleme+=("JUnit : pas tests=$n_tout errors=$n_tout")
if [ ${#probleme[@]} -eq 0 ]; then
    bon "une copie qui ne compile pas vaut 0 sur ses $n tests dans le tableau, le JSON, TAP et JUnit"
else
    mauvais "l'échelle change selon le rapport :" "${probleme[@]}"
fi

# ---- 5. La classe ----------------------------------------------------------
classe=$t/classe
mkdir -p "$t/copies/gina x/td6" "$t/copies/gina_x/td6"
cp -r "solutions/$exo" "$t/copies/gina x/td6/"
cp -r "$t/casse/$exo" "$t/copies/gina_x/td6/"
TD6_CLASS_DIR=$classe NO_COLOR=1 scripts/noter-classe.sh "$t/copies" "$exo" >"$t/classe1.log" 2>&1
probleme=()
grep -q "^\"gina x\",$exo,$n,$n,10,10," "$classe/notes.csv" 2>/dev/null || probleme+=("« gina x » n'a pas $n/$n et 10/10 points")
grep -q "^\"gina_x\",$exo,0,$n,0,10," "$classe/notes.csv" 2>/dev/null || probleme+=("« gina_x » n'a pas 0/$n (ne compile pas)")
grep -q "même nom de dossier" "$t/classe1.log" || probleme+=("la collision des noms n'est pas signalée")
if [ ${#probleme[@]} -eq 0 ]; then
    bon "noter-classe : « gina x » $n/$n (10 points) et « gina_x » 0/$n notés chacun pour soi, collision signalée"
else
    mauvais "noter-classe et les noms qui se confondent :" "${probleme[@]}" "$(cat "$t/classe1.log")" "$(cat "$classe/notes.csv" 2>/dev/null)"
fi
# Regradées : « gina x » rend un fichier qui ne compile pas, daté de 2001
# (plus vieux que tout binaire d'hier) ; « gina_x » a effacé son .c.
cp "$t/casse/$exo/sequentiel.c" "$t/copies/gina x/td6/$exo/sequentiel.c"
touch -d '2001-01-01' "$t/copies/gina x/td6/$exo/"*
rm "$t/copies/gina_x/td6/$exo/sequentiel.c"
TD6_CLASS_DIR=$classe NO_COLOR=1 scripts/noter-classe.sh "$t/copies" "$exo" >"$t/classe2.log" 2>&1
probleme=()
grep -q "^\"gina x\",$exo,0,$n,0,10," "$classe/notes.csv" || probleme+=("sources datées de 2001 : pas notées sur elles ($(grep 'gina x' "$classe/notes.csv"))")
grep -q "^\"gina_x\",$exo,0,$n," "$classe/notes.csv" || probleme+=("un .c effacé n'est pas noté 0")
cat "$classe"/resultats/*/sortie.txt | grep -q "manquants.*gina_x.*sequentiel.c" || probleme+=("le fichier effacé n'est pas nommé manquant")
if [ ${#probleme[@]} -eq 0 ]; then
    bon "copie regradée : sources de 2001 notées sur elles-mêmes (0/$n), fichier effacé signalé manquant"
else
    mauvais "la notation suit d'anciens binaires :" "${probleme[@]}"
fi
somme=$(sha256sum <"$classe/notes.csv")
mkdir -p "$t/vide"
TD6_CLASS_DIR=$classe scripts/noter-classe.sh "$t/vide" "$exo" >"$t/classe3.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && [ "$(sha256sum <"$classe/notes.csv")" = "$somme" ]; then
    bon "un dossier sans copie : code $rc, notes.csv de la dernière notation gardé"
else
    mauvais "un dossier sans copie a remplacé notes.csv (code $rc)"
fi

echo "    $bons conformes, $mauvais non conformes"
[ "$mauvais" -eq 0 ]
