/*
 * multiproc.c — chapitre 05 : un pool de processus (le Pool du cours), fait
 * à la main avec fork et des tubes.
 *
 * Ce que montre ce programme : le même calcul que cpu_sequentiel.c, réparti
 * sur plusieurs processus, un par cœur. pool_map(fn, inputs, n, outputs,
 * workers) fait ce que fait pool.map(cpu_bound, numbers) en Python :
 *   - il crée `workers` processus « ouvriers » avec fork() (par défaut un
 *     par cœur en ligne ; -j N en choisit N) ;
 *   - il leur distribue les éléments un par un : un ouvrier libre reçoit
 *     l'élément suivant, comme dans Pool.map ;
 *   - chaque ouvrier renvoie ses résultats par un tube ; le parent les range
 *     à leur place et les affiche dans l'ordre de la liste, quel que soit
 *     l'ordre d'arrivée ;
 *   - à la fin, le parent attend (waitpid) chacun de ses enfants : aucun ne
 *     reste « zombie ».
 * fork() copie tout le programme : l'enfant a déjà la liste des nombres et
 * la fonction à appeler (le pointeur fn reste valable dans la copie). Par
 * les tubes ne passent que des indices et des résultats.
 *
 * Un ouvrier qui meurt en plein calcul est signalé (quel élément est perdu,
 * de quel signal il est mort) ; les autres résultats sont quand même
 * rendus, et le programme se termine avec le code 1, sans rester bloqué.
 * Pour l'essayer : « multiproc -j 2 1000 10000000000 2000 », puis, pendant
 * le calcul, `kill -9` sur l'ouvrier que `top` montre à 100 %.
 *
 * Construire et lancer :
 *     make run EXO=05 PROG=multiproc [SRC=solutions]
 *     build/solutions/05_multiprocessing/multiproc [-j OUVRIERS] [N...]
 *     TD6_TRACE=/tmp/trace build/solutions/05_multiprocessing/multiproc -j 2
 *         (une ligne par calcul, avec le PID du processus qui l'a fait)
 *
 * À observer : les mêmes lignes que cpu_sequentiel, dans le même ordre, en
 * à peu près deux fois moins de temps sur deux cœurs ; `top` montre
 * plusieurs processus multiproc à 100 %. Essayez -j 1, -j 2, -j 8.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "calcul.h"
#include "commun.h"
#include "ouvriers.h"   /* worker, message, hand_out : la tuyauterie du parent */
#include "tubes.h"

/* ---- Dans l'enfant : l'ouvrier ----------------------------------------- */

/* La vie d'un ouvrier : lire un indice, calculer, renvoyer le résultat ;
 * jusqu'à ce que le parent ferme le tube des tâches (read rend 0). */
static void worker_loop(task_fn fn, const long *inputs, int task_fd, int result_fd)
{
    /* TODO: Lire un indice, calculer, renvoyer (indice, valeur) ; jusqu'à la fin du tube. */
    /*       (un message entier à la fois, avec les outils de tubes.h ; le message est */
    /*        remis à zéro avant d'être rempli, pour n'envoyer aucun octet non */
    /*        initialisé ; si le parent ne lit plus, inutile de continuer) */
    (void)fn;
    (void)inputs;
    (void)task_fd;
    (void)result_fd;
}

/* ---- Dans le parent : créer, nourrir, récolter ------------------------- */

/* Crée l'ouvrier k : deux tubes, puis fork. Dans l'enfant, ne revient
 * jamais. Renvoie 0, ou -1 (après l'avoir dit) si c'est impossible.
 * pipe et fork sont appelés directement, pas par Pipe et Fork de commun/ :
 * en cas d'échec, on ne quitte pas, on continue avec les ouvriers déjà
 * créés (voir pool_map). */
static int start_worker(worker *pool, int k, task_fn fn, const long *inputs)
{
    int tasks[2] = { -1, -1 }, results[2] = { -1, -1 };
    pid_t pid = -1;   /* à remplacer par le résultat de fork() */

    /* TODO: Créer l'ouvrier : un tube des tâches, un tube des résultats, puis fork. */
    /*       (en cas d'échec : fermer ce qui est déjà ouvert, dire en français ce qui */
    /*        a échoué et pourquoi (errno), renvoyer -1 : pool_map continue sans lui) */
    if (pid == 0) {
        /* TODO: Dans l'enfant : garder seulement ses deux bouts de tube. */
        /*       (fermer les deux autres bouts, puis ceux des frères aînés, other < k : */
        /*        un bout d'écriture resté ouvert ailleurs empêche la fin de fichier) */
        /* TODO: Puis travailler, et finir par _exit (jamais exit, jamais return). */
        /*       (la boucle de l'ouvrier, sur ses deux bouts) */
    }
    /* TODO: Dans le parent : garder les deux autres bouts. */
    /*       (fermer ceux de l'enfant, ranger l'ouvrier dans pool[k] : son pid, ses */
    /*        deux bouts, aucun élément en cours ; renvoyer 0) */
    (void)pool;
    (void)k;
    (void)fn;
    (void)inputs;
    (void)tasks;
    (void)results;
    (void)worker_loop;
    fprintf(stderr, "multiproc : start_worker n'est pas encore écrit\n");
    return -1;
}

