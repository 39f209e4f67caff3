# chronologie.gp — une frise d'exécution tirée d'une trace (TD6_TRACE).
#
# Appelé par scripts/images.sh :
#   gnuplot param.gp chronologie.gp   (param.gp définit les variables ci-dessous)
# donnees : une ligne par tâche, « ligne debut fin etat nom_de_ligne », les
# temps en secondes depuis la première tâche, etat = 1 (attente) ou 2
# (calcul). Couleurs du cours : rouge = attendre, bleu = calculer.

hauteur = 150 + 28 * lignes
if (hauteur < 260) hauteur = 260
if (terminal eq 'pngcairo') {
    set terminal pngcairo size 900, hauteur font 'DejaVu Sans,11' noenhanced
} else {
    set terminal png size 900, hauteur noenhanced
}
set output sortie
set title titre
set xlabel 'temps depuis la première tâche (s)'
set ylabel etiquette_y
set xrange [0:xmax]
set yrange [lignes + 0.6:0.4]
set ytics 1 scale 0
set grid xtics lc rgb '#dddddd'
set border 3
set xtics nomirror
set key below horizontal height 1.2
set style fill solid 0.9 border lc rgb 'white'

# Une ligne sur deux seulement porte son nom quand il y en a beaucoup.
pas = (lignes > 24) ? 2 : 1
etiq(l, nom) = (int(l) % pas == 0 || pas == 1) ? nom : ''

couleur(etat) = (etat == 1) ? 0xd62728 : 0x1f77b4
set style fill solid 0.9 border lc rgb 'white'
plot donnees using (($2 + $3) / 2):1:2:3:($1 - 0.38):($1 + 0.38):(couleur($4)):ytic(etiq($1, strcol(5))) \
        with boxxyerror lc rgb variable notitle, \
     NaN with boxes lc rgb '#d62728' title 'attente (réseau)', \
     NaN with boxes lc rgb '#1f77b4' title 'calcul (processeur)'
