"""cpu_sequentiel.py — chapitre 05 en Python : le calcul, nombre après nombre.

Le jumeau de td6/05_multiprocessing/cpu_sequentiel.c : la somme des carrés
de 0 à N - 1 pour chaque nombre, l'un après l'autre, sur un seul cœur.

    python3 python/cpu_sequentiel.py [N...]     (sans argument : 5 000 000 + x, x < 20)

À observer (make comparer) : l'interpréteur exécute chaque tour de boucle
pas à pas ; le même calcul en C, compilé, va des dizaines de fois plus vite.
"""

import sys
import time

import calcul

USAGE = """usage : {prog} [-j OUVRIERS] [N...]
Calcule cpu_bound(N) pour chaque N ≥ 0, l'un après l'autre (-j est accepté, sans effet)."""


def find_sums(numbers):
    return [calcul.cpu_bound(number) for number in numbers]


def main():
    _, _, numbers = calcul.parse(sys.argv, USAGE)
    start_time = time.time()
    results = find_sums(numbers)
    calcul.print_results(numbers, results, time.time() - start_time)
    return 0


if __name__ == "__main__":
    sys.exit(main())
