# mesures.sh — à inclure (source) : les petits outils communs à demo.sh,
# bench.sh, images.sh et verifier-outils.sh.
#
#   programme NOM          chemin du binaire de la solution NOM (le construit
#                          au besoin) ; code 1 s'il n'existe pas encore
#   a_venir NOM            affiche « (chapitre NN : à venir) »
#   http_get URL           réponse HTTP complète (en-têtes + corps) sur stdout,
#                          par /dev/tcp de bash : pas besoin de l'outil curl
#   corps_http             filtre : garde le corps d'une réponse HTTP
#   lire_stats             lit /stats du serveur local : STAT_REQUETES,
#                          STAT_CONNEXIONS, STAT_PIC
#   remettre_stats         /reset du serveur local
#   duree_affichee FICHIER la durée que le programme a lui-même affichée
#   temps_page             filtre : le « Time taken » d'une page du chapitre 04
#   maintenant             secondes (horloge murale, microsecondes)
#   calcul EXPR            évalue une expression flottante (awk)
#   mediane NOMBRE...      la médiane
#   nombres_calcules F     les N des lignes « cpu_bound(N) = ... » de F
#   lancer_web NOM [ARGS]  démarre un serveur web du chapitre 04 sur un port
#                          libre : WEB_PID, WEB_URL ; arreter_web l'arrête
#   attendre CMD...        lance CMD en arrière-plan et attend sa fin (code
#                          de sortie de CMD) ; arreter_enfant l'arrête
#
# Tout nombre écrit l'est avec un point décimal (comme les programmes).
# shellcheck shell=bash

export LC_NUMERIC=C
outils_build=${BUILD:-build}

# Le chapitre de chaque programme de la démonstration.
chapitre_de() {
    case $1 in
        sequentiel) echo 01 ;;
        threads) echo 02 ;;
        asynchrone) echo 03 ;;
        hello | hello2) echo 04 ;;
        cpu_sequentiel | multiproc | cpu_threads) echo 05 ;;
        partial) echo 06 ;;
        *) echo "??" ;;
    esac
}

a_venir() {
    echo "   (chapitre $(chapitre_de "$1") : à venir — programme $1 absent)"
}

# Le binaire construit pour la solution NOM : d'abord celui que `make` a
# construit, sinon on le construit depuis solutions/*/NOM.c (un chapitre
# tout juste arrivé, pas encore dans td6/). Rien sur stdout sauf le chemin.
programme() {
    local nom=$1 f src
    for f in "$outils_build"/solutions/[0-9][0-9]_*/"$nom"; do
        [ -x "$f" ] && { echo "$f"; return 0; }
    done
    for src in solutions/[0-9][0-9]_*/"$nom".c; do
        [ -f "$src" ] || continue
        f=$outils_build/${src%.c}
        if "${MAKE:-make}" --no-print-directory -s "$f" >/dev/null 2>&1 && [ -x "$f" ]; then
            echo "$f"
            return 0
        fi
    done
    return 1
}

maintenant() {
    local t=$EPOCHREALTIME
    echo "${t/,/.}"
}

calcul() {
    awk "BEGIN { print $* }"
}

mediane() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR == 0) print "nan";
              else if (NR % 2) print v[(NR + 1) / 2];
              else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# http_get URL : GET en HTTP/1.0 (le serveur ferme la connexion après la
