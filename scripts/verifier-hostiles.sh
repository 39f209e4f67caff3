#!/usr/bin/env bash
# verifier-hostiles.sh — les copies hostiles (boucle, interblocage, plantage, inondation, fork, serveur muet) sont refusées vite, en français, sans rien laisser ; chaque test a son indice
#
#     scripts/verifier-hostiles.sh EXERCICE...        (lancé par make check)
#     scripts/verifier-hostiles.sh --copie-entiere [muet|boucle] EXERCICE...
#
# Une copie hostile est un programme qui ne se contente pas d'être faux :
# il bloque, plante, inonde sa sortie, forke sans fin, laisse des processus
# ou ne répond jamais. tests/hostiles/NN_nom/<programme>-<quoi>.c remplace
# <programme> dans une copie de la solution de l'exercice, comme un mutant
# (preparer_mutant, scripts/lib/td6.sh). Son en-tête nomme, par « @echoue <test> », des tests qui doivent échouer et,
# par « @message <texte> », un morceau du diagnostic attendu.
#
# Pour chacune, la suite de l'exercice est lancée avec des délais réduits
# (CK_TIMEOUT_MULTIPLIER=$HOSTILES_MULTIPLICATEUR, 0.2 par défaut) et on
# exige :
#   1. que la suite échoue, sur les tests @echoue, avec le diagnostic
#      @message ;
#   2. que chaque test en échec ait un message, en français (aucun message
#      anglais de Check : « timeout expired », « Received signal »...) ;
#   3. qu'elle finisse en moins de $HOSTILES_LIMITE_S secondes (60, sur une
#      machine libre : voir une_hostile) ;
#   4. qu'aucun processus ne survive : tout ce qu'elle a lancé porte une
#      variable TD6_MARK unique, cherchée ensuite dans /proc/*/environ ;
#   5. « @sentinelle <nom> » : qu'aucun fichier <nom> n'ait été écrit (dans
#      le dépôt, les dossiers au-dessus, $HOME, /tmp) et qu'aucun résultat
#      de build/ ne contienne <nom>. « @bac-a-sable » : la copie attaque le
#      bac à sable ; sans lui (SANS_BAC_A_SABLE, pas de bwrap), elle est
#      sautée, et elle ne tente rien.
# Enfin, chaque test de chaque suite doit avoir son indice (section
# « ### <test> » sous « ## <exercice> » dans indices.fr.md, pour make
# indice).
#
# --copie-entiere : la mesure de l'énoncé, hors make check (trop long). Une
# copie de td6/ où CHAQUE programme est tests/hostiles/commun/muet.c (il
# affiche une ligne puis ne répond plus jamais et ignore SIGTERM) ou
# boucle.c (il calcule sans fin, sans rien écrire) : les deux pires cas pour
# le temps. Elle est notée comme une copie d'étudiant (noter-classe.sh,
# donc le chemin de make test), avec les délais normaux. Exige moins de
# 180 s et aucun processus restant.
set -u
. "$(dirname "$0")/lib/td6.sh"
build=$td6_build
mult=${HOSTILES_MULTIPLICATEUR:-0.2}
limit=${HOSTILES_LIMITE_S:-60}
unset CK_TIMEOUT_MULTIPLIER TD6_WRAPPER TD6_WRAPPER_PROGS

# Les processus qui portent encore la marque $1 (hors ce script).
survivors() {
    grep -lsa "TD6_MARK=$1" /proc/[0-9]*/environ 2>/dev/null |
        sed 's|/proc/\([0-9]*\)/environ|\1|' | grep -vx "$$" | tr '\n' ' '
}

# Tuer ce qui aurait survécu (pour ne pas gêner la suite de make check).
kill_survivors() {
    local p
    for p in $(survivors "$1"); do kill -9 "$p" 2>/dev/null; done
}

