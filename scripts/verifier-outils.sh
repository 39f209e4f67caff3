#!/usr/bin/env bash
# verifier-outils.sh — les traces des solutions sont justes, make images dessine, make demo tourne hors ligne et s'arrête proprement
#
# Appelé par scripts/verifier.sh (donc par `make check`) avec la liste des
# exercices. Vérifie :
#   1. la trace (TD6_TRACE) de vraies exécutions des solutions de ces
#      exercices : chaque ligne « pid tid etat debut fin tache » est bien
#      formée, debut ≤ fin, l'état est le bon, une ligne par tâche, et les
#      workers sont ceux demandés (threads -w 3 → 3 threads, multiproc -j 2
#      → 2 processus fils...) ;
#   2. seulement pour un `make check` complet (tous les exercices) :
#      `make images` écrit des PNG non vides dans un dossier temporaire,
#      `make demo LATENCE=5` finit avec le code 0 sans réseau extérieur et
#      arrête son serveur, et une démo interrompue (SIGINT, comme Ctrl-C)
#      l'arrête aussi.
# Un programme pas encore écrit est sauté (« chapitre NN : à venir »).
# Code de sortie 0 si tout est conforme.
set -u
dossier=$(dirname "$0")
. "$dossier/lib/td6.sh"

make=${MAKE:-make}
bons=0 mauvais=0
travail=$(mktemp -d /tmp/td6-verif-outils-XXXXXX)
debut_verif=$(date +%s)

# Le dossier de travail s'efface à la sortie, après l'arrêt de ce que le
# script a lancé (serveurs, programmes : voir a_la_sortie).
a_la_sortie rm -rf "$travail"


# ---- 1. Les traces ----------------------------------------------------------

# analyser TRACE ETAT MUR : contrôle chaque ligne ; affiche sur stdout
# « lignes pids tids chevauchement_max liste_des_pids » et les défauts sur
# stderr (code 1 s'il y en a). MUR : durée réelle de l'exécution, en secondes
# (les temps de la trace doivent tenir dedans : ce sont des secondes).
analyser() {
    awk -v etat="$2" -v mur="$3" '
        function defaut(m) { if (nd < 5) print "ligne " NR " : " m > "/dev/stderr"; nd++ }
        NF < 6 { defaut("moins de 6 champs (pid tid etat debut fin tache) : « " $0 " »"); next }
        {
            if ($1 !~ /^[0-9]+$/ || $2 !~ /^[0-9]+$/) defaut("pid et tid doivent être des entiers : « " $1 " " $2 " »")
            if ($3 != etat) defaut("état « " $3 " », attendu « " etat " »")
            if ($4 !~ /^[0-9]+\.[0-9]+$/ || $5 !~ /^[0-9]+\.[0-9]+$/) defaut("début et fin doivent être des secondes : « " $4 " " $5 " »")
            else if ($4 + 0 > $5 + 0) defaut("la tâche finit (" $5 ") avant de commencer (" $4 ")")
            n++; d[n] = $4 + 0; f[n] = $5 + 0
            if (!($1 in pid)) { pid[$1]; np++; liste = liste "," $1 }
            if (!($2 in tid)) { tid[$2]; nt++ }
            if (n == 1 || d[n] < t0) t0 = d[n]
            if (n == 1 || f[n] > t1) t1 = f[n]
        }
        END {
            if (n > 0 && t1 - t0 > mur + 0.5)
                defaut("les tâches s étalent sur " t1 - t0 " s pour une exécution de " mur " s : temps en secondes de td6_now() ?")
            # Combien de tâches au plus en même temps (au début de chacune).
            max = 0
            for (i = 1; i <= n; i++) {
                k = 0
                for (j = 1; j <= n; j++) if (d[j] <= d[i] && d[i] < f[j]) k++
                if (k > max) max = k
            }
            print n + 0, np + 0, nt + 0, max, substr(liste, 2)
            exit nd > 0
        }' "$1"
}

# executer_trace NOM ETAT -- ARGS : lance la solution avec TD6_TRACE ; remplit
# T_LIGNES T_PIDS T_TIDS T_CHEV T_LISTE T_PARENT. Code 2 si elle manque.
executer_trace() {
    local nom=$1 etat=$2 bin t0 t1 rc
    shift 2
    bin=$(programme "$nom") || { echo "    $(a_venir "$nom" | sed 's/^ *//')"; return 2; }
    rm -f "$travail/trace"
    t0=$(maintenant)
    TD6_TRACE=$travail/trace timeout 60 "$bin" "$@" >"$travail/sortie" 2>&1 &
    T_PARENT=$!
    wait "$T_PARENT"
    rc=$?
    t1=$(maintenant)
    if [ $rc -ne 0 ]; then
        mauvais "$nom $* : code de sortie $rc" "$(tail -n 3 "$travail/sortie")"
        return 1
    fi
    juger_trace "$nom $*" "$etat" "$(calcul "$t1 - $t0")"
}