# réponse), au plus 30 s.
http_get() {
    local reste=${1#http://} hote_port chemin hote port
    hote_port=${reste%%/*}
    chemin=/${reste#*/}
    [ "$reste" = "$hote_port" ] && chemin=/
    hote=${hote_port%:*}
    port=${hote_port##*:}
    [ "$port" = "$hote_port" ] && port=80
    timeout 30 bash -c '
        exec 3<>"/dev/tcp/$0/$1" || exit 1
        printf "GET %s HTTP/1.0\r\nHost: %s:%s\r\nConnection: close\r\n\r\n" "$2" "$0" "$1" >&3
        cat <&3' "$hote" "$port" "$chemin"
}

corps_http() {
    sed '1,/^\r\{0,1\}$/d'
}

# Le code de statut d'une réponse HTTP (première ligne).
statut_http() {
    head -n 1 | awk '{ print $2 }'
}

lire_stats() {
    local json
    json=$(http_get "$TD6_SERVER/stats" | corps_http)
    STAT_REQUETES=$(echo "$json" | sed -n 's/.*"requetes": *\([0-9]*\).*/\1/p')
    STAT_CONNEXIONS=$(echo "$json" | sed -n 's/.*"connexions": *\([0-9]*\).*/\1/p')
    STAT_PIC=$(echo "$json" | sed -n 's/.*"pic_en_vol": *\([0-9]*\).*/\1/p')
    : "${STAT_REQUETES:=?}" "${STAT_CONNEXIONS:=?}" "${STAT_PIC:=?}"
}

remettre_stats() {
    http_get "$TD6_SERVER/reset" >/dev/null
}

# La durée affichée par le programme lui-même : « Downloaded N in S seconds »
# ou « Duration S seconds ».
duree_affichee() {
    sed -n -e 's/^Downloaded [0-9]* in \([0-9.]*\) seconds.*/\1/p' \
           -e 's/^Duration \([0-9.]*\) seconds.*/\1/p' "$1" | tail -n 1
}

# Le temps qu'une page du chapitre 04 annonce (« Time taken: S »), mesuré
# par le serveur web lui-même, comme les autres programmes mesurent le leur.
temps_page() {
    corps_http | sed 's/<[^>]*>/ /g' | sed -n 's/.*Time taken: *\([0-9][0-9.]*\).*/\1/p' | head -n 1
}

# Nombre de pages annoncé par « Downloaded N in ... ».
pages_lues() {
    sed -n 's/^Downloaded \([0-9]*\) in .*/\1/p' "$1" | tail -n 1
}

WEB_PID=""
WEB_URL=""
WEB_SORTIE=""

# lancer_web CHEMIN : le programme écoute sur un port libre (argument 0) ; sa
# première ligne est son URL.
lancer_web() {
    local i
    WEB_SORTIE=$(mktemp /tmp/td6-web-XXXXXX)
    "$1" 0 >"$WEB_SORTIE" 2>&1 &
    WEB_PID=$!
    for i in $(seq 200); do
        WEB_URL=$(head -n 1 "$WEB_SORTIE")
        case $WEB_URL in http://*) return 0 ;; esac
        kill -0 "$WEB_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "   $(basename "$1") n'a pas affiché son URL :" >&2
    sed 's/^/      /' "$WEB_SORTIE" >&2
    arreter_web
    return 1
}

arreter_web() {
    if [ -n "$WEB_PID" ]; then
        kill "$WEB_PID" 2>/dev/null
        wait "$WEB_PID" 2>/dev/null
        WEB_PID=""
    fi
    [ -n "$WEB_SORTIE" ] && rm -f "$WEB_SORTIE"
    WEB_SORTIE=""
}

# Les nombres qu'un programme de calcul a traités, lus dans ses lignes
# « cpu_bound(N) = ... » : on les redonne aux autres programmes, pour que
# tous fassent exactement le même travail que cpu_sequentiel.
nombres_calcules() {
    sed -n 's/^cpu_bound(\([0-9][0-9]*\)[,)].*/\1/p' "$1" | tr '\n' ' '
}

# Les cœurs disponibles.
nombre_de_cpu() {
    nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1
}

# attendre CMD... : comme lancer CMD directement, mais un signal reçu par le
# script (Ctrl-C, kill) est traité tout de suite : bash ne lance un piège
# qu'une fois la commande au premier plan finie, alors qu'il interrompt
# `wait` aussitôt. Le piège appelle arreter_enfant.
ENFANT=""
attendre() {
    local rc
    "$@" &
    ENFANT=$!
    wait "$ENFANT"
    rc=$?
    ENFANT=""
    return $rc
}

arreter_enfant() {
    if [ -n "$ENFANT" ]; then
        kill "$ENFANT" 2>/dev/null
        wait "$ENFANT" 2>/dev/null
        ENFANT=""
    fi
}