if [ "${1:-}" = "--copie-entiere" ]; then
    shift
    # muet (défaut) ou boucle : la copie générique de tests/hostiles/commun/.
    kind=muet
    case ${1:-} in muet|boucle) kind=$1; shift ;; esac
    class=$build/hostile-classe
    copy=$class/hostile
    rm -rf "$class"
    mkdir -p "$copy"
    "$td6_make" --no-print-directory -s outils || exit 1
    for exo in "$@"; do
        mkdir -p "$copy/td6/$exo"
        for f in td6/"$exo"/*.c; do
            cp tests/hostiles/commun/$kind.c "$copy/td6/$exo/$(basename "$f")"
        done
    done
    # La copie est notée comme le serait celle d'un étudiant : même
    # Makefile, mêmes tests, mêmes délais (voir noter-classe.sh).
    mark=copie-entiere-$$
    start=$(maintenant)
    TD6_CLASS_DIR=$class-notes TD6_MARK=$mark scripts/noter-classe.sh "$class" "$@" >"$class.log" 2>&1
    elapsed=$(calcul "sprintf(\"%.3f\", $(maintenant) - $start)")
    sleep 0.5
    left=$(survivors "$mark")
    kill_survivors "$mark"
    sed 's/^/  /' "$class.log"
    printf "copie entière hostile « %s » (%d exercices) notée en %.1f s ; processus restants : %s\n" \
        "$kind" "$#" "$elapsed" "${left:-aucun}"
    plus_grand 180 "$elapsed" && [ -z "$left" ]
    exit
fi

verif=$build/verif-hostiles/$(echo "$@" | tr ' ' '+')
rm -rf "$verif"
mkdir -p "$verif"
bad=0 count=0 longest=0 longest_name=""
hostiles=()
for exo in "$@"; do
    for h in tests/hostiles/"$exo"/*.c; do
        [ -e "$h" ] && hostiles+=("$h")
    done
done

# Chaque test a-t-il son indice ?
hints_missing=""
for exo in "$@"; do
    [ -x "$build/tests/$exo/suite" ] || continue
    for t in $(TD6_LIST=1 "$build/tests/$exo/suite" 2>/dev/null | cut -f1); do
        e=$exo; case $t in cli_*) e=general t=ligne_de_commande ;; esac   # un indice pour tous
        awk -v exo="$e" -v t="$t" '/^## / { e = ($2 == exo) } e && /^### / && $2 == t { f = 1 }
            END { exit !f }' indices.fr.md 2>/dev/null || hints_missing="$hints_missing $exo/$t"
    done
done
if [ -n "$hints_missing" ]; then
    bad=$((bad + 1))
    echo "  ✘ tests sans indice dans indices.fr.md (ajoutez « ### <test> » sous « ## <exercice> ») :"
    echo "$hints_missing" | tr ' ' '\n' | sed '/^$/d; s/^/      /'
else
    echo "  ✔ chaque test a son indice dans indices.fr.md"
fi

if [ ${#hostiles[@]} -eq 0 ]; then
    echo "  (aucune copie hostile pour ces exercices)"
    [ "$bad" -eq 0 ]
    exit
fi
# Les solutions d'abord, et sous sanitizer : les copies en reprennent les
# binaires (preparer_mutant) et les objets de commun/, en parallèle, sans
# que make y retouche (deux make qui écriraient le même objet en même
# temps le casseraient).
for exo in "$@"; do
    "$td6_make" --no-print-directory -s programmes SRC=solutions EXO="${exo%%_*}" >>"$verif/compil.log" 2>&1
    construire_sanitizers "$build" solutions "$exo" >>"$verif/compil.log" 2>&1
done
# Les fichiers <nom> écrits hors du bac à sable (et build/ qui en parle).
written_outside() {
    local dir=$PWD
    {
        find "$PWD" -name "$1" 2>/dev/null
        while [ "$dir" != / ]; do
            dir=$(dirname "$dir")
            find "$dir" -maxdepth 1 -name "$1" 2>/dev/null
        done
        find "${HOME:-/nonexistent}" /tmp -maxdepth 1 -name "$1" 2>/dev/null
        grep -rlF --include='*.json' --include='*.txt' --include='*.tap' --include='*.xml' \
            --include='*.csv' -- "$1" "$build" 2>/dev/null
    } | sort -u | tr '\n' ' '
}
sandbox=1
{ [ -n "${SANS_BAC_A_SABLE:-}" ] && [ "${SANS_BAC_A_SABLE}" != 0 ]; } && sandbox=0
command -v bwrap >/dev/null 2>&1 || sandbox=0

# une_hostile H : construit la copie hostile H, lance sa suite et juge ; écrit
# le compte rendu dans $verif/<nom>.verdict et « ok|non|saute DURÉE » dans
# $verif/<nom>.etat.
#
# Les copies tournent en parallèle ($HOSTILES_TACHES à la fois, 2 par défaut) :
# elles passent leur temps à attendre leurs délais (× 0.2). Chacune a sa
# copie, ses binaires, ses résultats, sa suite avec son serveur dans son
# propre espace de noms réseau, et sa marque TD6_MARK : les processus
# restants sont ceux de CETTE copie. Les copies « @sentinelle » cherchent
# leur fichier partout : si l'une écrivait dehors, les autres le
# verraient aussi — un refus de plus, jamais un de moins. La limite de
# $HOSTILES_LIMITE_S s (60) est une vraie durée : deux copies seulement à la
# fois, pour ne pas saturer les cœurs pendant que make check fait tourner
# ses suites à côté. Elle vaut pour une machine dont les cœurs sont libres :
# quand la charge (moyenne sur une minute, au début ou à la fin de la
# copie) dépasse le nombre de cœurs, la limite grandit d'autant, comme les
# délais de Check avec CK_TIMEOUT_MULTIPLIER. Ce qui est jugé, c'est que les
# délais des tests arrêtent la copie, pas la vitesse de la machine : mesuré
# sous une charge de 10 à 18 sur 2 cœurs, une copie notée en 20 s au repos
# en prenait jusqu'à 127.
une_hostile() {
    local h=$1 exo file bin sentinel dir mark start rc elapsed left problems want english found fails total
    local charge_debut surcharge limite
    exo=$(basename "$(dirname "$h")")
    file=$(nom_mutant "$h")
    bin=$(dossier_binaires "$verif/copies/$file" "$exo")
    sentinel=$(sed -n 's/.*@sentinelle[[:space:]]\+\([^[:space:]]\+\).*/\1/p' "$h" | head -n 1)
    if grep -q '@bac-a-sable' "$h" && [ "$sandbox" = 0 ]; then
        echo "  - hostile $exo/$file sautée : pas de bac à sable (SANS_BAC_A_SABLE ou bwrap absent)"
        echo "saute 0" >"$verif/$file.etat"
        return
    fi
    # La copie : la solution de l'exercice, où elle remplace son programme ;
    # construite comme un mutant.
    if ! preparer_mutant "$h" "$verif/copies/$file" >"$verif/$file.compil" 2>&1 ||
            ! construire_copie "$verif/copies/$file" "$exo" >>"$verif/$file.compil" 2>&1; then
        echo "  ✘ la copie hostile $h ne compile pas :"
        sed 's/^/      /' "$verif/$file.compil" | head -n 20
        echo "non 0" >"$verif/$file.etat"
        return
    fi
    dir=$verif/$exo/$file
    mkdir -p "$dir"
    mark=hostile-$$-$file
    start=$(maintenant)
    charge_debut=$(charge_machine | cut -d' ' -f1)
    CK_TIMEOUT_MULTIPLIER=$mult TD6_MARK=$mark NO_COLOR=1 \
        lancer_suite "$exo" "$bin" "hostile $file" "$dir/resultats" >"$dir/suite.log" 2>&1
    rc=$?
    elapsed=$(calcul "sprintf(\"%.3f\", $(maintenant) - $start)")
    sleep 0.2
    left=$(survivors "$mark")
    kill_survivors "$mark"
    problems=()
    [ $rc -eq 0 ] && problems+=("la suite passe")
    [ -f "$dir/resultats.txt" ] || problems+=("aucun résultat écrit")
    for t in $(echecs_manquants "$h" "$dir/resultats"); do
        problems+=("$t aurait dû échouer")
    done
    while IFS= read -r want; do
        [ -z "$want" ] && continue
        grep -qF -- "$want" "$dir/resultats.json" 2>/dev/null ||
            problems+=("diagnostic « $want » absent")
    done < <(sed -n 's/.*@message[[:space:]]\+\(.*[^[:space:]]\)[[:space:]]*$/\1/p' "$h")
    # Messages d'échec : présents, et en français.
    if ! awk '/✘/ { want = 1; next } want && !/→ ./ { bad = 1 } { want = 0 }
              END { exit bad }' "$dir/suite.log"; then
        problems+=("un test en échec sans message")
    fi
    english=$(grep -oE 'timeout expired|Received signal|Early exit|Assertion .* failed|\(after this point\)' \
        "$dir/resultats.json" 2>/dev/null | head -n 1)
    [ -n "$english" ] && problems+=("message anglais de Check : « $english »")
    surcharge=$(awk -v a="$charge_debut" -v b="$(charge_machine | cut -d' ' -f1)" -v c="$(nombre_de_cpu)" \
        'BEGIN { m = (a > b ? a : b) / c; printf "%.1f", (m > 1 ? m : 1) }')
    limite=$(calcul "$limit * $surcharge")
    plus_grand "$elapsed" "$limite" &&
        problems+=("trop long : ${elapsed%.*} s > ${limite%.*} s ($limit s × $surcharge pour la charge de la machine)")
    [ -n "$left" ] && problems+=("processus restants : $left")
    if [ -n "$sentinel" ]; then
        found=$(written_outside "$sentinel")
        [ -n "$found" ] && problems+=("écrit hors du bac à sable : $found")
        grep -q '"bac_a_sable": false' "$dir/resultats.json" 2>/dev/null &&
            problems+=("le bac à sable n'était pas actif")
    fi
    fails=$(grep -c '^echec' "$dir/resultats.txt" 2>/dev/null)
    total=$(wc -l <"$dir/resultats.txt" 2>/dev/null)
    if [ ${#problems[@]} -eq 0 ]; then
        printf "  ✔ hostile %s/%s refusé en %.1f s (%s/%s tests en échec), rien ne reste\n" \
            "$exo" "$file" "$elapsed" "${fails:-?}" "${total:-?}"
        [ -n "$sentinel" ] && echo "      aucun fichier « $sentinel » écrit hors du bac à sable"
        echo "ok $elapsed" >"$verif/$file.etat"
    else
        printf "  ✘ hostile %s/%s (%.1f s) : %s\n" "$exo" "$file" "$elapsed" \
            "$(printf '%s ; ' "${problems[@]}" | sed 's/ ; $//')"
        grep -A1 '✘' "$dir/suite.log" | head -n 8 | cut -c1-200 | sed 's/^/      /'
        echo "non $elapsed" >"$verif/$file.etat"
    fi
}

for h in "${hostiles[@]}"; do
    attendre_place "${HOSTILES_TACHES:-2}"
    une_hostile "$h" >"$verif/$(nom_mutant "$h").verdict" 2>&1 &
done
wait
for h in "${hostiles[@]}"; do
    file=$(nom_mutant "$h")
    cat "$verif/$file.verdict"
    read -r state elapsed <"$verif/$file.etat" 2>/dev/null || { state=non elapsed=0; }
    [ "$state" = saute ] && continue
    count=$((count + 1))
    [ "$state" = ok ] || bad=$((bad + 1))
    if plus_grand "$elapsed" "$longest"; then
        longest=$elapsed
        longest_name="$(basename "$(dirname "$h")")/$file"
    fi
done
printf "  %d copies hostiles, %d vérifications non conformes ; la plus longue à noter : %.1f s (%s, délais × %s)\n" \
    "$count" "$bad" "$longest" "$longest_name" "$mult"
[ "$bad" -eq 0 ]
