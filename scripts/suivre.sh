#!/usr/bin/env bash
# suivre.sh SRC EXERCICE... — ce que fait `make suivre` : le mode « suivi »,
# comme rustlings. À chaque enregistrement d'un fichier .c ou .h de td6/, il
# recompile l'exercice de ce fichier, relance ses tests, efface l'écran et
# affiche la progression de chaque exercice (✔/✘, tests réussis, points de
# Classroom), le premier test en échec avec son message et l'étape 1 de son
# indice (scripts/progres.sh).
#
# Il attend les enregistrements avec inotifywait (paquet inotify-tools) ;
# sans lui, il regarde les dates des fichiers toutes les 2 s. Ctrl-C arrête
# tout : le test en cours, son serveur, les programmes testés et
# inotifywait (chacun est lancé dans sa propre session, tuée en bloc).
set -u
src=$1
shift
exos=("$@")
. "$(dirname "$0")/progres.sh"
suivi=$build/suivi/$src

surveillant=""   # inotifywait (ou la pause de 2 s) en cours
testeur=""       # la session du test en cours

nettoyer() {
    local p
    for p in $testeur $surveillant; do
        kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null
    done
    for p in $testeur $surveillant; do
        wait "$p" 2>/dev/null
    done
    testeur="" surveillant=""
    rm -f "$suivi/.evenement"
}
trap 'nettoyer; echo; echo "make suivre : arrêté (plus rien ne tourne)."; exit 130' INT TERM HUP
trap nettoyer EXIT

effacer() {
    [ -t 1 ] && printf '\033[H\033[2J\033[3J'
    return 0
}

# lancer_tests EXO : compile et teste EXO dans sa propre session (setsid),
# pour pouvoir tout arrêter d'un coup ; attend la fin.
lancer_tests() {
    setsid "$(dirname "$0")/progres.sh" --tester "$src" "$1" >/dev/null 2>&1 &
    testeur=$!
    wait "$testeur"
    testeur=""
}

afficher() {
    effacer
    tableau "$1" "${exos[@]}"
    echo
    echo "── Enregistrez un fichier de td6/ : ses tests repartent. Ctrl-C pour quitter."
}

# Les dates des sources, pour l'attente sans inotifywait.
instantane() {
    find td6 \( -name '*.c' -o -name '*.h' \) -printf '%T@ %p\n' 2>/dev/null | sort
}

# attendre : bloque jusqu'à l'enregistrement d'un .c ou .h de td6/ ; range
# son chemin dans $chemin. (Pas de $(attendre) : dans un sous-shell, le
# piège de Ctrl-C ne verrait pas inotifywait.)
attendre() {
    local evt=$suivi/.evenement avant apres
    mkdir -p "$suivi"
    while :; do
        if [ -n "$inotify" ]; then
            setsid inotifywait -q -r -e close_write -e moved_to -e create \
                --format '%w%f' td6 >"$evt" 2>/dev/null &
            surveillant=$!
            wait "$surveillant"
            surveillant=""
            chemin=$(head -n 1 "$evt")
        else
            avant=$(instantane)
            while :; do
                sleep 2 &
                surveillant=$!
                wait "$surveillant"
                surveillant=""
                apres=$(instantane)
                [ "$apres" != "$avant" ] && break
            done
            chemin=$(diff <(echo "$avant") <(echo "$apres") | sed -n 's/^> [0-9.]* //p' | head -n 1)
            [ -n "$chemin" ] || chemin=$(diff <(echo "$avant") <(echo "$apres") |
                                        sed -n 's/^< [0-9.]* //p' | head -n 1)
        fi
        case $chemin in
            *.c|*.h) ;;
            *) continue ;;   # fichier d'échange d'un éditeur, dossier...
        esac
        sleep 0.3   # l'éditeur finit d'écrire (plusieurs fichiers, renommage)
        return
    done
}

# exo_de CHEMIN : l'exercice du fichier (td6/NN_nom/...), s'il est suivi.
exo_de() {
    local exo
    exo=$(echo "$1" | sed -n 's|^\(\./\)*td6/\([0-9][0-9]_[^/]*\)/.*|\2|p')
    for e in "${exos[@]}"; do
        [ "$e" = "$exo" ] && echo "$exo" && return
    done
}

inotify=$(command -v inotifywait 2>/dev/null)
if [ -z "$inotify" ]; then
    echo "inotifywait est introuvable (paquet inotify-tools : make le fait installer par"
    echo "scripts/dependances.sh) : je regarde td6/ toutes les 2 s à la place."
    sleep 2
fi

# Au départ : l'exercice en cours est le premier pas encore réussi (ou pas
# encore testé) ; on le teste s'il a changé depuis la dernière fois.
courant=""
for exo in "${exos[@]}"; do
    if ! a_jour "$exo"; then courant=$exo; break; fi
    read -r ok total <<<"$(compter "$exo" base)"
    if [ "$ok" -lt "$total" ]; then courant=$exo; break; fi
done
if [ -n "$courant" ]; then
    effacer
    echo "… je compile et teste $courant"
    a_jour "$courant" || lancer_tests "$courant"
fi
afficher "$courant"

while :; do
    attendre
    exo=$(exo_de "$chemin")
    [ -n "$exo" ] || continue
    # Relancer tant que des fichiers ont changé pendant le test.
    while ! a_jour "$exo"; do
        effacer
        echo "Enregistré : $chemin — je recompile et relance les tests de $exo…"
        lancer_tests "$exo"
    done
    afficher "$exo"
done
