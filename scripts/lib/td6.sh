# scripts/lib/td6.sh — la bibliothèque commune des scripts du TD, à inclure
# (source) depuis la racine du dépôt : . scripts/lib/td6.sh
#
# Chaque outil des scripts n'est écrit qu'ici, une fois. Les noms de
# fonctions sont en français, comme les messages (la règle des noms et le
# tableau des variables d'environnement : section « Noms » de
# CONTRIBUER.md). Tout nombre écrit l'est avec un point décimal (comme les
# programmes).
#
# Calcul et machine
#   nombre_de_cpu          les cœurs disponibles
#   charge_machine         la charge (1, 5, 15 min) de /proc/loadavg
#   maintenant             secondes (horloge murale, microsecondes)
#   calcul EXPR            évalue une expression flottante (awk)
#   mediane NOMBRE...      la médiane
#   rapport A B            A / B, deux décimales
#   plus_grand A B         vrai si A > B (nombres décimaux)
#   temps_processeur       le temps processeur (utilisateur + système, en s)
#                          des enfants déjà attendus de ce shell
#
# Nettoyage
#   a_la_sortie CMD...     CMD sera lancée à la sortie du script (fin
#                          normale, erreur, Ctrl-C ou kill), après celles
#                          enregistrées plus tard ; serveurs, serveurs web
#                          et enfants lancés par cette bibliothèque s'y
#                          inscrivent d'eux-mêmes
#
# Serveur local et HTTP
#   lancer_serveur LATENCE lance build/serveur/serveur sur un port libre, met
#                          son URL dans serveur_url (plusieurs possibles)
#   demarrer_serveur LATENCE
#                          idem, et exporte l'URL dans TD6_SERVER
#   arreter_serveur        les arrête tous
#   http_get URL           réponse HTTP complète (en-têtes + corps) sur stdout,
#                          par /dev/tcp de bash : pas besoin de l'outil curl
#   corps_http, statut_http  filtres : le corps, le code de statut
#   lire_stats             lit /stats du serveur local : STAT_REQUETES,
#                          STAT_CONNEXIONS, STAT_PIC
#   remettre_stats         /reset du serveur local
#
# Programmes des solutions
#   programme NOM          chemin du binaire de la solution NOM (le construit
#                          au besoin) ; code 1 s'il n'existe pas encore
#   a_venir NOM            affiche « (chapitre NN : à venir) »
#   duree_affichee FICHIER la durée que le programme a lui-même affichée
#   pages_lues FICHIER     le N de « Downloaded N in ... »
#   temps_page             filtre : le « Time taken » d'une page du chapitre 04
#   nombres_calcules F     les N des lignes « cpu_bound(N) = ... » de F
#   mediane_telechargements N URL PAGES CMD...
#                          lance N fois CMD contre le serveur URL, vérifie
#                          qu'il lit PAGES pages, affiche la médiane des
#                          durées qu'il annonce (code 1 si une page manque)
#   lancer_web CHEMIN      démarre un serveur web du chapitre 04 sur un port
#                          libre : WEB_PID, WEB_URL (plusieurs possibles) ;
#                          arreter_web les arrête tous
#   attendre CMD...        lance CMD en arrière-plan et attend sa fin (code
#                          de sortie de CMD) ; arreter_enfant l'arrête
#
# Suites et mutants
#   liste_noms FICHIER     les tests nommés dans bonus.txt ou hors_note.txt
#   lancer_suite EXO BIN SOURCE RESULTATS [RACINE]
#                          la suite de EXO contre les binaires du dossier BIN
#                          (sortie standard héritée : à rediriger) ; ceux
#                          des sanitizers sont cherchés sous RACINE/tsan et
#                          RACINE/asan (RACINE : le BUILD qui a construit
#                          BIN, $BUILD par défaut)
#   construire_sanitizers RACINE SRC EXO [TEST...]
#                          les programmes de SRC/EXO que lancent les tests
#                          tsan_<programme> et asan_<programme> de la suite
#                          (ou des TEST nommés), avec ThreadSanitizer
#                          (RACINE/tsan/SRC/EXO) et ASan + UBSan
#                          (RACINE/asan/SRC/EXO)
#   lister_mutants EXO...  les mutants des exercices, un chemin par ligne
#   nom_mutant FICHIER     son nom (sans dossier ni extension)
#   tests_echoues FICHIER  les tests de ses lignes « @echoue »
#   repetitions_mutant FICHIER [DEFAUT]
#                          sa ligne « @repetitions N », sinon DEFAUT (1)
#   preparer_mutant FICHIER RACINE
#                          RACINE/NN_nom = solutions/NN_nom avec le défaut
#   dossier_binaires RACINE EXO
#                          où `make programmes SRC=RACINE` construit EXO
#   construire_copie RACINE EXO [TEST...]
#                          construit les programmes de RACINE/EXO, et leurs
#                          variantes sous sanitizer (celles des TEST)
#   echecs_manquants FICHIER RESULTATS
#                          les tests @echoue du mutant qui n'ont pas échoué
#                          dans RESULTATS.txt (rien : refusé là où il le doit)
#   attendre_place N       attend qu'il y ait moins de N tâches de fond
#   bon TEXTE / mauvais TEXTE [DÉTAIL...]
#                          une vérification conforme ou non (verifier-*.sh) :
#                          affichée et comptée dans $bons / $mauvais
# shellcheck shell=bash

