/*
 * calcul.h — chapitre 05 : ce que les trois programmes partagent.
 *
 * cpu_sequentiel.c, cpu_threads.c et multiproc.c font le même calcul, lu
 * sur la même ligne de commande et affiché de la même façon ; seule change
 * la manière de le répartir (un fil, des threads, des processus). Ce qui
 * est commun est ici, écrit une fois : cpu_bound, la ligne de commande et
 * l'affichage des résultats.
 */
#ifndef CALCUL_H
#define CALCUL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define MAX_NUMBER 10000000000L /* 10^10 : déjà plusieurs secondes de calcul */
#define MAX_WORKERS 256

/* Une barrière pour le compilateur, qui ne produit aucune instruction :
 * « la variable x a peut-être changé ici, je ne dis pas comment ». Sans
 * elle, clang -O2 reconnaît la somme des carrés et remplace la boucle par
 * la formule n(n-1)(2n-1)/6 : le résultat reste juste, mais il n'y a plus
 * de calcul à paralléliser ni à chronométrer. */
#define KEEP_LOOP(x) __asm__ volatile("" : "+r"(x))

/* La fonction qu'un pool (cpu_threads.c, multiproc.c) applique à chaque
 * élément : cpu_bound ou traced_cpu_bound. */
typedef unsigned __int128 (*task_fn)(long);

/* La liste à calculer, lue sur la ligne de commande. */
typedef struct {
    long *numbers;
    size_t count;
    long workers; /* -j, ou un par cœur en ligne */
} job;

/* Somme des carrés des entiers de 0 à number - 1, exacte.
 * Le carré est calculé sur 128 bits (un carré de 64 bits déborde dès que
 * i dépasse 2^32) et la somme aussi (elle dépasse 2^64 dès n ≈ 3 800 000). */
unsigned __int128 cpu_bound(long number);

/* cpu_bound(number), noté dans la trace (TD6_TRACE) : qui a calculé quoi,
 * de quand à quand. C'est ce que lisent `make images` et les tests. */
unsigned __int128 traced_cpu_bound(long number);

/* « [-j OUVRIERS] [N...] » ; -h ou --help affiche l'aide (`about` dit en
 * une ligne ce que fait le programme). Sans N, la liste du cours mise à
 * l'échelle. Une erreur d'utilisation arrête le programme (code 2). */
job parse_arguments(int argc, char **argv, const char *about);
void job_free(job *j);

/* Une ligne « cpu_bound(N) = somme » par nombre, dans l'ordre de la liste
 * (pas dans l'ordre d'arrivée). done[i] faux : l'élément i est perdu (déjà
 * signalé sur stderr), pas de ligne ; done == NULL : tout est calculé. */
void print_sums(const job *j, const unsigned __int128 *sums, const bool *done);

/* Le find_sums d'un programme : sums[i] = cpu_bound(j->numbers[i]) pour
 * chaque i, de la manière que le programme enseigne. */
typedef void (*find_sums_fn)(const job *j, unsigned __int128 *sums);

/* Le main du cours autour de find_sums : lire la ligne de commande
 * (parse_arguments), chronométrer find_sums, afficher les sommes dans
 * l'ordre de la liste (print_sums), puis « Duration <s> seconds ». Renvoie
 * le code de sortie du programme (0). multiproc.c, qui peut perdre des
 * éléments, écrit le sien. */
int run_find_sums(int argc, char **argv, const char *about, find_sums_fn find_sums);

/* Dit sur stderr que l'élément `index` (cpu_bound(number)) est perdu :
 * son ouvrier `pid` est mort (status, rendu par waitpid, dit de quoi) ;
 * pid == 0 : il ne restait plus aucun ouvrier pour le calculer. */
void report_lost(size_t index, long number, pid_t pid, int status);

#endif
