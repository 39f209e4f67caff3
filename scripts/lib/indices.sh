# shellcheck shell=bash
# scripts/lib/indices.sh — lire indices.fr.md, pour make indice
# (scripts/indice.sh) et make progres / make suivre (scripts/progres.sh).
# Lu par « . » ; utilise $TD6_HINTS (défaut : indices.fr.md).
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

# fmt ne coupe qu'aux blancs : le blanc avant « : ; ! ? » » et après « « »
# devient le temps de la coupe un octet \001, remis en espace ensuite.
indice_couper() {
    sed 's/^ *//' | paste -sd' ' |
        sed -e 's/ \([:;!?»]\)/\x01\1/g' -e 's/« /«\x01/g' |
        fmt -w 74 | tr '\001' ' ' |
        sed -e '1s/^/  /' -e '2,$s/^/     /'
}

erreurs_du_compilateur() {
    grep -vE '^make(\[[0-9]+\])?: \*\*\* ' "$1" | sed 's/^/    /' | head -n 12
}
