#!/usr/bin/env bash
# images.sh — ce que fait `make images` : les diagrammes de README.fr.md,
# tirés de vraies exécutions des solutions.
#
# Chaque solution écrit une trace quand TD6_TRACE=fichier est défini : une
# ligne « pid tid etat debut fin tache » par tâche (voir commun/commun.h).
# On lance de petites exécutions contre le serveur local, puis gnuplot
# (scripts/gnuplot/*.gp) dessine :
#   io.png, cpu.png           les deux sortes de lenteur (attendre / calculer)
#   sequentiel.png, threads.png, asynchrone.png
#                             les mêmes 20 pages, sur la même échelle de temps
#   cpu_sequentiel.png, multiprocessing.png, cpu_threads.png
#                             les mêmes nombres, sur la même échelle de temps
#   distribue.png             chapitre 07 : partage fixe contre maître-ouvriers
#   bench.png                 le bilan de `make bench` ($BUILD/bench/*.csv ;
#                             sans lui, une mesure rapide est faite ici)
# Rouge = le programme attend (réseau), bleu = il calcule : les couleurs du
# cours. Un programme pas encore écrit est sauté (« chapitre NN : à venir »).
#
# Variables facultatives :
#   IMAGES_DOSSIER=dossier        où écrire les PNG (images/ par défaut) ;
#   IMAGES_LATENCE=ms     latence du serveur pour les traces (50) ;
#   IMAGES_BENCH=dossier  où lire bench.csv ($BUILD/bench par défaut).
set -u
dossier=$(dirname "$0")
. "$dossier/lib/td6.sh"

cible=${IMAGES_DOSSIER:-images}
latence=${IMAGES_LATENCE:-50}
coeurs=$(nombre_de_cpu)
gp=$dossier/gnuplot
travail=$(mktemp -d /tmp/td6-images-XXXXXX)
faites=0

# Le dossier de travail s'efface à la sortie, après l'arrêt de ce que le
# script a lancé (serveurs, programmes : voir a_la_sortie).
a_la_sortie rm -rf "$travail"

# Le terminal PNG de gnuplot : pngcairo (texte lissé) s'il existe, sinon png.
choisir_terminal() {
    if ! command -v gnuplot >/dev/null 2>&1; then
        echo "gnuplot est introuvable : lancez scripts/dependances.sh (ou apt-get install gnuplot-nox)." >&2
        exit 1
    fi
    if gnuplot -e 'set terminal' 2>&1 | grep -q pngcairo; then
        terminal=pngcairo
    else
        terminal=png
    fi
}

# tracer NOM FICHIER_TRACE ARGS... : lance la solution NOM avec TD6_TRACE ;
# ses temps (réel, utilisateur, système) vont dans FICHIER_TRACE.temps.
tracer() {
    local nom=$1 trace=$2 bin
    shift 2
    if ! bin=$(programme "$nom"); then
        a_venir "$nom"
        return 1
    fi
    rm -f "$trace"
    local TIMEFORMAT='%R %U %S'
    if ! { time TD6_TRACE=$trace timeout 120 "$bin" "$@" >/dev/null 2>"$travail/erreurs"; } \
            2>"$trace.temps"; then
        echo "   ✘ $nom a échoué : $(head -n 2 "$travail/erreurs")" >&2
        return 1
    fi
    if [ ! -s "$trace" ]; then
        echo "   ✘ $nom n'a écrit aucune trace (appelle-t-il td6_trace ?)" >&2
        return 1
    fi
    return 0
}

# Durée d'une trace : de la première tâche commencée à la dernière finie.
duree_trace() {
    awk 'NR == 1 || $4 < t0 { t0 = $4 } NR == 1 || $5 > t1 { t1 = $5 } END { printf "%.6f", t1 - t0 }' "$1"
}

# donnees_par_worker TRACE GENRE > .dat : une ligne de la frise par worker
# (thread ou processus, numérotés dans l'ordre où ils commencent).
donnees_par_worker() {
    sort -k4,4g "$1" | awk -v genre="$2" '
        NR == 1 { t0 = $4 }
        { w = (genre == "processus") ? $1 : $2
          if (!(w in num)) { num[w] = ++n }
          printf "%d %.6f %.6f %d %s\n", num[w], $4 - t0, $5 - t0,
                 ($3 == "attente") ? 1 : 2,
                 (genre == "seul") ? "\"le programme\"" : "\"" genre " " num[w] "\"" }'
}

