/*
 * Mutant : chaque thread est attendu (pthread_join) juste après sa création.
 * Le premier thread fait tout le travail pendant que le programme l'attend ;
 * le second ne trouve plus rien à faire : aucun parallélisme.
 * @echoue threads_plusieurs_threads
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commun.h"

#define DEFAULT_BASE 80000000L   /* 16 × les 5 000 000 du cours (voir cpu_sequentiel.c) */
#define DEFAULT_COUNT 20
#define MAX_NUMBER 10000000000L
#define MAX_WORKERS 1024

/* La liste à calculer, lue sur la ligne de commande. */
typedef struct {
    long *numbers;
    size_t count;
    long workers;
} job;

/* La fonction que la piscine applique à chaque élément. */
typedef unsigned __int128 (*task_fn)(long);

/* La piscine, PARTAGÉE par tous ses threads.
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

/* Somme des carrés des entiers de 0 à number - 1, exacte (voir
 * cpu_sequentiel.c pour le pourquoi des 128 bits et de la barrière). */
static unsigned __int128 cpu_bound(long number)
{
    unsigned __int128 total = 0;

    for (long i = 0; i < number; i++) {
        /* Barrière pour le compilateur (aucune instruction) : sans elle,
         * clang -O2 remplace la boucle par la formule fermée. */
        __asm__ volatile("" : "+r"(i));
        total += (unsigned __int128)i * (unsigned __int128)i;
    }
    return total;
}

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

/* La vie d'un thread de la piscine : prendre un élément, le calculer (hors
 * verrou : c'est là que les threads travaillent en même temps), ranger le
 * résultat, recommencer. */
static void *worker_main(void *arg)
{
    shared_pool *pool = arg;
    size_t index;

    while (take_next(pool, &index)) {
        char task[48];
        double begin = td6_now();

        pool->outputs[index] = pool->fn(pool->inputs[index]);
        snprintf(task, sizeof task, "cpu_bound(%ld)", pool->inputs[index]);
        td6_trace("calcul", task, begin, td6_now());
    }
    return NULL;
}

/* outputs[i] = fn(inputs[i]) pour chaque i, calculé par `workers` threads. */
static void pool_map(task_fn fn, const long *inputs, size_t n, unsigned __int128 *outputs,
                     int workers)
{
    shared_pool pool = { fn, inputs, n, outputs, 0, PTHREAD_MUTEX_INITIALIZER };
    pthread_t *threads = Calloc((size_t)workers, sizeof *threads);

    /* Lancer tous les threads d'abord... */
    for (int k = 0; k < workers; k++) {
        Pthread_create(&threads[k], NULL, worker_main, &pool);
        Pthread_join(threads[k], NULL);
    }
    /* ... puis les attendre tous : après le dernier join, tous les résultats sont là. */
    /* (pthread_join garantit aussi que ce que le thread a écrit est visible
     * ici. Attendre chaque thread juste après l'avoir créé ferait tout le
     * calcul dans un seul thread à la fois.) */
    pthread_mutex_destroy(&pool.lock);
    free(threads);
}

/* Le find_sums du cours, avec des threads au lieu de processus. */
static void find_sums(const job *j, unsigned __int128 *sums)
{
    pool_map(cpu_bound, j->numbers, j->count, sums, (int)j->workers);
}

/* Une ligne par nombre, dans l'ordre de la liste : « cpu_bound(N) = somme ». */
static void print_sums(const long *numbers, size_t count, const unsigned __int128 *sums)
{
    char text[TD6_U128_LEN];

    for (size_t i = 0; i < count; i++)
        printf("cpu_bound(%ld) = %s\n", numbers[i], td6_u128_to_string(sums[i], text));
}

/* ---- Ligne de commande ------------------------------------------------- */

static void usage(const char *prog)
{
    fprintf(stderr, "usage : %s [-j OUVRIERS] [N...]\n", prog);
    exit(2);
}

/* Un nombre de la liste : un entier de 0 à MAX_NUMBER. */
static long parse_number(const char *prog, const char *text)
{
    char *end = NULL;
    long value = strtol(text, &end, 10);

    if (end == text || *end != '\0' || value < 0 || value > MAX_NUMBER) {
        fprintf(stderr, "%s : N attend un entier entre 0 et %ld, pas « %s »\n", prog,
                MAX_NUMBER, text);
        exit(2);
    }
    return value;
}

/* « [-j OUVRIERS] [N...] » ; sans -j, un thread par cœur en ligne ; sans
 * N, la liste du cours mise à l'échelle. */
static job parse_arguments(int argc, char **argv)
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    job j = { NULL, 0, online > 0 ? online : 1 };
    int opt;

    opterr = 0;   /* nos messages d'erreur, en français */
    while ((opt = getopt(argc, argv, "+j:")) != -1) {
        if (opt != 'j')
            usage(argv[0]);
        j.workers = td6_parse_count(argv[0], "-j", optarg, MAX_WORKERS);
    }
    if (optind < argc) {
        j.count = (size_t)(argc - optind);
        j.numbers = Calloc(j.count, sizeof *j.numbers);
        for (size_t i = 0; i < j.count; i++)
            j.numbers[i] = parse_number(argv[0], argv[optind + (int)i]);
    } else {
        j.count = DEFAULT_COUNT;
        j.numbers = Calloc(j.count, sizeof *j.numbers);
        for (size_t i = 0; i < j.count; i++)
            j.numbers[i] = DEFAULT_BASE + (long)i;
    }
    return j;
}

int main(int argc, char **argv)
{
    job j = parse_arguments(argc, argv);
    unsigned __int128 *sums = Calloc(j.count, sizeof *sums);
    double start, duration;

    start = td6_now();
    find_sums(&j, sums);
    duration = td6_now() - start;
    print_sums(j.numbers, j.count, sums);
    printf("Duration %.3f seconds\n", duration);
    free(sums);
    free(j.numbers);
    return 0;
}