# juger_trace LIBELLE ETAT MUR : analyse $travail/trace.
juger_trace() {
    local res
    if [ ! -s "$travail/trace" ]; then
        mauvais "$1 : aucune trace écrite" "attendu : une ligne par tâche dans \$TD6_TRACE ; où regarder : l'appel à td6_trace() autour de chaque tâche"
        return 1
    fi
    if ! res=$(analyser "$travail/trace" "$2" "$3" 2>"$travail/defauts"); then
        mauvais "$1 : trace mal formée" "$(cat "$travail/defauts")"
        return 1
    fi
    read -r T_LIGNES T_PIDS T_TIDS T_CHEV T_LISTE <<<"$res"
    return 0
}

# demande NN : l'exercice NN est-il dans la liste reçue ? (On ne vérifie que
# les programmes des exercices demandés : un `make check EXO=02` ne dépend
# pas de l'état des autres chapitres.)
demande() {
    [[ $exercices == *" $1_"* ]]
}

# attendu LIBELLE VU ATTENDU CONSEIL : compare deux nombres.
attendu() {
    if [ "$2" = "$3" ]; then
        return 0
    fi
    mauvais "$1 : attendu $3, vu $2" "$4"
    return 1
}

# cas_trace EXO PROGRAMME ETAT ATTENDU CONSEIL -- ARGUMENTS : lance la solution
# avec ARGUMENTS et juge sa trace. ATTENDU : « lignes processus threads
# chevauchement », un « - » pour ce qui n'est pas jugé, et un cinquième mot
# « fils » si le parent ne doit pas apparaître (il distribue, ses fils
# calculent). CONSEIL : ce que l'étudiant doit vérifier si un nombre diffère.
cas_trace() {
    local exo=$1 nom=$2 etat=$3 conseil=$5 lignes pids tids chev fils ok=1 libelle
    read -r lignes pids tids chev fils <<<"$4"
    shift 6
    demande "$exo" || return 0
    executer_trace "$nom" "$etat" "$@" || return 0
    libelle="$nom $(echo "$*" | sed 's|http://[^ ]*||g; s/[0-9]\{5,\}//g; s/  */ /g; s/ *$//')"
    libelle=${libelle% }
    compter "$libelle : lignes de trace (une par tâche)" "$T_LIGNES" "$lignes" "$conseil" || ok=0
    compter "$libelle : processus qui tracent" "$T_PIDS" "$pids" "$conseil" || ok=0
    compter "$libelle : threads qui tracent" "$T_TIDS" "$tids" "$conseil" || ok=0
    compter "$libelle : tâches en même temps au plus" "$T_CHEV" "$chev" "$conseil" || ok=0
    if [ "$fils" = fils ] && [[ ",$T_LISTE," == *",$T_PARENT,"* ]]; then
        mauvais "$libelle : le processus parent ($T_PARENT) calcule lui-même" \
            "attendu : seuls les fils du pool calculent, le parent distribue et rassemble"
        ok=0
    fi
    [ $ok = 1 ] && bon "$libelle : $T_LIGNES tâches « $etat », $T_PIDS processus, $T_TIDS thread(s), $T_CHEV au plus en même temps"
}

# compter LIBELLE VU ATTENDU CONSEIL : comme attendu, sauf si ATTENDU vaut « - ».
compter() {
    [ "$3" = - ] || attendu "$1" "$2" "$3" "$4"
}

verifier_traces_io() {
    local s=$TD6_SERVER pages=() i
    for i in $(seq 24); do pages+=("$s/jython"); done
    # exo, programme, état, attendu (lignes processus threads chevauchement), conseil, arguments
    cas_trace 01 sequentiel attente "6 1 1 1" \
        "tout se passe dans le thread principal, une page commence quand la précédente est finie" -- "${pages[@]:0:6}"
    cas_trace 02 threads attente "24 1 3 -" \
        "des threads, pas des processus : chaque worker appelle-t-il td6_trace depuis son propre thread ? le thread principal télécharge-t-il aussi ?" -- -w 3 "${pages[@]}"
    cas_trace 03 asynchrone attente "10 1 1 10" \
        "la boucle d'événements tourne dans un seul thread, les 10 requêtes attendent ensemble" -- "${pages[@]:0:10}"
}

