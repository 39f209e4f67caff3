#!/usr/bin/env bash
# verifier-sujet.sh — make sujet écrit un dépôt d'étudiant qui se clone, se construit, se note, sans rien des solutions
#
# Appelé par scripts/verifier.sh (donc par `make check`) avec la liste des
# exercices. Vérifie :
#   1. `make sujet` écrit le dépôt à distribuer ; il ne contient ni
#      solutions/, ni tests/mutants/, ni tests/hostiles/, ni
#      scripts/verifier*.sh ;
#   2. aucun de ses fichiers ne contient le corps d'une solution : trois
#      lignes non triviales qui se suivent dans un fichier de solutions/ et
#      qu'aucun fichier de td6/ ne contient ;
#   3. devenu un dépôt git (git init, commit) puis cloné, comme le ferait
#      GitHub Classroom : `make` construit, `make test EXO=<le premier>`
#      note le squelette (« Note : » affichée, en échec), et
#      `make demo`, `make bench`, `make check` disent en français pourquoi
#      ils n'y sont pas (code 2) ;
#   4. dans ce clone, des fichiers changés hors de td6/ puis commités sont
#      signalés (sommes de .td6-empreintes, pas git), et un
#      scripts/tester.sh remplacé par un faux « Note : 71 / 71 » aussi.
# Code de sortie 0 si tout est conforme.
set -u
cd "$(dirname "$0")/.."
. scripts/lib/td6.sh
travail=$(mktemp -d /tmp/td6-verif-sujet-XXXXXX)
trap 'rm -rf "$travail"' EXIT
exo=${1:-01_sequentiel}

# ---- 1. Le sujet et ce qu'il ne contient pas ------------------------------
if ! scripts/sujet.sh "$travail/sujet" >"$travail/sujet.log" 2>&1; then
    mauvais "make sujet a échoué" "$(cat "$travail/sujet.log")"
    exit 1
fi
interdits=$(cd "$travail/sujet" && find . \( -path ./solutions -o -path ./tests/mutants \
    -o -path ./tests/hostiles -o -name 'verifier*.sh' \) -print | head -n 5)
if [ -z "$interdits" ]; then
    bon "le sujet ($(cd "$travail/sujet" && find . -type f | wc -l) fichiers) n'a ni solutions/, ni mutants, ni copies hostiles, ni scripts/verifier*.sh"
else
    mauvais "le sujet contient ce qu'il ne devrait pas :" $interdits
fi

