#!/usr/bin/env bash
# bench.sh LATENCE [EXERCICE...] — ce que fait `make bench` : des rapports,
# pas des temps.
#
# Chaque programme du cours tourne plusieurs fois (5 par défaut) ; on garde
# la médiane et on la compare au temps idéal :
#   sequentiel      N × L              (N pages, L la latence du serveur)
#   threads -w W    ⌈N / W⌉ × L
#   asynchrone      L                  (tout part en même temps)
#   /comic2, /comic 5 × L, puis L      (serveur web du chapitre 04)
#   calcul, W workers sur P cœurs : T_1 / min(W, P, nombres), où T_1 est
#                      le temps à un worker (cpu_sequentiel ; partial -j 1)
# plus l'accélération du calcul pour 1 à nproc workers, et 2 × nproc
# (processus et threads). Les répétitions sont entrelacées (tour 1 : chaque programme,
# tour 2 : chaque programme...) : une machine qui se charge en cours de
# route pénalise tout le monde pareil.
#
# Résultats : $BUILD/bench/bench.csv et $BUILD/bench/cpu-echelle.csv (lus
# par `make images`), et $BUILD/bench/machine.txt (cœurs, charge).
# Ce tableau d'ensemble mesure tous les programmes de la même façon.
# `make bench EXO=NN` donne à la place le balayage détaillé d'un chapitre
# (threads de 1 à 160, -m...) : scripts/banc/NN_nom.sh, un fichier par
# chapitre, trouvé tout seul (un nouveau chapitre n'a qu'à ajouter le sien),
# avec ARGS="..." pour ses arguments.
#
# Variables facultatives :
#   BENCH_REPETITIONS=5          nombre de mesures par programme ;
#   BENCH_NOMBRES="n1 n2 ..."    nombres du calcul (sinon ceux que cpu_sequentiel
#                                prend par défaut, redonnés à tous les autres) ;
#   BENCH_DOSSIER=dossier        où écrire les CSV (sinon $BUILD/bench) ;
#   BENCH_FAMILLES="io web cpu"  ne mesurer que ces familles (ex. : cpu).
set -u
latence=${1:-50}
dossier=$(dirname "$0")
. "$dossier/lib/td6.sh"

repetitions=${BENCH_REPETITIONS:-5}

