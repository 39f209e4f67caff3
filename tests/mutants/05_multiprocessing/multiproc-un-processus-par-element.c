/*
 * Mutant : un processus par élément, tous lancés d'un coup, au lieu d'une
 * piscine de -j ouvriers. Avec 1000 éléments, 1000 processus se disputent les
 * cœurs.
 * @echoue multiproc_plusieurs_processus
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

/* Ce que la piscine rend pour chaque élément. */
typedef struct {
    bool done;                 /* false : élément perdu (son ouvrier est mort) */
    unsigned __int128 value;
} result;

/* Un message d'un ouvrier au parent, dans son tube de résultats. */
typedef struct {
    size_t index;
    unsigned __int128 value;
} message;

/* Un ouvrier, vu du parent. Tout ceci n'existe que dans le parent : les
 * enfants en ont une copie, qu'ils n'utilisent que pour fermer les tubes
 * de leurs frères. */
typedef struct {
    pid_t pid;
    int task_fd;     /* parent → ouvrier : indices à calculer (-1 : fermé) */
    int result_fd;   /* ouvrier → parent : résultats (-1 : ouvrier terminé) */
    long current;    /* indice en cours de calcul chez lui, -1 si aucun */
} worker;

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

/* ---- Tubes : lire et écrire un message entier -------------------------- */

/* Lit exactement `size` octets. Renvoie 1 si tout est lu, 0 si le tube
 * est fermé de l'autre côté avant le premier octet (fin normale), -1 en
 * cas d'erreur ou de message coupé. */
static int read_full(int fd, void *buf, size_t size)
{
    size_t got = 0;

    while (got < size) {
        ssize_t n = read(fd, (char *)buf + got, size - got);

        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return (n == 0 && got == 0) ? 0 : -1;
        got += (size_t)n;
    }
    return 1;
}

/* Écrit exactement `size` octets. Renvoie 0, ou -1 si le lecteur est parti
 * (EPIPE) ou en cas d'erreur. */