verifier_traces_web() {
    local nom route n chev bin t0 t1 reponse
    for nom in hello hello2; do
        if [ $nom = hello ]; then route=/comic2 chev=1; else route=/comic chev=5; fi
        bin=$(programme "$nom") || { echo "    $(a_venir "$nom" | sed 's/^ *//')"; continue; }
        rm -f "$travail/trace"
        t0=$(maintenant)
        export TD6_TRACE=$travail/trace
        lancer_web "$bin" || { unset TD6_TRACE; mauvais "$nom : pas démarré"; continue; }
        unset TD6_TRACE
        reponse=$(http_get "$WEB_URL$route")
        arreter_web
        t1=$(maintenant)
        if [ "$(echo "$reponse" | statut_http)" != 200 ]; then
            mauvais "$nom $route : réponse « $(echo "$reponse" | head -n 1) », attendu 200"
            continue
        fi
        juger_trace "$nom $route" attente "$(calcul "$t1 - $t0")" || continue
        n=1
        attendu "$nom $route : appels à l'API dans la trace" "$T_LIGNES" 5 "5 images demandées, une ligne de trace chacune" || n=0
        attendu "$nom $route : appels en même temps au plus" "$T_CHEV" $chev \
            "$([ $chev = 1 ] && echo "/comic2 attend chaque image avant la suivante" || echo "/comic lance les 5 demandes ensemble")" || n=0
        [ $n = 1 ] && bon "$nom $route : 5 appels à l'API tracés, $chev au plus en même temps"
    done
}

verifier_traces_cpu() {
    # Assez longs (~50 ms chacun) pour que chaque worker ait sa part même
    # sur une machine chargée.
    local nombres=(60000000 60000001 60000002 60000003 60000004 60000005)
    cas_trace 05 cpu_sequentiel calcul "6 1 1 1" "un seul fil d'exécution, un nombre après l'autre" -- "${nombres[@]}"
    cas_trace 05 multiproc calcul "6 2 - - fils" \
        "un pool de 2 processus : chaque fils calcule et appelle td6_trace (cherchez le fork)" -- -j 2 "${nombres[@]}"
    cas_trace 06 partial calcul "6 2 - - fils" \
        "un pool de 2 processus : chaque fils calcule et appelle td6_trace (cherchez le fork)" -- -j 2 "${nombres[@]}"
    cas_trace 05 cpu_threads calcul "6 1 2 -" \
        "des threads dans un seul processus : 2 workers, chacun appelle td6_trace" -- -j 2 "${nombres[@]}"
}

# ---- 2. make images, make demo ---------------------------------------------------

est_png() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