export LC_NUMERIC=C
td6_build=${BUILD:-build}
td6_make=${MAKE:-make}

# ---- Le décompte des vérifications (verifier-*.sh) ----------------------

bons=0 mauvais=0
bon() { bons=$((bons + 1)); echo "    ✔ $1"; }
mauvais() {
    mauvais=$((mauvais + 1))
    echo "    ✘ $1"
    shift
    [ $# -gt 0 ] && printf '      %s\n' "$@"
}

# ---- Calcul et machine ---------------------------------------------------

nombre_de_cpu() {
    nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1
}

charge_machine() {
    cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?"
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

rapport() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

# (awk est partout, bc non.)
plus_grand() {
    awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'
}

# « times » : deux lignes, ce shell puis ses enfants (« 0m1.250s 0m0.310s »).
# Écrit dans un fichier, pas dans un tube : un tube ou $(...) le ferait
# tourner dans un sous-shell, qui n'a pas encore d'enfants.
temps_processeur() {
    local f
    f=$(mktemp "${TMPDIR:-/tmp}/td6-temps-XXXXXX") || return 1
    times >"$f"
    awk 'NR == 2 { t = 0
        for (i = 1; i <= 2; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] }
        printf "%.1f\n", t }' "$f"
    rm -f "$f"
}

# ---- Nettoyage à la sortie -----------------------------------------------
# Un seul piège EXIT pour tout le script : chaque outil qui lance quelque
# chose y inscrit son arrêt. SIGINT/SIGTERM font sortir (code 130), donc
# passent aussi par là.

td6_a_nettoyer=()

a_la_sortie() {
    local cmd
    cmd=$(printf '%q ' "$@")
    case " ${td6_a_nettoyer[*]-} " in *" $cmd "*) return 0 ;; esac
    td6_a_nettoyer+=("$cmd")
    trap td6_nettoyer EXIT
    trap 'exit 130' INT TERM
}