# donnees_par_tache TRACE > .dat : une ligne de la frise par tâche.
donnees_par_tache() {
    sort -k4,4g "$1" | awk '
        NR == 1 { t0 = $4 }
        { nom = $6; sub(/.*\//, "", nom)
          printf "%d %.6f %.6f %d \"%d (%s)\"\n", NR, $4 - t0, $5 - t0, ($3 == "attente") ? 1 : 2, NR, nom }'
}

# dessiner DAT SORTIE TITRE ETIQUETTE_Y XMAX
dessiner() {
    local lignes
    lignes=$(awk 'BEGIN { m = 1 } $1 > m { m = $1 } END { print m }' "$1")
    # Les paramètres dans un petit fichier : les titres contiennent des
    # apostrophes, et "\n" n'y devient un saut de ligne qu'entre guillemets.
    cat >"$travail/param.gp" <<FIN
donnees = "$1"
sortie = "$cible/$2"
titre = "$3"
etiquette_y = "$4"
lignes = $lignes
xmax = $5
FIN
    lancer_gnuplot chronologie.gp "$2"
}

# lancer_gnuplot SCRIPT_GP PNG : gnuplot lit les paramètres ($travail/param.gp,
# écrits juste avant), puis scripts/gnuplot/SCRIPT_GP dessine PNG.
lancer_gnuplot() {
    echo "terminal = \"$terminal\"" >>"$travail/param.gp"
    if gnuplot "$travail/param.gp" "$gp/$1" 2>"$travail/gnuplot.err"; then
        echo "   → $cible/$2"
        faites=$((faites + 1))
    else
        echo "   ✘ gnuplot a échoué pour $2 :" >&2
        sed 's/^/      /' "$travail/gnuplot.err" >&2
    fi
}

# Part de sa durée qu'une trace passe dans ses tâches (somme des durées des
# tâches / durée totale), en %.
part_occupee() {
    awk 'NR == 1 || $4 < t0 { t0 = $4 } NR == 1 || $5 > t1 { t1 = $5 } { s += $5 - $4 }
         END { if (t1 > t0) printf "%.0f", 100 * s / (t1 - t0); else print "?" }' "$1"
}

# Part du temps où le processeur a travaillé : (utilisateur + système) / réel.
# Une machine chargée la fait baisser (le temps réel s'allonge) : les images
# du dépôt sont faites sur une machine calme.
part_processeur() {
    awk '{ if ($1 > 0) printf "%.0f", 100 * ($2 + $3) / $1; else print "?" }' "$1"
}

# ---- Les deux sortes de lenteur ---------------------------------------------

images_concepts() {
    local s=$TD6_SERVER t
    echo "== io.png et cpu.png : attendre ou calculer"
    if tracer sequentiel "$travail/io" "$s/jython" "$s/dice" "$s/jython" "$s/dice" "$s/jython" "$s/dice"; then
        donnees_par_worker "$travail/io" seul >"$travail/io.dat"
        t=$(duree_trace "$travail/io")
        dessiner "$travail/io.dat" io.png \
            "Limité par les entrées-sorties : sequentiel, 6 pages (latence $latence ms)\nle processeur n'a travaillé que $(part_processeur "$travail/io.temps") % du temps : le reste, il attend le réseau" \
            "" "$(calcul "$t * 1.02")"
    fi
    if tracer cpu_sequentiel "$travail/cpu" 20000000 20000001 20000002 20000003 20000004 20000005; then
        donnees_par_worker "$travail/cpu" seul >"$travail/cpu.dat"
        t=$(duree_trace "$travail/cpu")
        dessiner "$travail/cpu.dat" cpu.png \
            "Limité par le processeur : cpu_sequentiel, 6 nombres\nil calcule $(part_occupee "$travail/cpu") % du temps, sur un seul cœur : seul, il ne peut pas aller plus vite" \
            "" "$(calcul "$t * 1.02")"
    fi
}

# ---- Télécharger : séquentiel, threads, asynchrone ----------------------------

images_io() {
    local s=$TD6_SERVER pages=() i xmax
    for i in $(seq 10); do pages+=("$s/jython" "$s/dice"); done
    echo "== sequentiel.png, threads.png, asynchrone.png : 20 pages, latence $latence ms"
    tracer sequentiel "$travail/seq" "${pages[@]}" || return 0
    # La même échelle de temps pour les trois : on voit le temps fondre.
    xmax=$(calcul "$(duree_trace "$travail/seq") * 1.02")
    donnees_par_worker "$travail/seq" thread >"$travail/seq.dat"
    dessiner "$travail/seq.dat" sequentiel.png \
        "sequentiel : 20 pages l'une après l'autre, en $(printf '%.2f' "$(duree_trace "$travail/seq")") s\n1 thread ; chaque case est une page : elle attend la précédente" \
        "" "$xmax"
    if tracer threads "$travail/thr" -w 5 "${pages[@]}"; then
        donnees_par_worker "$travail/thr" thread >"$travail/thr.dat"
        dessiner "$travail/thr.dat" threads.png \
            "threads -w 5 : les mêmes 20 pages en $(printf '%.2f' "$(duree_trace "$travail/thr")") s\n5 threads attendent en même temps, chacun prend la page suivante quand il a fini" \
            "" "$xmax"
    fi
    if tracer asynchrone "$travail/asy" "${pages[@]}"; then
        donnees_par_tache "$travail/asy" >"$travail/asy.dat"
        dessiner "$travail/asy.dat" asynchrone.png \
            "asynchrone : les mêmes 20 pages en $(printf '%.2f' "$(duree_trace "$travail/asy")") s\nun seul thread ; une ligne par requête : toutes attendent ensemble" \
            "requête" "$xmax"
    fi
}

# ---- Calculer : séquentiel, pool de processus, threads --------------------------

images_cpu() {
    local xmax nombres
    echo "== cpu_sequentiel.png, multiprocessing.png, cpu_threads.png : $coeurs cœurs"
    tracer cpu_sequentiel "$travail/cseq" || return 0
    # Les mêmes nombres pour tous : ceux que cpu_sequentiel prend par défaut.
    read -r -a nombres <<<"$(sort -k4,4g "$travail/cseq" | awk '{ print $6 }' |
        sed -n 's/^cpu_bound(\([0-9]*\)[,)].*/\1/p' | tr '\n' ' ')"
    xmax=$(calcul "$(duree_trace "$travail/cseq") * 1.02")
    donnees_par_worker "$travail/cseq" processus >"$travail/cseq.dat"
    dessiner "$travail/cseq.dat" cpu_sequentiel.png \
        "cpu_sequentiel : ses 20 nombres par défaut (80 000 000 et suivants) l'un après l'autre, en $(printf '%.2f' "$(duree_trace "$travail/cseq")") s\nun seul cœur travaille ; chaque case est un appel à cpu_bound" \
        "" "$xmax"
    if tracer multiproc "$travail/mp" -j "$coeurs" "${nombres[@]}"; then
        donnees_par_worker "$travail/mp" processus >"$travail/mp.dat"
        dessiner "$travail/mp.dat" multiprocessing.png \
            "multiproc -j $coeurs : un pool de $coeurs processus, les mêmes nombres en $(printf '%.2f' "$(duree_trace "$travail/mp")") s\nchaque processus (fork) calcule sur son cœur et prend le nombre suivant" \
            "" "$xmax"
    fi
    if tracer cpu_threads "$travail/ct" -j "$coeurs" "${nombres[@]}"; then
        donnees_par_worker "$travail/ct" thread >"$travail/ct.dat"
        dessiner "$travail/ct.dat" cpu_threads.png \
            "cpu_threads -j $coeurs : $coeurs threads, les mêmes nombres en $(printf '%.2f' "$(duree_trace "$travail/ct")") s\nen C, pas de GIL : les threads calculent vraiment en parallèle" \
            "" "$xmax"
    fi
}

