#!/usr/bin/env bash
# verifier-exigences.sh — chaque exigence d'un chapitre a son test et son mutant (tests/NN_nom/EXIGENCES.md)
#
#     scripts/verifier-exigences.sh [EXERCICE...]     (lancé par make check)
#
# Chaque tests/NN_nom/EXIGENCES.md tient un tableau : une ligne par
# exigence du chapitre (son texte, ses TODO), le test qui la juge, le mutant
# qui prouve que ce test sait échouer :
#
#     | Exigence | Test | Mutant |
#     |---|---|---|
#     | chaque URL est lue une fois | `tout_est_lu` | `threads-jamais-joint` |
#
# (plusieurs tests ou mutants par case, chacun entre accents graves). On
# exige, pour chaque ligne :
#   1. au moins un test et au moins un mutant ;
#   2. chaque test existe dans la suite (TD6_TEST(nom, ...)) ;
#   3. chaque mutant existe (tests/mutants/NN_nom/<nom>.patch ou .c) ;
#   4. chaque test de la ligne est nommé par « @echoue <test> » dans un des
#      mutants de la ligne : le mutant prouve bien CE test.
# Et pour la suite entière : chacun de ses tests apparaît dans le tableau.
# Un test nommé dans la section « ## Trous » (un test sans mutant encore)
# est un défaut : make check échoue tant qu'il en reste un, en le nommant.
set -u
status=0
rows_total=0 holes_total=0
[ $# -gt 0 ] || set -- $(cd tests && ls -d [0-9][0-9]_* 2>/dev/null)

bad() { echo "  ✘ $1"; status=1; }

for exo in "$@"; do
    table=tests/$exo/EXIGENCES.md
    if [ ! -f "$table" ]; then
        bad "$exo : pas de tableau des exigences ($table)"
        continue
    fi
    suite_tests=$(sed -n 's/^TD6_TEST(\([a-z0-9_]*\),.*/\1/p' tests/"$exo"/*.c | sort -u)
    in_table=""
    rows=0
    # Les lignes du tableau : « | ... | ... | ... | », sauf l'en-tête et le
    # séparateur. La section « ## Trous » s'arrête au titre suivant.
    while IFS= read -r line; do
        req=$(echo "$line" | cut -d'|' -f2 | sed 's/^ *//; s/ *$//')
        tests=$(echo "$line" | cut -d'|' -f3 | grep -o '`[^`]*`' | tr -d '`')
        mutants=$(echo "$line" | cut -d'|' -f4 | grep -o '`[^`]*`' | tr -d '`')
        rows=$((rows + 1))
        if [ -z "$tests" ] || [ -z "$mutants" ]; then
            bad "$exo : « $req » : il faut un test ET un mutant"
            continue
        fi
        files=""
        for m in $mutants; do
            f=""
            for ext in patch c; do
                [ -f "tests/mutants/$exo/$m.$ext" ] && f=tests/mutants/$exo/$m.$ext
            done
            if [ -z "$f" ]; then
                bad "$exo : « $req » : le mutant $m n'existe pas (tests/mutants/$exo/$m.patch)"
            else
                files="$files $f"
            fi
        done
        for t in $tests; do
            in_table="$in_table $t"
            if ! echo "$suite_tests" | grep -qx "$t"; then
                bad "$exo : « $req » : le test $t n'existe pas dans tests/$exo/ (TD6_TEST)"
                continue
            fi
            [ -n "$files" ] || continue
            # shellcheck disable=SC2086
            grep -qE "@echoue[[:space:]]+$t([[:space:]]|\$)" $files ||
                bad "$exo : « $req » : aucun de ses mutants ($mutants) ne dit « @echoue $t »"
        done
    done < <(sed '/^## Trous/,/^## /d' "$table" | grep '^|' |
             grep -v '^|[-: |]*$' | grep -v '^| *Exigence *|')
    holes=$(sed -n '/^## Trous/,/^## [^T]/p' "$table" | grep -o '`[a-z0-9_]*`' | tr -d '`' | sort -u)
    for t in $suite_tests; do
        echo " $in_table " | grep -q " $t " && continue
        echo "$holes" | grep -qx "$t" && continue
        bad "$exo : le test $t n'est ni dans le tableau ni dans « ## Trous » de $table"
    done
    n_holes=$(echo "$holes" | grep -c .)
    [ "$n_holes" -gt 0 ] &&
        bad "$exo : $n_holes test(s) sans mutant qui prouve qu'ils savent échouer : $(echo $holes) (## Trous de $table)"
    rows_total=$((rows_total + rows))
    holes_total=$((holes_total + n_holes))
    echo "  $exo : $rows exigences avec test et mutant, $n_holes test(s) sans mutant (## Trous)"
done
echo "  en tout : $rows_total exigences, $holes_total trous"
exit $status
