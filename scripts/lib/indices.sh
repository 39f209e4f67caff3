# shellcheck shell=bash
# scripts/lib/indices.sh — lire indices.fr.md, pour make indice
# (scripts/indice.sh) et make progres / make suivre (scripts/progres.sh).
# Lu par « . », après scripts/lib/td6.sh ; utilise $TD6_HINTS (défaut :
# indices.fr.md).
#
#   indice_section EXO TEST  le texte de « ### TEST » sous « ## EXO », sans
#                            titre ni lignes vides au début et à la fin
#   indice_temps TEXTE N     le temps N d'un indice (sa ligne « N. ... » et
#                            les lignes en retrait qui la suivent)
#   indice_couper            l'entrée en un paragraphe coupé à 74 colonnes,
#                            la première ligne en retrait de 2, les suivantes
#                            de 5 ; jamais de ligne qui commence par « : »,
#                            « ; », « ! », « ? » ou « » », ni qui finit par
#                            « « » (l'espace qui les sépare du mot voisin
#                            ne se coupe pas, comme une espace insécable)
#   categorie EXO TEST       base, bonus ou hors_note (les « non comptés »)
#   premier_echec EXO VERDICTS
#                            le premier test en échec (lignes « ok NOM » ou
#                            « echec NOM » du fichier VERDICTS) : compté
#                            dans la note d'abord, puis bonus, puis non
#                            compté ; rien si tout passe
#   erreurs_du_compilateur FICHIER
#                            les 12 premières lignes d'une compilation ratée,
#                            en retrait, sans les lignes « make: *** ... »
#                            (en anglais, elles ne disent que la cible)

indice_section() {
    awk -v exo="$1" -v test="$2" '
        /^## / { in_exo = ($2 == exo); in_test = 0; next }
        /^### / { in_test = in_exo && ($2 == test); next }
        in_test { print }
    ' "${TD6_HINTS:-indices.fr.md}" 2>/dev/null | sed -e '/./,$!d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

indice_temps() {
    printf '%s\n' "$1" | awk -v n="$2" '
        /^[0-9]\. / { cur = substr($0, 1, 1) + 0 }
        cur == n { print }
    '
}

# fold -s coupe au dernier blanc qui tient (fmt, lui, équilibre les lignes
# et en laisse de très courtes) ; le blanc avant « : ; ! ? » » et après
# « « » devient le temps de la coupe un octet \001, remis en espace ensuite.
indice_couper() {
    sed 's/^ *//' | paste -sd' ' |
        sed -e 's/ \([:;!?»]\)/\x01\1/g' -e 's/« /«\x01/g' |
        fold -s -w 72 | sed 's/ *$//' | tr '\001' ' ' |
        sed -e '1s/^/  /' -e '2,$s/^/     /'
}

erreurs_du_compilateur() {
    grep -vE '^make(\[[0-9]+\])?: \*\*\* ' "$1" | sed 's/^/    /' | head -n 12
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

premier_echec() {
    local cat verdict nom
    for cat in base bonus hors_note; do
        while read -r verdict nom; do
            if [ "$verdict" = echec ] && [ "$(categorie "$1" "$nom")" = "$cat" ]; then
                echo "$nom"
                return
            fi
        done <"$2"
    done
}
