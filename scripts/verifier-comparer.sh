#!/usr/bin/env bash
# verifier-comparer.sh — make comparer, en petit : chaque programme Python du cours tourne à côté de son jumeau C, mêmes résultats, mêmes pics
#
# Appelé par scripts/verifier.sh (donc par `make check`) avec la liste des
# exercices. Installe au besoin Python et ses paquets (scripts/dependances.sh
# --python, une étape annoncée), puis lance scripts/comparer.sh en petit
# (COMPARER_PETIT=1 : 10 pages, trois petits nombres), contre un serveur
# local à 1 s : assez lent pour que les requêtes censées partir ensemble
# se croisent sûrement au serveur, même sur une machine chargée. (À 200 ms,
# hello2 en Python n'avait que 3 appels à l'API en vol sur 5 quand
# make check faisait tourner ses suites à côté, sur une machine déjà
# chargée : lancer cinq coroutines y prenait plus de 200 ms.) comparer.sh
# vérifie lui-même que chaque paire a tourné, que les lignes de résultat sont
# les mêmes (sommes exactes, nombre de pages lues) et que le serveur a vu les
# pics attendus pour les deux langages ; jamais un temps.
set -u
dossier=$(dirname "$0")
if ! "$dossier/dependances.sh" --python; then
    echo "  ✘ Python et ses paquets manquent : make comparer ne peut pas tourner"
    exit 1
fi
exos=()
for exo in "$@"; do
    case ${exo%%_*} in 0[1-6]) exos+=("${exo%%_*}") ;; esac
done
[ ${#exos[@]} -gt 0 ] || { echo "  (aucun exercice avec un jumeau Python)"; exit 0; }
COMPARER_PETIT=1 COMPARER_DOSSIER=${BUILD:-build}/verif/comparer \
    "$dossier/comparer.sh" 1000 "${exos[@]}" 2>&1 | sed 's/^/    /'
exit "${PIPESTATUS[0]}"
