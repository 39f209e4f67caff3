#!/usr/bin/env bash
# demo.sh LATENCE — ce que fait `make demo` : la visite guidée du TD.
#
# Lance les solutions de référence dans l'ordre du cours contre le serveur
# local (latence LATENCE ms, 50 par défaut) : séquentiel, threads, asynchrone,
# serveur web (/comic2 bloquant contre /comic concurrent), calcul séquentiel
# contre pool de processus et threads, puis partial, puis le même calcul par
# messages (MPI, chapitre 07). Entre deux étapes,
# quelques phrases disent quoi observer ; à la fin, un tableau compare tout.
# Un programme pas encore écrit est sauté (« chapitre NN : à venir »).
#
# Le serveur local (et le serveur web du chapitre 04) sont arrêtés à la fin,
# même après Ctrl-C. Code de sortie : 0, sauf si un programme a échoué.
#
# Variables facultatives :
#   DEMO_NOMBRES="n1 n2 ..."  nombres des chapitres 05-06 (sinon ceux
#                                 que cpu_sequentiel prend par défaut,
#                                 redonnés aux suivants : même travail) ;
#   DEMO_OUVRIERS=W            processus/threads de calcul (sinon nproc).
set -u
latence=${1:-50}
dossier=$(dirname "$0")
. "$dossier/lib/td6.sh"

coeurs=$(nombre_de_cpu)
workers=${DEMO_OUVRIERS:-$coeurs}
read -r -a nombres <<<"${DEMO_NOMBRES:-}"
travail=$(mktemp -d /tmp/td6-demo-XXXXXX)

# Le dossier de travail s'efface à la sortie, après l'arrêt de ce que le
# script a lancé (serveurs, programmes : voir a_la_sortie).
a_la_sortie rm -rf "$travail"

# ---- Le tableau final ---------------------------------------------------
# Une ligne par programme lancé : nom, temps mesuré, temps idéal, pic en vol,
# connexions, temps de référence (pour l'accélération).
lignes_nom=() lignes_temps=() lignes_ideal=() lignes_pic=() lignes_conn=() lignes_ref=()

echecs=0
noter() {
    [ "$2" = "échec" ] && echecs=$((echecs + 1))
    lignes_nom+=("$1") lignes_temps+=("$2") lignes_ideal+=("$3")
    lignes_pic+=("$4") lignes_conn+=("$5") lignes_ref+=("$6")
}