# Dans l'ordre inverse des inscriptions : ce qui a été lancé en dernier
# s'arrête en premier.
td6_nettoyer() {
    local i
    for ((i = ${#td6_a_nettoyer[@]} - 1; i >= 0; i--)); do
        eval "${td6_a_nettoyer[i]}"
    done
    td6_a_nettoyer=()
}

# ---- Serveur local et HTTP -----------------------------------------------

serveur_pids=()       # les serveurs lancés par ce script
serveur_sorties=()    # leurs fichiers de sortie (la première ligne : l'URL)
serveur_url=""        # l'URL du dernier serveur lancé

arreter_serveur() {
    local pid
    for pid in "${serveur_pids[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    serveur_pids=()
    if [ ${#serveur_sorties[@]} -gt 0 ]; then
        rm -f "${serveur_sorties[@]}"
    fi
    serveur_sorties=()
}

lancer_serveur() {
    local latence=$1 sortie i
    sortie=$(mktemp /tmp/td6-serveur-XXXXXX)
    serveur_sorties+=("$sortie")
    a_la_sortie arreter_serveur
    "$td6_build/serveur/serveur" -p 0 -l "$latence" >"$sortie" 2>/dev/null &
    serveur_pids+=("$!")
    for i in $(seq 100); do
        serveur_url=$(head -n 1 "$sortie")
        case $serveur_url in http://*) return 0 ;; esac
        sleep 0.05
    done
    echo "Le serveur local n'a pas démarré." >&2
    exit 1
}

demarrer_serveur() {
    lancer_serveur "$1"
    TD6_SERVER=$serveur_url
    export TD6_SERVER
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

# ---- Programmes des solutions --------------------------------------------

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
    for f in "$td6_build"/solutions/[0-9][0-9]_*/"$nom"; do
        [ -x "$f" ] && { echo "$f"; return 0; }
    done
    for src in solutions/[0-9][0-9]_*/"$nom".c; do
        [ -f "$src" ] || continue
        f=$td6_build/${src%.c}
        if "${MAKE:-make}" --no-print-directory -s "$f" >/dev/null 2>&1 && [ -x "$f" ]; then
            echo "$f"
            return 0
        fi
    done
    return 1
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

mediane_telechargements() {
    local n=$1 url=$2 pages=$3 out lues durees=()
    shift 3
    for _ in $(seq "$n"); do
        out=$(TD6_SERVER=$url "$@" 2>/dev/null)
        lues=$(grep -c '^Read ' <<<"$out" || true)
        if [ "$lues" -ne "$pages" ]; then
            echo "$(basename "$1") ${*:2} n'a lu que $lues pages sur $pages" >&2
            return 1
        fi
        durees+=("$(duree_affichee <(echo "$out"))")
    done
    mediane "${durees[@]}"
}

WEB_PID=""
WEB_URL=""
web_pids=()      # tous les serveurs web lancés (arreter_web les arrête)
web_sorties=()

# lancer_web CHEMIN : le programme écoute sur un port libre (argument 0) ; sa
# première ligne est son URL.
lancer_web() {
    local i sortie
    sortie=$(mktemp /tmp/td6-web-XXXXXX)
    web_sorties+=("$sortie")
    a_la_sortie arreter_web
    "$1" 0 >"$sortie" 2>&1 &
    WEB_PID=$!
    web_pids+=("$WEB_PID")
    for i in $(seq 200); do
        WEB_URL=$(head -n 1 "$sortie")
        case $WEB_URL in http://*) return 0 ;; esac
        kill -0 "$WEB_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "   $(basename "$1") n'a pas affiché son URL :" >&2
    sed 's/^/      /' "$sortie" >&2
    arreter_web
    return 1
}

arreter_web() {
    local pid
    for pid in "${web_pids[@]}"; do
        kill "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    web_pids=()
    WEB_PID=""
    if [ ${#web_sorties[@]} -gt 0 ]; then
        rm -f "${web_sorties[@]}"
    fi
    web_sorties=()
}

# Les nombres qu'un programme de calcul a traités, lus dans ses lignes
# « cpu_bound(N) = ... » : on les redonne aux autres programmes, pour que
# tous fassent exactement le même travail que cpu_sequentiel.
nombres_calcules() {
    sed -n 's/^cpu_bound(\([0-9][0-9]*\)[,)].*/\1/p' "$1" | tr '\n' ' '
}

# attendre CMD... : comme lancer CMD directement, mais un signal reçu par le
# script (Ctrl-C, kill) est traité tout de suite : bash ne lance un piège
# qu'une fois la commande au premier plan finie, alors qu'il interrompt
# `wait` aussitôt. Le piège appelle arreter_enfant.
ENFANT=""
attendre() {
    local rc
    a_la_sortie arreter_enfant
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

# ---- Suites et mutants ---------------------------------------------------

# liste_noms FICHIER : les noms de tests d'une liste (tests/NN_nom/bonus.txt,
# hors_note.txt), un par ligne, sans commentaires (« # ... ») ni blancs,
# comme les lit tests/lib/bilan.c. Rien si le fichier n'existe pas.
liste_noms() {
    [ -f "$1" ] && sed 's/[[:space:]#].*//; /^$/d' "$1"
    return 0
}

lancer_suite() {
    local racine=${5:-$td6_build}
    TD6_EXO=$1 TD6_BIN=$2 TD6_SOURCE=$3 TD6_RESULTS=$4 \
    TD6_BIN_TSAN=$racine/tsan/${2#"$racine"/} TD6_BIN_ASAN=$racine/asan/${2#"$racine"/} \
    TD6_SERVER_BIN=$td6_build/serveur/serveur \
        "$td6_build/tests/$1/suite"
}

# Les sanitizers des tests tsan_* et asan_* : un nom (le dossier sous
# RACINE) et ses options. -O1 -g : des piles lisibles, des lignes justes.
td6_sanitizers=("tsan -fsanitize=thread"
                "asan -fsanitize=address,undefined -fno-omit-frame-pointer")

# Un échec ici ne fait échouer que les tests tsan_* / asan_* (le binaire
# manque) : la suite le dit, test par test.
#
# Seuls les programmes qu'un test lance sous sanitizer sont construits : la
# règle de nommage « tsan_<programme> » / « asan_<programme> » (tests
# tsan_hello, asan_multiproc...) dit lesquels. Les compiler tous, deux fois
# de plus, coûtait plus que tout le reste de la compilation de make test.
# Un test dont le nom ne suit pas la règle (pas de <programme>.c dans le
# chapitre) fait construire tout le chapitre avec ce sanitizer. TEST... :
# seulement ces tests-là (les tests @echoue d'un mutant, voir verifier.sh).
construire_sanitizers() {
    local racine=$1 src=$2 exo=$3 v nom t p rc=0 tests cibles
    shift 3
    # La liste des tests de la suite, sans rien lancer.
    tests=$("$td6_build/tests/$exo/suite" --liste 2>/dev/null | cut -f1)
    [ $# -gt 0 ] && tests=$(printf '%s\n' $tests | grep -xF -f <(printf '%s\n' "$@"))
    for v in "${td6_sanitizers[@]}"; do
        nom=${v%% *}
        cibles=()
        for t in $tests; do
            case $t in "$nom"_*) p=${t#"$nom"_} ;; *) continue ;; esac
            # Le test asan_hello lance hello et hello2 : chaque programme
            # (un .c avec main) dont le nom commence par <p>.
            local f trouve=0
            for f in "$src/$exo/$p"*.c; do
                [ -f "$f" ] && grep -qs 'int main(' "$f" || continue
                f=${f##*/}
                cibles+=("$racine/$nom/$src/$exo/${f%.c}")
                trouve=1
            done
            if [ $trouve = 0 ]; then
                cibles=(programmes)
                break
            fi
        done
        [ ${#cibles[@]} -gt 0 ] || continue
        # Les options de pkg-config déjà trouvées (build/config.mk).
        mkdir -p "$racine/$nom"
        [ -f "$racine/$nom/config.mk" ] || cp "$td6_build/config.mk" "$racine/$nom/" 2>/dev/null
        "$td6_make" --no-print-directory -s -j"$(nombre_de_cpu)" BUILD="$racine/$nom" SRC="$src" \
            EXO="${exo%%_*}" SAN="${v#* }" CFLAGS="-O1 -g" "${cibles[@]}" || rc=1
    done
    return $rc
}

# Un mutant est un patch (tests/mutants/NN_nom/<prog>-<défaut>.patch) ou,
# ancienne forme, un programme complet (<prog>-<défaut>.c) qui remplace
# <prog> parmi les solutions.
lister_mutants() {
    local exo m
    for exo in "$@"; do
        for m in tests/mutants/"$exo"/*.patch tests/mutants/"$exo"/*.c; do
            [ -e "$m" ] && echo "$m"
        done
    done
}

nom_mutant() {
    local f=${1##*/}
    echo "${f%.*}"
}

tests_echoues() {
    sed -n 's/.*@echoue[[:space:]]\+\([A-Za-z0-9_]\+\).*/\1/p' "$1"
}

repetitions_mutant() {
    local n
    n=$(sed -n 's/.*@repetitions[[:space:]]\+\([0-9]\+\).*/\1/p' "$1" | head -n 1)
    echo "${n:-${2:-1}}"
}

dossier_binaires() {
    echo "$td6_build/$1/$2"
}

# preparer_mutant FICHIER RACINE : copie solutions/NN_nom dans RACINE/NN_nom
# et y met le défaut (patch -p1, ou le .c qui remplace son programme). Un
# patch qui ne s'applique plus écrit pourquoi et renvoie 1.
#
# Les binaires des programmes que le défaut ne touche pas, et les objets
# des aides du chapitre (aide.o), sont repris des solutions (déjà
# construites), plus récents que leurs sources : make ne recompile que ce
# qui change. Si le défaut touche autre chose qu'un programme (un fichier
# d'aide du chapitre), tout est recompilé.
preparer_mutant() {
    local m=$1 racine=$2 exo copie bin touches f p reprendre=1 v
    exo=$(basename "$(dirname "$m")")
    copie=$racine/$exo
    bin=$(dossier_binaires "$racine" "$exo")
    rm -rf "$racine" "$bin" "$td6_build"/{tsan,asan}/"$racine"
    mkdir -p "$copie" "$bin"
    cp -R solutions/"$exo"/. "$copie"/
    case $m in
        *.patch)
            if ! patch -p1 -s --no-backup-if-mismatch -d "$copie" <"$m" >"$racine.patch.log" 2>&1; then
                echo "le patch ne s'applique plus à solutions/$exo :"
                sed 's/^/    /' "$racine.patch.log" | head -n 10
                return 1
            fi
            touches=$(sed -n 's|^+++ b/\([^[:space:]]*\).*|\1|p' "$m")
            ;;
        *)
            # Le programme est copié (le Makefile doit y voir son main),
            # ses #include "../..." réécrits en chemins absolus : ils
            # restent relatifs à son dossier d'origine (les copies
            # hostiles partagent ainsi tests/hostiles/commun/).
            touches=$(nom_mutant "$m")
            touches=${touches%%-*}.c
            sed "s|^\([[:space:]]*#[[:space:]]*include[[:space:]]*\"\)\(\.\./[^\"]*\"\)|\1$(cd "$(dirname "$m")" && pwd)/\2|" \
                "$m" >"$copie/$touches"
            # Un main venu d'un fichier inclus (muet.c) : le Makefile ne
            # reconnaît un programme qu'à sa ligne « int main( ».
            grep -qE '^[[:space:]]*(int[[:space:]]+)?main[[:space:]]*[(]' "$copie/$touches" ||
                printf '#if 0\nint main(void); /* repère pour le Makefile : main est inclus */\n#endif\n' \
                    >>"$copie/$touches"
            ;;
    esac
    for f in $touches; do
        [ -x "$td6_build/solutions/$exo/${f%.c}" ] && [ "${f%.c}" != "$f" ] || reprendre=0
    done
    [ "$reprendre" -eq 1 ] || return 0
    # Les variantes sous sanitizer (construire_copie) de même.
    # Les objets d'abord : un binaire plus ancien que ses objets serait
    # refait.
    for v in "" tsan/ asan/; do
        [ -d "$td6_build/${v}solutions/$exo" ] || continue
        mkdir -p "$td6_build/$v$racine/$exo"
        for p in "$td6_build/${v}solutions/$exo"/*.o "$td6_build/${v}solutions/$exo"/*; do
            f=${p##*/}
            [ -e "$p" ] && [ ! -e "$td6_build/$v$racine/$exo/$f" ] || continue
            [ -x "$p" ] || [ "${f%.o}" != "$f" ] || continue
            case " $touches " in *" $f.c "*) continue ;; esac
            cp "$p" "$td6_build/$v$racine/$exo/" && touch "$td6_build/$v$racine/$exo/$f"
        done
    done
}

# Le mutant construit aussi sous sanitizer : une course doit être refusée
# parce que ThreadSanitizer l'a vue, pas parce qu'un binaire manque.
construire_copie() {
    "$td6_make" --no-print-directory -s programmes SRC="$1" EXO="${2%%_*}" &&
        construire_sanitizers "$td6_build" "$@"
}

echecs_manquants() {
    local t
    for t in $(tests_echoues "$1"); do
        grep -qx "echec $t" "$2.txt" 2>/dev/null || echo "$t"
    done
}

attendre_place() {
    while [ "$(jobs -rp | wc -l)" -ge "$1" ]; do wait -n 2>/dev/null || true; done
}
