/*
 * nombres.h — les listes de nombres que jugent, de la même façon, le
 * chapitre 05 (processus et threads) et le chapitre 07 (MPI).
 */
#ifndef TD6_NOMBRES_H
#define TD6_NOMBRES_H

/* Des n ordinaires, les cas limites 0, 1, 2, et des n dont la somme dépasse
 * 2^64 (5 000 000 est le nombre du cours : 41666654166667500000). */
static const long EXACT[] = { 0, 1, 2, 3, 10, 1000, 65536, 5000000, 6000001 };
#define N_EXACT (sizeof EXACT / sizeof EXACT[0])

/* Assez de travail (quelques dizaines de ms par élément) pour que chaque
 * ouvrier, ou chaque rang, ait le temps de démarrer avant que la liste soit
 * vide. */
static const long SPREAD[] = { 30000000, 30000001, 30000002, 30000003,
                               30000004, 30000005, 30000006, 30000007 };
#define N_SPREAD (sizeof SPREAD / sizeof SPREAD[0])

#endif
