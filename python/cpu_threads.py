"""cpu_threads.py — chapitre 05 en Python : des threads pour calculer (le GIL).

Le jumeau de td6/05_multiprocessing/cpu_threads.c. Le même pool de threads
qu'au chapitre 02, mais pour du calcul : en CPython, un seul thread à la fois
exécute du code Python (le GIL, verrou global de l'interpréteur). Les
threads se passent le verrou : aucun gain, parfois une perte.

    python3 python/cpu_threads.py [-j OUVRIERS] [N...]

À observer (make comparer) : le temps de -j 2 est celui du séquentiel, alors
qu'en C (pas de GIL) deux threads vont deux fois plus vite sur deux cœurs.
"""

import concurrent.futures
import sys

import calcul

USAGE = """usage : {prog} [-j OUVRIERS] [N...]
Calcule cpu_bound(N) pour chaque N ≥ 0 avec un pool de threads (OUVRIERS de 1 à 256)."""


def find_sums(numbers, workers):
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as executor:
        return list(executor.map(calcul.cpu_bound, numbers))


if __name__ == "__main__":
    # Le main du cours (le chronomètre autour de find_sums) : calcul.run_pool.
    sys.exit(calcul.run_pool(find_sums, USAGE))
