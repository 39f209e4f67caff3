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

# Chaque processus lancé coûte cher (un make check en lance des milliers) :
# les lignes du tableau sont lues par le shell lui-même, sans echo | cut |
# grep par case.
#
# entre_accents TEXTE : dans REPLY, les mots entre accents graves de TEXTE,
# un par ligne (comme grep -o '`[^`]*`' | tr -d '`' dans $(...)).
entre_accents() {
    local s=$1 re='`([^`]*)`'
    REPLY=""
    while [[ $s =~ $re ]]; do
        REPLY+=${BASH_REMATCH[1]}$'\n'
        s=${s#*"${BASH_REMATCH[0]}"}
    done
    while [[ $REPLY == *$'\n' ]]; do REPLY=${REPLY%$'\n'}; done
}

# dans_la_suite T : T est un test de la suite (les lignes de $suite_tests,
# comme grep -qx, qui ne lit T comme un motif que s'il en est un).
dans_la_suite() {
    [[ $1 == *[!a-z0-9_]* ]] && { echo "$suite_tests" | grep -qx "$1"; return; }
    [[ $'\n'$suite_tests$'\n' == *$'\n'$1$'\n'* ]]
}

# dit_echoue T FICHIER... : une ligne d'un des mutants dit « @echoue T »
# (lues une fois par exercice dans $lignes_echoue).
dit_echoue() {
    local t=$1 f l re
    shift
    re="@echoue[[:space:]]+$t([[:space:]]|\$)"
    for f in "$@"; do
        while IFS= read -r l; do
            [[ $l =~ $re ]] && return 0
        done <<<"${lignes_echoue[$f]:-}"
    done
    return 1
}

for exo in "$@"; do
    table=tests/$exo/EXIGENCES.md
    if [ ! -f "$table" ]; then
        bad "$exo : pas de tableau des exigences ($table)"
        continue
    fi
    suite_tests=$(sed -n 's/^TD6_TEST(\([a-z0-9_]*\),.*/\1/p' tests/"$exo"/*.c | sort -u)
    declare -A lignes_echoue=()
    while IFS= read -r l; do
        lignes_echoue[${l%%:*}]+=${l#*:}$'\n'
    done < <(grep -H '@echoue' tests/mutants/"$exo"/*.patch tests/mutants/"$exo"/*.c 2>/dev/null)
    in_table=""
    rows=0
    # Les lignes du tableau : « | ... | ... | ... | », sauf l'en-tête et le
    # séparateur. La section « ## Trous » s'arrête au titre suivant.
    while IFS= read -r line; do
        IFS='|' read -r _ req tests mutants _ <<<"$line"
        req=${req#"${req%%[! ]*}"}
        req=${req%"${req##*[! ]}"}
        entre_accents "$tests"
        tests=$REPLY
        entre_accents "$mutants"
        mutants=$REPLY
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
            if ! dans_la_suite "$t"; then
                bad "$exo : « $req » : le test $t n'existe pas dans tests/$exo/ (TD6_TEST)"
                continue
            fi
            [ -n "$files" ] || continue
            # shellcheck disable=SC2086
            dit_echoue "$t" $files ||
                bad "$exo : « $req » : aucun de ses mutants ($mutants) ne dit « @echoue $t »"
        done
    done < <(sed '/^## Trous/,/^## /d' "$table" | grep '^|' |
             grep -v '^|[-: |]*$' | grep -v '^| *Exigence *|')
    holes=$(sed -n '/^## Trous/,/^## [^T]/p' "$table" | grep -o '`[a-z0-9_]*`' | tr -d '`' | sort -u)
    for t in $suite_tests; do
        [[ " $in_table " == *" $t "* ]] && continue
        [[ $'\n'$holes$'\n' == *$'\n'$t$'\n'* ]] && continue
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