# Aligne à gauche sur une largeur en caractères (pas en octets : « Idéal »).
cellule() {
    local texte=$1 largeur=$2
    printf '%s%*s' "$texte" $((largeur > ${#texte} ? largeur - ${#texte} : 0)) ''
}

tableau() {
    local i t ideal rapport accel
    echo
    echo "================ Bilan (serveur local : latence $latence ms ; $coeurs cœurs) ================"
    cellule "Programme" 30; cellule "Temps (s)" 11; cellule "Idéal (s)" 11
    cellule "Rapport" 9; cellule "Pic en vol" 12; cellule "Connexions" 12; echo "Accélération"
    for i in "${!lignes_nom[@]}"; do
        t=${lignes_temps[$i]} ideal=${lignes_ideal[$i]}
        if [ "$t" = "échec" ]; then
            rapport="—" accel="—"
        else
            rapport=$(calcul "sprintf(\"%.2f\", $t / $ideal)")
            accel=$(calcul "sprintf(\"× %.1f\", ${lignes_ref[$i]} / $t)")
        fi
        cellule "${lignes_nom[$i]}" 30; cellule "$t" 11; cellule "$ideal" 11
        cellule "$rapport" 9; cellule "${lignes_pic[$i]}" 12; cellule "${lignes_conn[$i]}" 12
        echo "$accel"
    done
    echo
    echo "Rapport = temps mesuré / temps idéal (1.00 = on ne peut pas faire mieux)."
    echo "Idéal : N×L en séquentiel, ⌈N/W⌉×L avec W threads, L en asynchrone"
    echo "(L = latence, N = pages) ; pour le calcul, T_1 (un seul ouvrier) / min(W, cœurs, nombres)."
    echo "Accélération : par rapport à sequentiel (téléchargements), à /comic2"
    echo "(serveur web), à cpu_sequentiel ou à partial -j 1 (calcul). Pic en vol et"
    echo "connexions : ce que le serveur local a vu pendant l'étape (« — » : pas de réseau)."
}

# ---- Aides d'affichage ----------------------------------------------------

titre() {
    echo
    echo "==== $1"
}

dire() {
    printf '%s\n' "$@" | sed 's/^/   /'
}

# Les premières lignes et la dernière d'une sortie : on voit le début et le bilan.
extrait() {
    local n
    n=$(wc -l <"$1")
    if [ "$n" -le 6 ]; then
        sed 's/^/   │ /' "$1"
    else
        head -n 3 "$1" | sed 's/^/   │ /'
        echo "   │ … ($((n - 4)) lignes de plus)"
        tail -n 1 "$1" | sed 's/^/   │ /'
    fi
}

# executer NOM ARGS... : lance la solution NOM ; sa sortie dans $travail/NOM.out.
# Renvoie 1 (et le dit) si le programme manque ou échoue.
executer() {
    local nom=$1 bin
    shift
    if ! bin=$(programme "$nom"); then
        a_venir "$nom"
        return 2
    fi
    # La ligne de commande, abrégée quand il y a beaucoup de nombres.
    local ligne="${bin#./} $*"
    [ $# -gt 6 ] && ligne="${bin#./} ${*:1:5} … ($(($# - 5)) de plus)"
    echo "   \$ ${ligne% }"
    if ! attendre timeout 120 "$bin" "$@" >"$travail/$nom.out" 2>"$travail/$nom.err"; then
        extrait "$travail/$nom.out"
        echo "   ✘ $nom a échoué (ou a dépassé 2 minutes) :"
        head -n 5 "$travail/$nom.err" | sed 's/^/     /'
        return 1
    fi
    extrait "$travail/$nom.out"
    return 0
}

# ---- Étapes 1 à 3 : télécharger ---------------------------------------------

t_sequentiel=""

# telechargement NOM TITRE IDEAL_EN_LATENCES(expression de n) ARGS...
telechargement() {
    local nom=$1 libelle=$2 latences=$3 rc t n ideal
    shift 3
    remettre_stats
    executer "$nom" "$@"
    rc=$?
    [ $rc -eq 2 ] && return 0
    lire_stats
    if [ $rc -ne 0 ]; then
        noter "$libelle" "échec" "—" "$STAT_PIC" "$STAT_CONNEXIONS" 1
        return 0
    fi
    t=$(duree_affichee "$travail/$nom.out")
    n=$(pages_lues "$travail/$nom.out")
    ideal=$(awk -v n="$n" -v l="$latence" "BEGIN { printf \"%.3f\", ($latences) * l / 1000 }")
    echo "   → serveur : pic en vol = $STAT_PIC, connexions = $STAT_CONNEXIONS, requêtes = $STAT_REQUETES"
    [ -z "$t_sequentiel" ] && t_sequentiel=$t
    noter "$libelle" "$t" "$ideal" "$STAT_PIC" "$STAT_CONNEXIONS" "${t_sequentiel:-$t}"
}

etape_io() {
    titre "1. Séquentiel (chapitre 01) : une page après l'autre"
    dire "160 pages, une seule poignée libcurl. Chaque requête attend la réponse" \
         "avant de lancer la suivante : le temps total est 160 fois la latence." \
         "Le serveur ne voit qu'une requête à la fois (pic en vol = 1) et une seule" \
         "connexion, réutilisée d'une requête à l'autre (keep-alive)."
    telechargement sequentiel "sequentiel" "n"

    titre "2. Threads (chapitre 02) : 5 téléchargements à la fois"
    dire "Cinq threads se partagent les 160 pages, chacun avec SA poignée libcurl." \
         "Pendant qu'un thread attend le réseau, les autres avancent : environ 5 fois" \
         "plus vite. Le serveur voit 5 requêtes en vol et 5 connexions."
    telechargement threads "threads -w 5" "int((n + 4) / 5)" -w 5

    titre "3. Asynchrone (chapitre 03) : tout en même temps, dans un seul thread"
    dire "Une poignée « multi » lance les 160 requêtes d'un coup et les surveille" \
         "toutes depuis un seul thread (la boucle d'événements). Le tout dure à peu" \
         "près UNE latence : c'est le temps idéal d'un programme limité par l'attente."
    telechargement asynchrone "asynchrone" "1"
}

# ---- Étape 4 : le serveur web -----------------------------------------------

t_comic2=""

# page_web PROG ROUTE LIBELLE IDEAL_EN_LATENCES
page_web() {
    local nom=$1 route=$2 libelle=$3 latences=$4 bin debut fin t reponse
    if ! bin=$(programme "$nom"); then
        a_venir "$nom"
        return 0
    fi
    lancer_web "$bin" || { noter "$libelle" "échec" "—" "—" "—" 1; return 0; }
    remettre_stats
    echo "   \$ ${bin#./} 0      (écoute sur $WEB_URL)"
    echo "   GET $WEB_URL$route"
    debut=$(maintenant)
    reponse=$(http_get "$WEB_URL$route")
    fin=$(maintenant)
    arreter_web
    lire_stats
    t=$(calcul "sprintf(\"%.3f\", $fin - $debut)")
    if [ "$(echo "$reponse" | statut_http)" != 200 ]; then
        echo "   ✘ réponse inattendue : $(echo "$reponse" | head -n 1)"
        noter "$libelle" "échec" "—" "$STAT_PIC" "$STAT_CONNEXIONS" 1
        return 0
    fi
    echo "   │ $(echo "$reponse" | corps_http | grep -o '<img' | wc -l) image(s) dans la page, reçue en $t s"
    echo "$reponse" | corps_http | sed 's/<[^>]*>/ /g' | grep -i -m 1 -E 'time|temps|durée' |
        sed 's/  */ /g; s/^ *//; s/^/   │ /'
    # Dans le tableau : le temps que la page annonce (mesuré par le serveur
    # web, comme les autres programmes mesurent le leur), sinon celui vu ici.
    [ -n "$(echo "$reponse" | temps_page)" ] && t=$(printf '%.3f' "$(echo "$reponse" | temps_page)")
    echo "   → serveur : pic en vol = $STAT_PIC, connexions = $STAT_CONNEXIONS, requêtes = $STAT_REQUETES"
    [ -z "$t_comic2" ] && t_comic2=$t
    noter "$libelle" "$t" "$(calcul "sprintf(\"%.3f\", $latences * $latence / 1000)")" \
        "$STAT_PIC" "$STAT_CONNEXIONS" "$t_comic2"
}

etape_web() {
    titre "4. Un serveur web (chapitre 04) : /comic2 bloquant, puis /comic concurrent"
    dire "hello sert /comic2 : pour répondre, il demande 5 images à l'API xkcd (le" \
         "serveur local), l'une après l'autre ; la page met 5 latences à venir." \
         "hello2 sert /comic : les 5 demandes partent ensemble, la page arrive en" \
         "une latence. Regardez le pic en vol vu par le serveur : 1 puis 5."
    page_web hello /comic2 "hello /comic2 (5 images)" 5
    page_web hello2 /comic "hello2 /comic (5 images)" 1
}

# ---- Étapes 5 et 6 : calculer ---------------------------------------------------

t_ref=""   # temps de la version à un seul worker de la famille en cours

# calculer NOM LIBELLE ref|pool ARGS... : « ref » est la version à un seul
# worker (son temps sert de référence) ; pour un pool, le temps idéal est
# T_référence / min(W, cœurs, nombres).
calculer() {
    local nom=$1 libelle=$2 role=$3 rc t k par ideal
    shift 3
    executer "$nom" "$@" "${nombres[@]}"
    rc=$?
    [ $rc -eq 2 ] && return 0
    if [ $rc -ne 0 ]; then
        noter "$libelle" "échec" "—" "—" "—" 1
        [ "$role" = ref ] && t_ref=""
        return 0
    fi
    t=$(duree_affichee "$travail/$nom.out")
    if [ "$role" = ref ] || [ -z "$t_ref" ]; then
        t_ref=$t
        ideal=$t
        # Les suivants feront exactement le même travail.
        [ ${#nombres[@]} -eq 0 ] && read -r -a nombres <<<"$(nombres_calcules "$travail/$nom.out")"
    else
        k=$(grep -vc '^Duration' "$travail/$nom.out")
        par=$workers
        [ "$coeurs" -lt "$par" ] && par=$coeurs
        [ "$k" -gt 0 ] && [ "$k" -lt "$par" ] && par=$k
        ideal=$(calcul "sprintf(\"%.3f\", $t_ref / $par)")
    fi
    noter "$libelle" "$t" "$ideal" "—" "—" "$t_ref"
}

etape_cpu() {
    titre "5. Calcul (chapitre 05) : séquentiel, pool de processus, threads"
    dire "Ici, rien n'attend : chaque nombre demande une longue boucle de calcul" \
         "(somme des carrés). Un seul cœur travaille en séquentiel ; le pool de" \
         "processus (fork) en occupe $workers. En C il n'y a pas de GIL : des threads" \
         "calculent eux aussi en parallèle, aussi vite que des processus."
    calculer cpu_sequentiel "cpu_sequentiel" ref
    calculer multiproc "multiproc -j $workers" pool -j "$workers"
    calculer cpu_threads "cpu_threads -j $workers" pool -j "$workers"

    titre "6. partial (chapitre 06) : une fonction à deux arguments dans le pool"
    dire "Même pool, mais chaque tâche reçoit aussi un second nombre fixé à l'avance" \
         "(-k, 10 par défaut), comme functools.partial en Python. Chaque terme coûte" \
         "un peu plus (i*i + number2) : on compare donc partial -j $workers à partial -j 1." \
         "Lier l'argument ne coûte rien, le pool partage le travail comme avant."
    t_ref=""
    calculer partial "partial -j 1" ref -j 1
    calculer partial "partial -j $workers" pool -j "$workers"
}

# ---- Étape 7 : le même calcul par messages (chapitre 07, MPI) -------------------

# mpi NOM RANGS OUVRIERS : « mpiexec -n RANGS NOM » sur les nombres de
# l'étape 5 ; idéal = temps de la première ligne (-n 1) / min(OUVRIERS, cœurs).
mpi() {
    local nom=$1 rangs=$2 ouvriers=$3 bin t
    bin=$(programme "$nom") || { a_venir "$nom"; return 0; }
    echo "   \$ mpiexec -n $rangs ${bin#./} ${nombres[*]:0:3}${nombres[3]:+ …}"
    if ! attendre timeout 120 mpiexec -n "$rangs" "$bin" "${nombres[@]}" \
            >"$travail/$nom.out" 2>"$travail/$nom.err"; then
        echo "   ✘ $nom a échoué (ou a dépassé 2 minutes) :"
        head -n 5 "$travail/$nom.err" | sed 's/^/     /'
        noter "mpiexec -n $rangs $nom" "échec" "—" "—" "—" 1
        return 0
    fi
    extrait "$travail/$nom.out"
    t=$(duree_affichee "$travail/$nom.out")
    [ -z "$t_ref" ] && t_ref=$t
    [ "$ouvriers" -gt "$coeurs" ] && ouvriers=$coeurs
    noter "mpiexec -n $rangs $nom" "$t" "$(calcul "sprintf(\"%.3f\", $t_ref / $ouvriers)")" \
        "—" "—" "$t_ref"
}

etape_mpi() {
    titre "7. MPI (chapitre 07) : le même calcul, par messages entre processus"
    if ! command -v mpiexec >/dev/null 2>&1; then
        echo "   (mpiexec absent : scripts/dependances.sh installe MPICH)"
        return 0
    fi
    dire "mpiexec lance P copies du programme (les rangs), qui ne partagent rien :" \
         "chacune lit la liste, calcule sa part, et seuls les résultats voyagent, par" \
         "messages. repartition coupe la liste en blocs fixes ; maitre la distribue à" \
         "la demande (le rang 0 distribue, les autres calculent : un rang de plus)."
    t_ref=""
    mpi repartition 1 1
    mpi repartition "$coeurs" "$coeurs"
    mpi maitre $((coeurs + 1)) "$coeurs"
}

# ---- Le déroulé -------------------------------------------------------------------

main() {
    echo "TD6 en C — démonstration : toutes les solutions, dans l'ordre du cours."
    demarrer_serveur "$latence"
    echo "Serveur local : $TD6_SERVER (latence $latence ms). Machine : $coeurs cœurs."
    etape_io
    etape_web
    etape_cpu
    etape_mpi
    tableau
    # Code de sortie : 1 si un programme présent a échoué (un programme pas
    # encore écrit ne compte pas).
    if [ "$echecs" -gt 0 ]; then
        echo "✘ $echecs étape(s) en échec : voir les messages ci-dessus."
        return 1
    fi
}

main
