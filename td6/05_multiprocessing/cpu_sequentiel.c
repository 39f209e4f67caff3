/*
 * cpu_sequentiel.c — chapitre 05 : un calcul qui occupe le processeur, fait
 * par un seul thread.
 *
 * Ce que montre ce programme : la version « non concurrente » du calcul du
 * cours. cpu_bound(n) (dans calcul.c) additionne les carrés des entiers de
 * 0 à n - 1 ; find_sums le fait pour chaque nombre de la liste, l'un après
 * l'autre. Ici, rien n'attend le réseau : le programme est limité par le
 * processeur (« CPU-bound »), et un seul cœur travaille pendant que les
 * autres dorment. C'est la référence de temps des deux programmes suivants
 * (multiproc.c et cpu_threads.c), qui font exactement le même calcul à
 * plusieurs. Pourquoi 128 bits, et pourquoi des nombres plus grands que
 * ceux du cours : voir calcul.c.
 *
 * Construire et lancer :
 *     make run EXO=05 PROG=cpu_sequentiel                  (votre version)
 *     make run EXO=05 PROG=cpu_sequentiel SRC=solutions    (la solution)
 *     build/solutions/05_multiprocessing/cpu_sequentiel [-j OUVRIERS] [N...]
 *         (-j est accepté, pour avoir la même ligne de commande que les deux
 *          autres programmes, mais sans effet : il n'y a qu'un thread ici)
 *
 * À observer : une ligne « cpu_bound(N) = somme » par nombre, dans l'ordre
 * de la liste, puis « Duration <s> seconds » (1 à 2 s avec gcc -O2). Pendant
 * ce temps, `top` montre un seul cœur occupé à 100 %.
 */
#include "calcul.h"

/* Calcule chaque nombre, l'un après l'autre, dans sums[]. */
static void find_sums(const job *j, unsigned __int128 *sums)
{
    /* TODO: Calculer chaque nombre de la liste, l'un après l'autre, dans l'ordre. */
    /*       (sums[i] reçoit le résultat du i-ème nombre ; la version « tracée » de */
    /*        cpu_bound, dans calcul.h, dit aux tests qui a calculé quoi) */
    (void)j;
    (void)sums;
}

/* Le main du cours (calcul.c) : lire la liste, chronométrer find_sums,
 * afficher chaque somme dans l'ordre de la liste, puis la durée. */
int main(int argc, char **argv)
{
    return run_find_sums(argc, argv, "Calcule cpu_bound(N) pour chaque N, l'un après l'autre.",
                         find_sums);
}