verifier_images() {
    local f png manquantes="" attendues=(bench.png)
    programme sequentiel >/dev/null && attendues+=(io.png sequentiel.png)
    programme threads >/dev/null && attendues+=(threads.png)
    programme asynchrone >/dev/null && attendues+=(asynchrone.png)
    programme cpu_sequentiel >/dev/null && attendues+=(cpu.png cpu_sequentiel.png)
    programme multiproc >/dev/null && attendues+=(multiprocessing.png)
    programme cpu_threads >/dev/null && attendues+=(cpu_threads.png)
    programme repartition >/dev/null && programme maitre >/dev/null && command -v mpiexec >/dev/null && attendues+=(distribue.png)
    mkdir -p "$travail/images" "$travail/sans-bench"
    if ! IMAGES_DOSSIER=$travail/images IMAGES_LATENCE=10 IMAGES_BENCH=$travail/sans-bench \
            "$make" --no-print-directory -s images >"$travail/images.log" 2>&1; then
        mauvais "make images a échoué" "$(tail -n 8 "$travail/images.log")"
        return
    fi
    for png in "${attendues[@]}"; do
        est_png "$travail/images/$png" || manquantes="$manquantes $png"
    done
    for f in "$travail"/images/*.png; do
        est_png "$f" || manquantes="$manquantes $(basename "$f")(invalide)"
    done
    if [ -n "$manquantes" ]; then
        mauvais "make images : PNG absents, vides ou invalides :$manquantes" "$(tail -n 8 "$travail/images.log")"
    else
        bon "make images : ${#attendues[@]} PNG non vides (${attendues[*]})"
    fi
}

# Le port d'un serveur local annoncé dans un journal ; ferme() réussit si
# plus rien n'y écoute.
port_annonce() {
    sed -n 's|^Serveur local : http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$1" | head -n 1
}
ferme() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# vivant PID : le processus tourne encore (un zombie pas encore attendu par
# wait ne compte pas : il a fini).
vivant() {
    local etat
    read -r _ _ etat _ 2>/dev/null <"/proc/$1/stat" || return 1
    [ "$etat" != Z ]
}

verifier_demo() {
    local rc port
    # Hors ligne : aucun proxy, et le serveur local seulement.
    env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY \
        "$make" --no-print-directory -s demo LATENCE=5 >"$travail/demo.log" 2>&1
    rc=$?
    port=$(port_annonce "$travail/demo.log")
    if [ $rc -ne 0 ]; then
        mauvais "make demo LATENCE=5 : code de sortie $rc, attendu 0" "$(tail -n 10 "$travail/demo.log")"
    elif ! grep -q '^================ Bilan' "$travail/demo.log"; then
        mauvais "make demo : pas de tableau final (« Bilan »)" "$(tail -n 10 "$travail/demo.log")"
    elif grep -q '✘' "$travail/demo.log"; then
        mauvais "make demo : une étape a échoué" "$(grep -A3 '✘' "$travail/demo.log" | head -n 8)"
    elif [ -z "$port" ] || ! ferme "$port"; then
        mauvais "make demo : le serveur local (port ${port:-?}) tourne encore après la démo"
    else
        bon "make demo LATENCE=5 : code 0, tableau de $(($(sed -n '/^================ Bilan/,/^$/p' "$travail/demo.log" | wc -l) - 3)) programmes, serveur arrêté"
    fi

    # Interrompue en plein téléchargement séquentiel : SIGINT à tout son
    # groupe de processus, comme Ctrl-C dans un terminal.
    interrompre INT groupe "a_la_sortie et son piège (INT, puis EXIT) dans scripts/lib/td6.sh"
    # SIGTERM au script seul (kill PID) : c'est alors son piège EXIT, et lui
    # seul, qui doit arrêter le serveur.
    interrompre TERM script "le piège EXIT de scripts/lib/td6.sh (a_la_sortie) doit appeler arreter_serveur"
}

# interrompre SIGNAL groupe|script CONSEIL : lance la démo (latence 50 ms) dans
# son propre groupe de processus, attend qu'elle ait démarré son serveur,
# lui envoie SIGNAL, puis vérifie que le serveur ne répond plus. Le groupe
# est supprimé ensuite quoi qu'il arrive.
interrompre() {
    local sig=$1 qui=$2 conseil=$3 pid port="" i journal=$travail/demo-$1.log
    # Une commande lancée en arrière-plan par bash ignore SIGINT : env le
    # remet à son comportement par défaut, comme dans un terminal.
    : >"$journal"
    if env --default-signal=INT true 2>/dev/null; then
        setsid env --default-signal=INT "$dossier/demo.sh" 50 >"$journal" 2>&1 &
    else
        setsid "$dossier/demo.sh" 50 >"$journal" 2>&1 &
    fi
    pid=$!
    for i in $(seq 300); do
        port=$(port_annonce "$journal")
        [ -n "$port" ] && break
        vivant "$pid" || break
        sleep 0.1
    done
    sleep 0.5
    if [ "$qui" = groupe ]; then kill -"$sig" -- "-$pid" 2>/dev/null; else kill -"$sig" "$pid" 2>/dev/null; fi
    for i in $(seq 150); do
        vivant "$pid" || break
        sleep 0.1
    done
    sleep 0.2
    if [ -z "$port" ]; then
        mauvais "démo arrêtée par SIG$sig : elle n'avait pas démarré son serveur" "$(tail -n 5 "$journal")"
    elif vivant "$pid"; then
        mauvais "démo arrêtée par SIG$sig ($qui) : elle tourne encore 15 s après" "où regarder : $conseil"
    elif ! ferme "$port"; then
        mauvais "démo arrêtée par SIG$sig ($qui) : le serveur local (port $port) tourne encore" \
            "où regarder : $conseil"
    else
        bon "démo arrêtée par SIG$sig ($([ "$qui" = groupe ] && echo "à tout le groupe, comme Ctrl-C" || echo "au script seul")) : serveur local arrêté"
    fi
    kill -KILL -- "-$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
}

# ---- Le déroulé ---------------------------------------------------------------------

main() {
    local tous
    demarrer_serveur 60
    exercices=" $* "
    verifier_traces_io
    demande 04 && verifier_traces_web
    verifier_traces_cpu
    arreter_serveur
    tous=$(cd td6 && ls -d [0-9][0-9]_* 2>/dev/null | tr '\n' ' ')
    if [ "$*" = "${tous% }" ]; then
        verifier_images
        verifier_demo
    else
        echo "    (make images et make demo : vérifiés seulement par un make check complet, sans EXO)"
    fi
    echo "    outils : $bons conformes, $mauvais non conformes, en $(($(date +%s) - debut_verif)) s"
    [ "$mauvais" -eq 0 ]
}

main "$@"
