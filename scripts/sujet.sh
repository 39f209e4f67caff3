#!/usr/bin/env bash
# sujet.sh DOSSIER — ce que fait `make sujet` : le dépôt à distribuer.
#
# Écrit dans DOSSIER (build/sujet par défaut) le dépôt qu'un enseignant
# donne aux étudiants, par exemple comme modèle (« template ») d'un devoir
# GitHub Classroom : tout ce qu'il faut pour lire le cours, construire,
# lancer et se noter soi-même (td6/, les suites et le harnais, le serveur
# local, commun/, les scripts dont ces cibles ont besoin, le cours, les
# indices, les images, le Makefile, .github/classroom), et rien des
# réponses :
#   - ni solutions/, ni tests/mutants/ (des solutions à un défaut près), ni
#     tests/hostiles/ ;
#   - ni les preuves et outils des mainteneurs (scripts/verifier*.sh,
#     .ci/, CONTRIBUER.md), ni ceux qui font tourner les solutions (démo,
#     banc, images, fiabilité), ni ceux de l'enseignant (noter-classe,
#     ENSEIGNANT.md, ce script).
# Dans ce dépôt-là, `make demo`, `make bench`, `make check`... disent
# pourquoi ils n'y sont pas (voir « sans-solutions » dans le Makefile).
#
# Il écrit aussi DOSSIER/.td6-empreintes : la somme SHA-256 de chaque
# fichier distribué. `make test` s'en sert pour signaler ce qui a changé
# hors de td6/ (scripts/tester.sh) et pour savoir quels fichiers de td6/
# doivent exister.
#
# Les fichiers pris sont ceux que suit git (rien de build/, rien d'oublié
# en cours de route) ; hors d'un dépôt git, tous les fichiers.
set -eu
dest=${1:-${BUILD:-build}/sujet}
racine=$(cd "$(dirname "$0")/.." && pwd)
cd "$racine"

# Ce qui ne part pas chez les étudiants (motifs de chemins, à la manière de
# case). Le reste part : un fichier ajouté au TD plus tard est distribué
# sans qu'on y pense, et la vérification (verifier-sujet.sh) refuse tout
# fichier qui contiendrait le corps d'une solution.
exclu() {
    case $1 in
        solutions/*|tests/mutants/*|tests/hostiles/*) return 0 ;;
        .ci/*|CONTRIBUER.md|ENSEIGNANT.md) return 0 ;;
        scripts/verifier*.sh|scripts/sujet.sh|scripts/noter-classe.sh) return 0 ;;
        scripts/demo.sh|scripts/bench*.sh|scripts/images.sh|scripts/gnuplot/*) return 0 ;;
        scripts/fiabilite.sh|scripts/comparer*.sh) return 0 ;;
        .td6-empreintes) return 0 ;;
    esac
    return 1
}

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    lister() { git ls-files --cached --others --exclude-standard; }
else
    lister() { find . -path ./build -prune -o -path ./.git -prune -o -type f -print | sed 's|^\./||'; }
fi

# Dossier neuf à côté, puis renommage : un sujet à moitié écrit ne
# remplace jamais le précédent.
mkdir -p "$(dirname "$dest")"
tmp=$(mktemp -d "$dest.tmp-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
n=0
while IFS= read -r f; do
    [ -f "$f" ] || continue          # supprimé mais encore dans l'index
    exclu "$f" && continue
    mkdir -p "$tmp/$(dirname "$f")"
    cp -p "$f" "$tmp/$f"
    n=$((n + 1))
done < <(lister | LC_ALL=C sort)

# Le cours et le résumé parlent du dépôt complet : dans le sujet, les liens
# vers ce qui n'est pas distribué (ENSEIGNANT.md, CONTRIBUER.md) deviennent
# du texte, et README.md décrit le dépôt de l'étudiant.
if [ -f "$tmp/README.fr.md" ]; then
    sed -i -E 's/\[([^]]*)\]\((ENSEIGNANT|CONTRIBUER)\.md[^)]*\)/\1 (dans le dépôt de l'"'"'enseignant)/g' \
        "$tmp/README.fr.md" "$tmp"/td6/*/LISEZMOI.md 2>/dev/null || true
fi
cat >"$tmp/README.md" <<'FIN'
# TD6 en C — concurrence et parallélisme (dépôt de l'étudiant)

Le cours est dans `README.fr.md` ; chaque exercice a sa fiche,
`td6/NN_nom/LISEZMOI.md`. Il faut Linux (les tests lisent `/proc`).

```sh
make                 # construit vos programmes (td6/) et le serveur local
make test EXO=02     # les tests d'un exercice, et votre note
make run EXO=02      # lance votre programme contre le serveur local
make indice EXO=02   # un indice en trois temps pour le premier test en échec
make sanitize EXO=02 # vos programmes sous ThreadSanitizer, puis ASan + UBSan
make progres         # votre progression, exercice par exercice
make suivre          # reteste à chaque enregistrement d'un fichier de td6/
make V=1             # montre les commandes de compilation entières
```

Les paquets manquants sont installés au premier `make` (une étape
annoncée), ou la commande exacte est affichée. Rien n'a besoin d'Internet :
`serveur/` remplace les sites du cours. Les solutions, la démonstration et
les bancs d'essai sont chez votre enseignant. `make help` liste les cibles.
FIN

(cd "$tmp" && find . -type f ! -name .td6-empreintes -print | sed 's|^\./||' | LC_ALL=C sort |
    while IFS= read -r f; do sha256sum -- "$f"; done) >"$tmp/.td6-empreintes"

rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT
echo "Sujet écrit dans $dest : $n fichiers, sans solutions/, mutants ni copies hostiles."
echo "Pour en faire un dépôt : cd $dest && git init && git add -A && git commit -m 'TD6'"