# ---- 2. Aucun corps de solution ------------------------------------------
# Une ligne est triviale si, sans ses blancs, elle fait moins de 12
# caractères (« } », « return 0; », « break; »...). On compare des suites
# de trois lignes non triviales.
fuites=$(
    { find "$travail/sujet/td6" -type f -print0 | xargs -0 -r cat \
        | sed 's/^/T\t/'
      for f in $(find solutions -type f | LC_ALL=C sort); do sed "s|^|S\t$f\t|" "$f"; done
      (cd "$travail/sujet" && find . -path ./td6 -prune -o -type f -print | LC_ALL=C sort) |
          while IFS= read -r f; do
              grep -Iq . "$travail/sujet/$f" 2>/dev/null || continue   # binaire (images)
              sed "s|^|D\t${f#./}\t|" "$travail/sujet/$f"
          done
    } | awk -F'\t' '
        function norm(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
        function push(kind, file, line,    w) {
            if (file != cur) { cur = file; a = b = "" }
            line = norm(line)
            if (length(line) < 12) return
            if (a != "") {
                w = a "\n" b "\n" line
                if (kind == "T") skeleton[w] = 1
                else if (kind == "S") { if (!(w in skeleton) && !(w in sol)) sol[w] = file }
                else if ((w in sol) && !((file, sol[w]) in seen)) {
                    seen[file, sol[w]] = 1
                    print file " contient trois lignes de " sol[w] " :"
                    print "        " a; print "        " b; print "        " line
                }
            }
            a = b; b = line
        }
        $1 == "T" { push("T", "td6", substr($0, 3)); next }
        { push($1, $2, substr($0, length($1) + length($2) + 3)) }
    ' | head -n 40
)
if [ -z "$fuites" ]; then
    bon "aucun fichier du sujet ne contient trois lignes de suite d'une solution (hors td6/)"
else
    mauvais "des fichiers du sujet contiennent le corps d'une solution :" "$fuites"
fi

# ---- 3. Cloné comme le ferait Classroom, il se construit et se note -------
(
    cd "$travail/sujet" && git init -q && git add -A &&
        git -c user.name=td6 -c user.email=td6@localhost commit -qm "TD6" &&
        git clone -q "$travail/sujet" "$travail/clone"
) >"$travail/git.log" 2>&1 || { mauvais "git init/commit/clone du sujet a échoué" "$(cat "$travail/git.log")"; exit 1; }
cd "$travail/clone"
if make -s >"$travail/make.log" 2>&1; then
    bon "make construit le squelette et le serveur dans le clone"
else
    mauvais "make échoue dans le clone du sujet :" "$(tail -n 15 "$travail/make.log")"
fi
# Une modification commitée hors de td6/ se voit (les sommes du sujet, pas
# git diff) ; les fichiers intacts ne sont pas signalés.
echo '# arrangé' >>scripts/lancer.sh
sed -i 's/"points": 10/"points": 100/' .github/classroom/autograding.json
git -c user.name=eleve -c user.email=eleve@localhost commit -qam "arrangé" >/dev/null 2>&1
make -s test EXO="${exo%%_*}" >"$travail/test.log" 2>&1
rc=$?
if [ "$rc" -ne 0 ] && grep -q "^Note : " "$travail/test.log"; then
    bon "make test EXO=${exo%%_*} note le squelette dans le clone : $(grep "^Note : " "$travail/test.log"), en échec"
else
    mauvais "make test EXO=${exo%%_*} dans le clone : code $rc, attendu un échec avec une note :" "$(tail -n 15 "$travail/test.log")"
fi
if grep -q '⚠ 2 fichier(s) hors de td6/ diffèrent du sujet' "$travail/test.log" &&
        jq -e '.note.fichiers_modifies == [".github/classroom/autograding.json", "scripts/lancer.sh"]' \
            build/resultats.json >/dev/null 2>&1; then
    bon "deux fichiers changés puis commités hors de td6/ : signalés (eux seuls) sous la note et dans resultats.json"
else
    mauvais "les fichiers changés hors de td6/ ne sont pas exactement signalés :" "$(tail -n 4 "$travail/test.log")" \
        "$(jq -c .note build/resultats.json 2>&1)"
fi
# Un scripts/tester.sh remplacé est signalé avant d'être lancé.
printf '#!/bin/sh\necho "Note : 71 / 71"\n' >scripts/tester.sh
make -s test EXO="${exo%%_*}" >"$travail/test3.log" 2>&1
if grep -q "⚠ scripts/tester.sh n'est plus celui du sujet" "$travail/test3.log"; then
    bon "un scripts/tester.sh remplacé qui affiche « Note : 71 / 71 » est signalé par make test"
else
    mauvais "un scripts/tester.sh remplacé affiche sa note sans avertissement :" "$(cat "$travail/test3.log")"
fi
git checkout -q -- scripts/tester.sh

for cible in demo bench check; do
    make -s "$cible" >"$travail/$cible.log" 2>&1
    rc=$?
    if [ "$rc" -eq 2 ] && grep -q 'absent du dépôt distribué' "$travail/$cible.log"; then
        bon "make $cible dit pourquoi il n'est pas là (code 2)"
    else
        mauvais "make $cible dans le clone : code $rc, attendu 2 avec une explication :" "$(tail -n 5 "$travail/$cible.log")"
    fi
done

echo "    $bons conformes, $mauvais non conformes"
[ "$mauvais" -eq 0 ]
