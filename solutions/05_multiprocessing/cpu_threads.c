/*
 * cpu_threads.c — chapitre 05 : le même calcul, sur un pool de threads.
 *
 * Ce que montre ce programme : en C, des threads font vraiment du calcul en
 * parallèle. En Python, le GIL (le verrou global de l'interpréteur) ne
 * laisse qu'un thread à la fois exécuter du code Python : des threads n'y
 * accélèrent pas un calcul, d'où le module multiprocessing. Le GIL est une
 * propriété de l'interpréteur Python, pas des threads : ici, deux threads
 * occupent deux cœurs, et le calcul va deux fois plus vite, comme avec
 * multiproc.c mais sans fork ni tubes.
 *
 * pool_map(fn, inputs, n, outputs, workers) a le même contrat que celui de
 * multiproc.c : `workers` threads (par défaut un par cœur en ligne, -j N en
 * choisit N) prennent chacun l'élément suivant de la liste dès qu'ils sont
 * libres, et rangent le résultat à sa place dans outputs. Les threads
 * partagent la mémoire : pas besoin de tube pour rendre un résultat.
 *
 * Construire et lancer :
 *     make run EXO=05 PROG=cpu_threads                  (votre version)
 *     make run EXO=05 PROG=cpu_threads SRC=solutions    (la solution)
 *     build/solutions/05_multiprocessing/cpu_threads [-j OUVRIERS] [N...]
 *     TD6_TRACE=/tmp/trace build/solutions/05_multiprocessing/cpu_threads -j 2
 *         (une ligne par calcul : même PID partout, mais des TID différents)
 *
 * À observer : les mêmes lignes que cpu_sequentiel, en à peu près deux fois
 * moins de temps sur deux cœurs ; `top -H` montre deux threads à 100 % dans
 * UN seul processus. Essayez -j 1, -j 2, -j 8.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "calcul.h"
#include "commun.h"

/* Le pool, PARTAGÉ par tous ses threads.
 * - fn, inputs, n : seulement lus pendant le travail, pas besoin de verrou ;
 * - outputs[i] : écrit par le seul thread qui a pris l'élément i, lu par le
 *   thread principal seulement après pthread_join (qui garantit qu'il voit
 *   ce que le thread a écrit) : pas de verrou non plus ;
 * - next (le prochain élément à prendre) change à chaque prise : on ne le
 *   lit ou ne l'écrit qu'en tenant `lock`. */
typedef struct {
    task_fn fn;
    const long *inputs;
    size_t n;
    unsigned __int128 *outputs;
    size_t next;
    pthread_mutex_t lock;
} shared_pool;

/* Prend l'élément suivant : renvoie false s'il n'y en a plus. Le verrou
 * garantit que deux threads ne prennent jamais le même élément. */
static bool take_next(shared_pool *pool, size_t *index)
{
    bool found;

    /* Prendre le verrou, lire et avancer next, rendre le verrou. */
    Pthread_mutex_lock(&pool->lock);
    found = pool->next < pool->n;
    if (found)
        *index = pool->next++;
    Pthread_mutex_unlock(&pool->lock);
    return found;
}

/* La vie d'un thread du pool : prendre un élément, le calculer (hors
 * verrou : c'est là que les threads travaillent en même temps), ranger le
 * résultat, recommencer. */
static void *worker_main(void *arg)
{
    shared_pool *pool = arg;
    size_t index;

    while (take_next(pool, &index))
        pool->outputs[index] = pool->fn(pool->inputs[index]);
    return NULL;
}

/* outputs[i] = fn(inputs[i]) pour chaque i, calculé par `workers` threads. */
static void pool_map(task_fn fn, const long *inputs, size_t n, unsigned __int128 *outputs,
                     int workers)
{
    shared_pool pool = { fn, inputs, n, outputs, 0, PTHREAD_MUTEX_INITIALIZER };
    pthread_t *threads = Calloc((size_t)workers, sizeof *threads);

    /* Lancer tous les threads d'abord... */
    for (int k = 0; k < workers; k++)
        Pthread_create(&threads[k], NULL, worker_main, &pool);
    /* ... puis les attendre tous : après le dernier join, tous les résultats sont là. */
    /* (pthread_join garantit aussi que ce que le thread a écrit est visible
     * ici. Attendre chaque thread juste après l'avoir créé ferait tout le
     * calcul dans un seul thread à la fois.) */
    for (int k = 0; k < workers; k++)
        Pthread_join(threads[k], NULL);
    pthread_mutex_destroy(&pool.lock);
    free(threads);
}

/* Le find_sums du cours, avec des threads au lieu de processus
 * (traced_cpu_bound : cpu_bound, noté dans la trace). */
static void find_sums(const job *j, unsigned __int128 *sums)
{
    pool_map(traced_cpu_bound, j->numbers, j->count, sums, (int)j->workers);
}

/* Le main du cours (calcul.c) : lire la liste, chronométrer find_sums,
 * afficher chaque somme dans l'ordre de la liste, puis la durée. */
int main(int argc, char **argv)
{
    return run_find_sums(argc, argv,
                         "Calcule cpu_bound(N) pour chaque N, sur un pool de threads.", find_sums);
}
