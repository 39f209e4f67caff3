# comparaison.gp — l'image de `make comparer` :
#   gnuplot -e "fichier='build/comparer/comparaison.csv'; sortie='images/comparaison.png'" comparaison.gp
# fichier : le CSV de scripts/comparer.sh (programme;c_s;python_s;rapport;...).
# Deux barres par programme, C et Python, en secondes, sur une échelle
# logarithmique : l'écart va de « presque pareil » (attendre le réseau) à
# « cent fois plus lent » (calculer dans l'interpréteur).

set datafile separator ';'
set terminal pngcairo size 1100, 520 font 'DejaVu Sans,11' noenhanced
set output sortie
set title "Le même programme en C et en Python (temps qu'il affiche, échelle logarithmique)"
set style data histograms
set style histogram clustered gap 1.5
set style fill solid 0.85 border lc rgb 'white'
set logscale y
set ylabel 'secondes'
set grid ytics lc rgb '#dddddd'
set xtics rotate by -30 scale 0
set key top left
set border 3
plot fichier using 2:xtic(1) every ::1 title 'C' lc rgb '#4c72b0', \
     '' using 3 every ::1 title 'Python' lc rgb '#dd8452'