# make bench EXO=NN : le balayage du chapitre, scripts/banc/NN_nom.sh, lu
# dans un sous-shell : il a la bibliothèque, $latence, $repetitions et ses
# arguments (ARGS) ; ce qu'il lance s'arrête à sa fin (a_la_sortie).
if [ $# -gt 1 ]; then
    shift
    rc=0
    for exo in "$@"; do
        if [ -f "$dossier/banc/$exo.sh" ]; then
            # (Pas de « || » ici : il y annulerait le set -e du banc.)
            # « set -- » d'abord : sans ARGS, « . fichier » seul laisserait
            # au banc les arguments de ce script (le nom du chapitre en $1).
            # shellcheck disable=SC1090,SC2086
            ( set -- ${ARGS:-}; . "$dossier/banc/$exo.sh" )
            [ $? -eq 0 ] || rc=1
        else
            echo "Chapitre $exo : pas de balayage détaillé (scripts/banc/$exo.sh) ; make bench sans EXO donne le tableau d'ensemble."
        fi
    done
    exit $rc
fi
sortie=${BENCH_DOSSIER:-$td6_build/bench}
coeurs=$(nombre_de_cpu)
read -r -a nombres <<<"${BENCH_NOMBRES:-}"
travail=$(mktemp -d /tmp/td6-bench-XXXXXX)
mkdir -p "$sortie"

# Le dossier de travail s'efface à la sortie, après l'arrêt de ce que le
# script a lancé (serveurs, programmes : voir a_la_sortie).
a_la_sortie rm -rf "$travail"

# ---- Les configurations mesurées ----------------------------------------
# cle|famille|programme|arguments|paramètre
#   famille io  : paramètre = nombre de workers (0 = tous en même temps)
#   famille web : paramètre = route ; cpu : paramètre = workers
configurations=(
    "sequentiel|io|sequentiel||1"
    "threads -w 5|io|threads|-w 5|5"
    "asynchrone|io|asynchrone||0"
    "hello /comic2|web|hello|/comic2|5"
    "hello2 /comic|web|hello2|/comic|1"
    "cpu_sequentiel|cpu|cpu_sequentiel||1"
)
# 1 à nproc workers, plus 2 × nproc : au-delà des cœurs, plus rien à gagner.
echelle=$(seq "$coeurs"; echo $((2 * coeurs)))
for w in $echelle; do
    configurations+=("multiproc -j $w|cpu|multiproc|-j $w|$w")
done
for w in $echelle; do
    configurations+=("cpu_threads -j $w|cpu|cpu_threads|-j $w|$w")
done
# partial fait un peu plus de calcul par terme (i*i + number2) : sa
# référence est partial -j 1, pas cpu_sequentiel.
configurations+=("partial -j 1|cpu|partial|-j 1|1" "partial -j $coeurs|cpu|partial|-j $coeurs|$coeurs")

# BENCH_FAMILLES : ne garder que certaines familles (io, web, cpu).
familles=" ${BENCH_FAMILLES:-io web cpu} "
gardees=()
for conf in "${configurations[@]}"; do
    IFS='|' read -r _ famille _ <<<"$conf"
    [[ $familles == *" $famille "* ]] && gardees+=("$conf")
done
configurations=("${gardees[@]}")

declare -A mesures    # cle -> "t1 t2 ..."
declare -A taches     # cle -> pages lues ou nombres calculés
declare -A absent     # cle -> 1 si le programme manque
declare -A echecs     # cle -> nombre d'échecs

# mesurer FAMILLE BINAIRE ARGS PARAM CLE : une mesure, ajoutée à mesures[CLE].
mesurer() {
    local famille=$1 bin=$2 args=$3 param=$4 cle=$5 t debut fin reponse
    local out=$travail/sortie
    case $famille in
        io | cpu)
            local donnees=()
            [ "$famille" = cpu ] && donnees=("${nombres[@]}")
            # shellcheck disable=SC2086
            if ! attendre timeout 300 "$bin" $args "${donnees[@]}" >"$out" 2>/dev/null; then
                echecs[$cle]=$((${echecs[$cle]:-0} + 1))
                return
            fi
            t=$(duree_affichee "$out")
            if [ "$famille" = io ]; then
                taches[$cle]=$(pages_lues "$out")
            else
                taches[$cle]=$(grep -vc '^Duration' "$out")
                # Sans BENCH_NOMBRES : les nombres par défaut de cpu_sequentiel,
                # redonnés à tous les autres (le même travail pour tous).
                [ ${#nombres[@]} -eq 0 ] && read -r -a nombres <<<"$(nombres_calcules "$out")"
            fi
            ;;
        web)
            lancer_web "$bin" 2>/dev/null || { echecs[$cle]=$((${echecs[$cle]:-0} + 1)); return; }
            debut=$(maintenant)
            reponse=$(http_get "$WEB_URL$args")
            fin=$(maintenant)
            arreter_web
            if [ "$(echo "$reponse" | statut_http)" != 200 ]; then
                echecs[$cle]=$((${echecs[$cle]:-0} + 1))
                return
            fi
            # Le temps annoncé par la page (« Time taken »), sinon celui vu ici.
            t=$(echo "$reponse" | temps_page)
            [ -n "$t" ] || t=$(calcul "$fin - $debut")
            taches[$cle]=$param
            ;;
    esac
    mesures[$cle]="${mesures[$cle]:-} $t"
}

# ---- Les mesures -----------------------------------------------------------

main() {
    local tour conf cle famille nom args param bin
    echo "TD6 en C — bench : $repetitions mesures par programme, médiane, rapport au temps idéal."
    demarrer_serveur "$latence"
    {
        echo "date : $(date '+%Y-%m-%d %H:%M')"
        echo "coeurs : $coeurs"
        echo "latence_ms : $latence"
        echo "repetitions : $repetitions"
        echo "charge_debut : $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
    } >"$sortie/machine.txt"
    echo "Serveur local : latence $latence ms. Machine : $coeurs cœurs, charge $(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo ?)."
    for tour in $(seq "$repetitions"); do
        printf 'tour %s/%s :' "$tour" "$repetitions"
        for conf in "${configurations[@]}"; do
            IFS='|' read -r cle famille nom args param <<<"$conf"
            [ -n "${absent[$cle]:-}" ] && continue
            if ! bin=$(programme "$nom"); then
                absent[$cle]=1
                continue
            fi
            mesurer "$famille" "$bin" "$args" "$param" "$cle"
            printf ' %s' "${cle%% *}"
        done
        echo
    done
    echo "charge_fin : $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)" >>"$sortie/machine.txt"
    rapport
}

# ---- Le rapport --------------------------------------------------------------

cellule() {
    local texte=$1 largeur=$2
    printf '%s%*s' "$texte" $((largeur > ${#texte} ? largeur - ${#texte} : 0)) ''
}

# objectif CLE RAPPORT FRACTION : la cible de l'issue pour ce programme, tenue ou non.
objectif() {
    local cle=$1 rapport=$2 fraction=$3
    case $cle in
        sequentiel) cible "$rapport" "<=" 1.01 "rapport ≤ 1.01" ;;
        "threads -w 5") cible "$rapport" "<=" 1.02 "rapport ≤ 1.02" ;;
        asynchrone) cible "$rapport" "<=" 1.3 "rapport ≤ 1.3" ;;
        "multiproc -j $coeurs") cible "$fraction" ">=" 0.95 "accél. ≥ 0.95 × idéale" ;;
        *) echo "" ;;
    esac
}