# ---- Le bilan de make bench -----------------------------------------------------

image_bench() {
    local csv=${IMAGES_BENCH:-$td6_build/bench} source nb rmax wmax lat rapide=""
    echo "== bench.png : le bilan de make bench"
    if [ ! -s "$csv/bench.csv" ]; then
        echo "   (pas de $csv/bench.csv : mesure rapide ici, 1 répétition, 8 petits"
        echo "    nombres ; lancez « make bench » d'abord pour le vrai graphique)"
        csv=$travail/bench
        rapide=", mesure rapide faite par make images"
        BENCH_REPETITIONS=1 BENCH_DOSSIER=$csv BENCH_NOMBRES="$(seq -s ' ' 20000000 20000007)" \
            "$dossier/bench.sh" 10 >"$travail/bench.log" 2>&1 || {
            echo "   ✘ la mesure rapide a échoué :" >&2
            tail -n 5 "$travail/bench.log" >&2
            return 0
        }
    fi
    # rapports : « i rapport "programme" » ; proc.dat, thr.dat : « workers accélération ».
    awk -F, 'NR > 1 { n++; printf "%d %s \"%s\"\n", n, $10, $1 }' "$csv/bench.csv" \
        >"$travail/rapports.dat"
    awk -F, '$1 == "multiproc" { print $2, $4 }' \
        "$csv/cpu-echelle.csv" | sort -n >"$travail/proc.dat"
    awk -F, '$1 == "cpu_threads" { print $2, $4 }' "$csv/cpu-echelle.csv" | sort -n >"$travail/thr.dat"
    nb=$(wc -l <"$travail/rapports.dat")
    [ "$nb" -gt 0 ] || { echo "   ✘ $csv/bench.csv est vide" >&2; return 0; }
    rmax=$(awk 'BEGIN { m = 1.5 } $2 + 0.3 > m { m = $2 + 0.3 } END { print m }' "$travail/rapports.dat")
    wmax=$(awk -F, 'NR > 1 && $2 > m { m = $2 } END { print (m > 0) ? m : 1 }' "$csv/cpu-echelle.csv")
    [ -s "$travail/thr.dat" ] || echo "1 NaN" >"$travail/thr.dat"
    [ -s "$travail/proc.dat" ] || echo "1 NaN" >"$travail/proc.dat"
    lat=$(sed -n 's/^latence_ms : //p' "$csv/machine.txt")
    source="make bench : machine à $(sed -n 's/^coeurs : //p' "$csv/machine.txt") cœurs, latence $lat ms, médiane de $(sed -n 's/^repetitions : //p' "$csv/machine.txt") mesure(s) ($(sed -n 's/^date : //p' "$csv/machine.txt")$rapide)"
    cat >"$travail/param.gp" <<FIN
rapports = "$travail/rapports.dat"
echelle_proc = "$travail/proc.dat"
echelle_thr = "$travail/thr.dat"
sortie = "$cible/bench.png"
titre = "$source"
coeurs = $coeurs
nb = $nb
rmax = $rmax
wmax = $wmax
FIN
    lancer_gnuplot bench.gp bench.png
}

# ---- Le chapitre 07 (MPI) : scripts/gnuplot/distribue.sh --------------------

image_distribue() {
    echo "== distribue.png : répartition fixe contre maître-ouvriers (MPI)"
    if ! command -v mpiexec >/dev/null 2>&1; then
        echo "   (mpiexec absent : scripts/dependances.sh installe MPICH)"
        return 0
    fi
    if "$dossier/gnuplot/distribue.sh" "$cible" >"$travail/distribue.log" 2>&1; then
        faites=$((faites + 1))
    else
        echo "   ✘ distribue.png n'a pas été dessinée :" >&2
        tail -n 5 "$travail/distribue.log" >&2
    fi
}

main() {
    choisir_terminal
    mkdir -p "$cible"
    echo "TD6 en C — images : traces de vraies exécutions, dessinées par gnuplot ($terminal)."
    demarrer_serveur "$latence"
    images_concepts
    images_io
    images_cpu
    image_bench
    image_distribue
    echo "$faites image(s) écrite(s) dans $cible/."
    [ "$faites" -gt 0 ]
}

main