static int write_full(int fd, const void *buf, size_t size)
{
    size_t put = 0;

    while (put < size) {
        ssize_t n = write(fd, (const char *)buf + put, size - put);

        if (n == -1 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        put += (size_t)n;
    }
    return 0;
}

/* ---- Dans l'enfant : l'ouvrier ----------------------------------------- */

/* Le processus qui a créé la piscine (voir item_to_kill). */
static pid_t pool_parent;

/* Pour les essais seulement : l'indice de TD6_TUER_ITEM, ou -1. Jamais dans
 * le parent : l'essai veut tuer un ouvrier, pas le programme. */
static long item_to_kill(void)
{
    const char *s = getenv("TD6_TUER_ITEM");

    if (getpid() == pool_parent || s == NULL || *s == '\0')
        return -1;
    return strtol(s, NULL, 10);
}

/* Calcule un élément dans l'ouvrier, et le note dans la trace. */
static unsigned __int128 compute_item(task_fn fn, const long *inputs, size_t index)
{
    char task[48];
    double begin = td6_now();
    unsigned __int128 value;

    if ((long)index == item_to_kill())
        kill(getpid(), SIGKILL);   /* essai : l'ouvrier meurt en plein travail */
    value = fn(inputs[index]);
    snprintf(task, sizeof task, "cpu_bound(%ld)", inputs[index]);
    td6_trace("calcul", task, begin, td6_now());
    return value;
}

/* La vie d'un ouvrier : lire un indice, calculer, renvoyer le résultat ;
 * jusqu'à ce que le parent ferme le tube des tâches (read rend 0). */
static void worker_loop(task_fn fn, const long *inputs, int task_fd, int result_fd)
{
    size_t index;

    /* Lire un indice, calculer, renvoyer (indice, valeur) ; jusqu'à la fin du tube. */
    while (read_full(task_fd, &index, sizeof index) == 1) {
        message m;

        memset(&m, 0, sizeof m);   /* pas d'octet de remplissage non initialisé */
        m.index = index;
        m.value = compute_item(fn, inputs, index);
        if (write_full(result_fd, &m, sizeof m) != 0)
            return;   /* le parent ne lit plus : inutile de continuer */
    }
}

/* ---- Dans le parent : créer, nourrir, récolter ------------------------- */

/* Crée l'ouvrier k : deux tubes, puis fork. Dans l'enfant, ne revient
 * jamais. Renvoie 0, ou -1 (après l'avoir dit) si c'est impossible.
 * pipe et fork sont appelés directement, pas par Pipe et Fork de commun/ :
 * en cas d'échec, on ne quitte pas, on continue avec les ouvriers déjà
 * créés (voir pool_map). */
static int start_worker(worker *pool, int k, task_fn fn, const long *inputs)
{
    int tasks[2], results[2], err;
    const char *what = "pipe";
    pid_t pid;

    /* Créer l'ouvrier : un tube des tâches, un tube des résultats, puis fork. */
    if (pipe(tasks) == -1)
        goto out_report;
    if (pipe(results) == -1)
        goto out_close_tasks;
    what = "fork";
    pid = fork();
    if (pid == -1)
        goto out_close_results;
    if (pid == 0) {
        /* Dans l'enfant : garder seulement ses deux bouts de tube. */
        /* (Les bouts du parent et ceux des frères aînés, hérités par fork,
         * sont fermés : un bout d'écriture resté ouvert dans un autre
         * processus empêcherait la fin de fichier d'arriver à son lecteur.) */
        close(tasks[1]);
        close(results[0]);
        for (int other = 0; other < k; other++) {
            close(pool[other].task_fd);
            close(pool[other].result_fd);
        }
        /* Puis travailler, et finir par _exit (jamais exit, jamais return). */
        /* (exit viderait les tampons de stdio copiés du parent et lancerait
         * ses fonctions atexit ; return ferait continuer l'enfant dans le
         * code du parent, qui distribuerait le travail une seconde fois.) */
        worker_loop(fn, inputs, tasks[0], results[1]);
        close(tasks[0]);
        close(results[1]);
        _exit(0);
    }
    /* Dans le parent : garder les deux autres bouts. */
    close(tasks[0]);
    close(results[1]);
    pool[k] = (worker){ pid, tasks[1], results[0], -1 };
    return 0;

out_close_results:
    err = errno;
    close(results[0]);
    close(results[1]);
    errno = err;
out_close_tasks:
    err = errno;
    close(tasks[0]);
    close(tasks[1]);
    errno = err;
out_report:
    fprintf(stderr, "multiproc : impossible de créer le processus ouvrier %d (%s : %s)\n",
            k + 1, what, strerror(errno));
    return -1;
}

/* Crée jusqu'à `count` ouvriers ; renvoie combien ont pu l'être. */
static int start_workers(worker *pool, int count, task_fn fn, const long *inputs)
{
    int k;

    /* Vider les tampons de stdio avant fork : sinon chaque enfant en aurait une copie. */
    /* (Ce qui attend d'être écrit serait alors écrit une fois par processus.) */
    fflush(NULL);
    for (k = 0; k < count; k++)
        if (start_worker(pool, k, fn, inputs) != 0)
            break;
    return k;
}

/* Donne l'élément suivant à l'ouvrier w, s'il en reste. Sinon (ou s'il ne
 * lit plus), ferme son tube des tâches : il s'arrêtera de lui-même. */
static void hand_out(worker *w, size_t *next, size_t n)
{
    if (w->task_fd == -1)
        return;
    if (*next < n && write_full(w->task_fd, next, sizeof *next) == 0) {
        w->current = (long)(*next)++;
        return;
    }
    close(w->task_fd);
    w->task_fd = -1;
}

/* L'ouvrier w a fermé son tube de résultats : il a fini ou il est mort.
 * L'attendre (waitpid : pas de zombie) et dire ce qui est perdu.
 * Renvoie 1 si un élément est perdu, 0 sinon. */
static int reap_worker(worker *w, const long *inputs)
{
    int status = 0;

    close(w->result_fd);
    w->result_fd = -1;
    if (w->task_fd != -1) {
        close(w->task_fd);
        w->task_fd = -1;
    }
    /* Attendre la fin de l'ouvrier (waitpid) : sans cela, il resterait zombie. */
    while (waitpid(w->pid, &status, 0) == -1 && errno == EINTR)
        continue;
    if (w->current == -1)
        return 0;
    fprintf(stderr, "multiproc : élément d'indice %ld perdu (cpu_bound(%ld)) : ", w->current,
            inputs[w->current]);
    if (WIFSIGNALED(status))
        fprintf(stderr, "l'ouvrier %d a été tué par le signal %d (%s)\n", (int)w->pid,
                WTERMSIG(status), strsignal(WTERMSIG(status)));
    else
        fprintf(stderr, "l'ouvrier %d s'est arrêté (code %d) sans rendre son résultat\n",
                (int)w->pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    w->current = -1;
    return 1;
}

/* Distribue les éléments, range les résultats, récolte les ouvriers.
 * Renvoie le nombre d'éléments perdus. */
static size_t collect(worker *pool, int count, const long *inputs, size_t n, result *outputs)
{
    struct pollfd *fds = Calloc((size_t)count, sizeof *fds);
    size_t next = 0, lost = 0;
    int running = count;

    /* Un premier élément pour chacun, puis un nouveau à chaque résultat. */
    for (int k = 0; k < count; k++)
        hand_out(&pool[k], &next, n);
    while (running > 0) {
        for (int k = 0; k < count; k++)
            fds[k] = (struct pollfd){ pool[k].result_fd, POLLIN, 0 };   /* -1 : ignoré */
        /* Dormir jusqu'à ce qu'un ouvrier au moins ait quelque chose à dire. */
        if (poll(fds, (nfds_t)count, -1) == -1) {
            if (errno == EINTR)
                continue;
            td6_die(__FILE__, __LINE__, "poll", errno);
        }
        for (int k = 0; k < count; k++) {
            message m;

            if (fds[k].revents == 0)
                continue;
            if (read_full(pool[k].result_fd, &m, sizeof m) == 1 &&
                (long)m.index == pool[k].current) {
                outputs[m.index] = (result){ true, m.value };
                pool[k].current = -1;
                hand_out(&pool[k], &next, n);
                continue;
            }
            /* Fin du tube (ou message illisible) : l'ouvrier est parti. */
            lost += (size_t)reap_worker(&pool[k], inputs);
            running--;
        }
    }
    /* S'il reste des éléments jamais distribués, tous les ouvriers sont
     * morts avant : ils sont perdus aussi. */
    for (; next < n; next++, lost++)
        fprintf(stderr, "multiproc : élément d'indice %zu (cpu_bound(%ld)) non calculé : "
                "plus aucun ouvrier\n", next, inputs[next]);
    free(fds);
    return lost;
}

/* outputs[i] = fn(inputs[i]) pour chaque i, calculé par `workers`
 * processus. Renvoie le nombre d'éléments perdus (0 : tout est calculé),
 * ou -1 si aucun ouvrier n'a pu être créé. */
static long pool_map(task_fn fn, const long *inputs, size_t n, result *outputs, int workers)
{
    int count = (int)n;   /* un ouvrier par élément */
    (void)workers;
    worker *pool = Calloc((size_t)count, sizeof *pool);
    int started;
    size_t lost;

    pool_parent = getpid();
    started = start_workers(pool, count, fn, inputs);
    if (started == 0 && n > 0) {
        fprintf(stderr, "multiproc : aucun processus ouvrier n'a pu être créé, rien n'est "
                "calculé\n");
        free(pool);
        return -1;
    }
    if (started < count)
        fprintf(stderr, "multiproc : on continue avec %d ouvrier(s) au lieu de %d\n", started,
                count);
    lost = collect(pool, started, inputs, n, outputs);
    free(pool);
    return (long)lost;
}

/* Le find_sums du cours : pool.map(cpu_bound, numbers). */
static long find_sums(const job *j, result *sums)
{
    return pool_map(cpu_bound, j->numbers, j->count, sums, (int)j->workers);
}

/* Une ligne par nombre calculé, dans l'ordre de la liste (pas dans l'ordre
 * d'arrivée) ; un élément perdu a déjà été signalé sur stderr. */
static void print_sums(const long *numbers, size_t count, const result *sums)
{
    char text[TD6_U128_LEN];

    for (size_t i = 0; i < count; i++)
        if (sums[i].done)
            printf("cpu_bound(%ld) = %s\n", numbers[i], td6_u128_to_string(sums[i].value, text));
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

/* « [-j OUVRIERS] [N...] » ; sans -j, un ouvrier par cœur en ligne ; sans
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
    result *sums = Calloc(j.count, sizeof *sums);
    double start, duration;
    long lost;

    /* Écrire à un ouvrier mort enverrait SIGPIPE au parent, qui en mourrait :
     * on préfère que write échoue (EPIPE), ce que hand_out sait traiter. */
    signal(SIGPIPE, SIG_IGN);
    start = td6_now();
    lost = find_sums(&j, sums);
    duration = td6_now() - start;
    print_sums(j.numbers, j.count, sums);
    printf("Duration %.3f seconds\n", duration);
    free(sums);
    free(j.numbers);
    return lost == 0 ? 0 : 1;
}