/* Crée jusqu'à `count` ouvriers ; renvoie combien ont pu l'être. */
static int start_workers(worker *pool, int count, task_fn fn, const long *inputs)
{
    int k;

    /* TODO: Vider les tampons de stdio avant fork : sinon chaque enfant en aurait une copie. */
    /*       (ce qui attend d'être écrit le serait alors une fois par processus) */
    for (k = 0; k < count; k++)
        if (start_worker(pool, k, fn, inputs) != 0)
            break;
    return k;
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
    /* TODO: Attendre la fin de l'ouvrier (waitpid) : sans cela, il resterait zombie. */
    /*       (un appel interrompu par un signal, EINTR, se recommence ; status dit */
    /*        ensuite de quoi il est mort, voir man 2 waitpid) */
    if (w->current == -1)
        return 0;
    report_lost((size_t)w->current, inputs[w->current], w->pid, status);
    w->current = -1;
    return 1;
}

/* Distribue les éléments, range les résultats, récolte les ouvriers.
 * Renvoie le nombre d'éléments perdus. */
static size_t collect(worker *pool, int count, const long *inputs, size_t n,
                      unsigned __int128 *outputs, bool *done)
{
    struct pollfd *fds = Calloc((size_t)count, sizeof *fds);
    size_t next = 0, lost = 0;
    int running = count;

    /* Un premier élément pour chacun, puis un nouveau à chaque résultat. */
    for (int k = 0; k < count; k++)
        hand_out(&pool[k], &next, n);
    while (running > 0) {
        /* Dormir jusqu'à ce qu'un ouvrier au moins ait quelque chose à dire. */
        wait_for_results(pool, count, fds);
        for (int k = 0; k < count; k++) {
            message m;

            if (fds[k].revents == 0)
                continue;
            if (read_full(pool[k].result_fd, &m, sizeof m) == 1 &&
                (long)m.index == pool[k].current) {
                outputs[m.index] = m.value;
                done[m.index] = true;
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
        report_lost(next, inputs[next], 0, 0);
    free(fds);
    return lost;
}

/* outputs[i] = fn(inputs[i]) pour chaque i (done[i] : calculé), par `workers`
 * processus. Renvoie le nombre d'éléments perdus (0 : tout est calculé),
 * ou -1 si aucun ouvrier n'a pu être créé. */
static long pool_map(task_fn fn, const long *inputs, size_t n, unsigned __int128 *outputs,
                     bool *done, int workers)
{
    int count = (size_t)workers < n ? workers : (int)n;   /* pas d'ouvrier sans travail */
    worker *pool = Calloc((size_t)count, sizeof *pool);
    int started;
    size_t lost;

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
    lost = collect(pool, started, inputs, n, outputs, done);
    free(pool);
    return (long)lost;
}

/* Le find_sums du cours : pool.map(cpu_bound, numbers) (traced_cpu_bound :
 * cpu_bound, noté dans la trace avec le PID de l'ouvrier qui calcule). */
static long find_sums(const job *j, unsigned __int128 *sums, bool *done)
{
    return pool_map(traced_cpu_bound, j->numbers, j->count, sums, done, (int)j->workers);
}

int main(int argc, char **argv)
{
    job j = parse_arguments(argc, argv, "Calcule cpu_bound(N) pour chaque N, sur un pool de "
                                        "processus.");
    unsigned __int128 *sums = Calloc(j.count, sizeof *sums);
    bool *done = Calloc(j.count, sizeof *done);
    double start, duration;
    long lost;

    /* Écrire à un ouvrier mort enverrait SIGPIPE au parent, qui en mourrait :
     * on préfère que write échoue (EPIPE), ce que hand_out sait traiter. */
    signal(SIGPIPE, SIG_IGN);
    start = td6_now();
    lost = find_sums(&j, sums, done);
    duration = td6_now() - start;
    print_sums(&j, sums, done);
    printf("Duration %.3f seconds\n", duration);
    free(done);
    free(sums);
    job_free(&j);
    return lost == 0 ? 0 : 1;
}