cible() {
    if awk -v v="$1" -v c="$3" "BEGIN { exit !(v $2 c) }"; then
        echo "✔ $4"
    else
        echo "✘ $4"
    fi
}

rapport() {
    local conf cle famille nom args param med n ideal rap accel acc_ideale fraction t_seq
    local t_io t_web par
    echo "programme,famille,parametre,taches,latence_ms,repetitions,mesures_s,mediane_s,ideal_s,rapport,acceleration,acceleration_ideale" \
        >"$sortie/bench.csv"
    echo "programme,workers,mediane_s,acceleration,acceleration_ideale,efficacite" >"$sortie/cpu-echelle.csv"
    echo
    cellule "Programme" 22; cellule "Médiane (s)" 13; cellule "Idéal (s)" 11; cellule "Rapport" 9
    cellule "Accél." 8; cellule "Idéale" 8; echo "Objectif"
    t_io=""; t_web=""; t_seq=""
    for conf in "${configurations[@]}"; do
        IFS='|' read -r cle famille nom args param <<<"$conf"
        if [ -n "${absent[$cle]:-}" ]; then
            cellule "$cle" 22; a_venir "$nom" | sed 's/^ *//'
            continue
        fi
        if [ -z "${mesures[$cle]:-}" ]; then
            cellule "$cle" 22; echo "✘ échec à chaque mesure"
            continue
        fi
        # shellcheck disable=SC2086
        med=$(mediane ${mesures[$cle]})
        n=${taches[$cle]}
        case $famille in
            io)
                [ -z "$t_io" ] && t_io=$med
                if [ "$param" = 0 ]; then par=$n; else par=$param; fi
                ideal=$(awk -v n="$n" -v w="$par" -v l="$latence" \
                    'BEGIN { printf "%.4f", int((n + w - 1) / w) * l / 1000 }')
                accel=$(calcul "$t_io / $med"); acc_ideale=$(calcul "$t_io / $ideal")
                [ "$cle" = sequentiel ] && acc_ideale=1
                ;;
            web)
                [ -z "$t_web" ] && t_web=$med
                ideal=$(calcul "$param * $latence / 1000")
                accel=$(calcul "$t_web / $med"); acc_ideale=$(calcul "5 / $param")
                ;;
            cpu)
                # La référence : la première mesure de chaque programme à un
                # worker (cpu_sequentiel pour multiproc et cpu_threads).
                if [ "$nom" = partial ] && [ "$param" = 1 ]; then t_seq=$med; fi
                [ -z "$t_seq" ] && t_seq=$med
                par=$param
                [ "$coeurs" -lt "$par" ] && par=$coeurs
                [ "$n" -gt 0 ] && [ "$n" -lt "$par" ] && par=$n
                ideal=$(calcul "$t_seq / $par")
                accel=$(calcul "$t_seq / $med"); acc_ideale=$par
                ;;
        esac
        rap=$(calcul "$med / $ideal")
        fraction=$(calcul "$accel / $acc_ideale")
        echo "$cle,$famille,$param,$n,$latence,$repetitions,${mesures[$cle]# },$med,$ideal,$rap,$accel,$acc_ideale" \
            >>"$sortie/bench.csv"
        if [ "$famille" = cpu ] && [ "$nom" != partial ]; then
            echo "$nom,$param,$med,$accel,$acc_ideale,$fraction" >>"$sortie/cpu-echelle.csv"
        fi
        cellule "$cle" 22
        cellule "$(printf '%.3f' "$med")" 13
        cellule "$(printf '%.3f' "$ideal")" 11
        cellule "$(printf '%.3f' "$rap")" 9
        cellule "$(printf '× %.1f' "$accel")" 8
        cellule "$(printf '× %.1f' "$acc_ideale")" 8
        objectif "$cle" "$rap" "$fraction"
        [ -n "${echecs[$cle]:-}" ] && echo "    (${echecs[$cle]} mesure(s) en échec, ignorée(s))"
    done
    echo
    echo "Rapport = médiane / temps idéal ; Accél. = gain sur la version séquentielle"
    echo "de la même famille (sequentiel, /comic2, cpu_sequentiel ou partial -j 1) ;"
    echo "Idéale = le gain idéal."
    echo "CSV : $sortie/bench.csv et $sortie/cpu-echelle.csv ($(tr '\n' ';' <"$sortie/machine.txt" | sed 's/;/ ; /g'))"
    local details
    details=$(cd "$dossier" && ls bench-[0-9][0-9].sh 2>/dev/null | sed 's|^|scripts/|' | tr '\n' ' ')
    [ -n "$details" ] && echo "Détails par chapitre (balayages plus longs) : $details"
    return 0
}

main
