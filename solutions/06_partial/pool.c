/*
 * pool.c — chapitre 06 : le pool de processus, en mode fork et en mode
 * spawn (voir pool.h).
 */
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"
#include "tubes.h"

/* ---- Petits outils pour les tubes ----------------------------------------- */

/* Lit une ligne (sans '\n') octet par octet : jamais un octet de la ligne
 * suivante. Renvoie sa longueur + 1, 0 à la fin du tube, -1 en cas
 * d'erreur ou de ligne trop longue. */
static int read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;

    for (;;) {
        char c;
        ssize_t n = read(fd, &c, 1);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            return len == 0 ? 0 : -1;  /* coupé au milieu d'une ligne */
        if (c == '\n')
            break;
        if (len + 1 >= size)
            return -1;
        buf[len++] = c;
    }
    buf[len] = '\0';
    return (int)len + 1;
}

/* Lit un entier de 128 bits écrit en décimal. 0 si `text` en est un. */
static int parse_u128(const char *text, u128 *value)
{
    *value = 0;
    if (*text == '\0')
        return -1;
    for (; *text != '\0'; text++) {
        if (*text < '0' || *text > '9')
            return -1;
        *value = *value * 10 + (u128)(*text - '0');
    }
    return 0;
}

/* Envoie « <indice> <valeur> » au parent, en une seule écriture. */
static int reply_value(int fd, size_t index, u128 value)
{
    char line[96], digits[TD6_U128_LEN];
    int len = snprintf(line, sizeof line, "%zu %s\n", index, td6_u128_to_string(value, digits));

    return write_full(fd, line, (size_t)len);
}

/* Envoie « <indice> ERREUR <message> » au parent. */
static void reply_error(int fd, size_t index, const char *message)
{
    char line[512];
    int len = snprintf(line, sizeof line, "%zu ERREUR %s\n", index, message);

    if (len > 0 && (size_t)len >= sizeof line)
        len = (int)sizeof line - 1;
    (void)write_full(fd, line, (size_t)len);  /* le parent est peut-être déjà parti */
}

/* ---- Les ouvriers, côté enfant ---------------------------------------- */

/* Ce que le pool doit calculer. Selon le mode, seule une partie sert. */
typedef struct {
    pool_fn fn;            /* mode fork : la fonction générique...        */
    const void *ctx;       /* ... et son contexte (le partial), hérités    */
    const partial *named;  /* mode spawn : le partial, à écrire en texte  */
    const long *items;     /* les nombres, dans l'ordre donné             */
    size_t count;
    u128 *results;         /* results[i] : le résultat de items[i]        */
} pool_job;

/* Boucle d'un ouvrier créé par fork. Il a hérité d'une copie de tout :
 * les nombres, le partial, l'adresse de la fonction. Seul l'indice de
 * l'élément à calculer lui arrive par le tube `in`. */
static void fork_worker_loop(int in, int out, const pool_job *job)
{
    char line[64], task[48];

    while (read_line(in, line, sizeof line) > 0) {
        size_t index = strtoul(line, NULL, 10);
        double begin = td6_now();
        u128 value;

        if (index >= job->count)
            _exit(1);
        value = job->fn(job->ctx, job->items[index]);
        snprintf(task, sizeof task, "élément %ld", job->items[index]);
        td6_trace("calcul", task, begin, td6_now());
        if (reply_value(out, index, value) != 0)
            _exit(1);
    }
}

/* Mode « partial --ouvrier » : un programme neuf, lancé par le parent
 * avec posix_spawn. Il n'a rien hérité de la mémoire du parent : chaque
 * demande arrive en texte sur l'entrée standard,
 *     <indice> <nom de la fonction> <number> <number2>
 * et la réponse repart sur la sortie standard. C'est ce que fait un
 * ouvrier Python en mode spawn, avec pickle au lieu de texte. */
int worker_main(lookup_fn lookup)
{
    char line[256], name[64], message[400], task[96];

    while (read_line(STDIN_FILENO, line, sizeof line) > 0) {
        size_t index = 0;
        long number, number2;
        cpu_fn fn;

        if (sscanf(line, "%zu %63s %ld %ld", &index, name, &number, &number2) != 4) {
            snprintf(message, sizeof message, "demande illisible « %.100s » (attendu : "
                     "<indice> <fonction> <number> <number2>)", line);
            reply_error(STDOUT_FILENO, index, message);
            return 1;
        }
        fn = lookup(name);
        if (fn == NULL) {
            /* Python refuse plus tôt, dans le parent, en fork comme en spawn :
             * pickle n'envoie une fonction que par son nom (README, chapitre 06). */
            snprintf(message, sizeof message, "fonction « %s » introuvable : ce programme neuf "
                     "ne connaît que les fonctions publiées dans son registre, par leur nom "
                     "(Python refuse plus tôt, dès le parent : « Can't pickle ... attribute "
                     "lookup %s on __main__ failed »)",
                     name, name);
            reply_error(STDOUT_FILENO, index, message);
            return 1;
        }
        double begin = td6_now();
        u128 value = fn(number, number2);
        snprintf(task, sizeof task, "%s(%ld, %ld)", name, number, number2);
        td6_trace("calcul", task, begin, td6_now());
        if (reply_value(STDOUT_FILENO, index, value) != 0)
            return 1;
    }
    return 0;   /* fin du tube : le parent n'a plus rien à demander */
}

/* ---- Le pool, côté parent -------------------------------------------------- */

/* Un ouvrier vu du parent. */
typedef struct {
    pid_t pid;
    int to;      /* tube parent → ouvrier : les demandes (-1 une fois fermé) */
    int from;    /* tube ouvrier → parent : les réponses */
    long busy;   /* indice de l'élément en cours de calcul, -1 si aucun */
} worker;

/* Chez le parent, une fois l'ouvrier w lancé : fermer les bouts de tube
 * qui sont désormais les siens (to[0], from[1]), garder les deux autres. */
static void keep_parent_ends(worker *ws, int w, pid_t pid, const int to[2], const int from[2])
{
    close(to[0]);
    close(from[1]);
    ws[w] = (worker){ pid, to[1], from[0], -1 };
}

/* Démarre l'ouvrier w par fork. L'enfant est une copie du parent,
 * code ET données : job->fn et job->ctx y désignent les mêmes choses. */
static void start_fork_worker(worker *ws, int w, const pool_job *job)
{
    int to[2], from[2];
    pid_t pid;

    Pipe(to);
    Pipe(from);
    /* Vider les tampons de stdio avant fork : sinon l'enfant en hérite une
     * copie, et ce qui y attendait serait écrit deux fois. */
    fflush(stdout);
    fflush(stderr);
    pid = Fork();
    if (pid == 0) {
        /* Chez l'enfant : fermer les bouts qui ne sont pas les siens, dont
         * ceux des ouvriers précédents. Un tube n'annonce sa fin que
         * quand TOUTES les copies de son bout d'écriture sont fermées : si
         * cet enfant en gardait une, l'ouvrier v attendrait, après la
         * dernière demande, que celui-ci meure à son tour. */
        for (int v = 0; v < w; v++) {
            close(ws[v].to);
            close(ws[v].from);
        }
        close(to[1]);
        close(from[0]);
        fork_worker_loop(to[0], from[1], job);
        close(to[0]);
        close(from[1]);
        /* _exit et non exit : ne pas rejouer les atexit() ni vider les
         * tampons stdio hérités du parent. */
        _exit(0);
    }
    keep_parent_ends(ws, w, pid, to, from);
}

/* Démarre l'ouvrier w comme un programme neuf : posix_spawn fait
 * fork + exec d'un coup. Après exec, il ne reste RIEN de la mémoire du
 * parent ; seuls passent les arguments, l'environnement et les
 * descripteurs de fichiers laissés ouverts. */
static void start_spawn_worker(worker *ws, int w, const char *self)
{
    int to[2], from[2], rc;
    pid_t pid;
    posix_spawn_file_actions_t actions;
    char *argv[] = { (char *)self, WORKER_FLAG, NULL };

    /* O_CLOEXEC : ces tubes se ferment tout seuls à l'exec, sauf les deux
     * que dup2 installe comme entrée et sortie standard de l'ouvrier.
     * Ainsi aucun ouvrier ne garde les tubes des autres. */
    td6_check_sys(pipe2(to, O_CLOEXEC), "pipe2", __FILE__, __LINE__);
    td6_check_sys(pipe2(from, O_CLOEXEC), "pipe2", __FILE__, __LINE__);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, from[1], STDOUT_FILENO);
    /* Pas besoin de fflush ici : exec ne garde pas les tampons de stdio.
     * posix_spawnp cherche `self` dans le PATH s'il n'a pas de « / ». */
    rc = posix_spawnp(&pid, self, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        td6_die(__FILE__, __LINE__, "posix_spawn (lancement d'un ouvrier)", rc);
    keep_parent_ends(ws, w, pid, to, from);
}

/* Donne à l'ouvrier l'élément suivant, ou ferme son tube de demandes
 * s'il n'y en a plus : il lira la fin du tube et s'arrêtera. */
static int hand_out(worker *wk, const pool_job *job, size_t *next)
{
    char line[128];
    int len;

    if (*next >= job->count) {
        Close(wk->to);
        wk->to = -1;
        return 0;
    }
    if (job->named == NULL) {
        len = snprintf(line, sizeof line, "%zu\n", *next);  /* fork : l'indice suffit */
    } else {
        /* Écrire la demande en texte : indice, nom de la fonction, ses deux arguments. */
        len = snprintf(line, sizeof line, "%zu %s %ld %ld\n", *next, job->named->name,
                       job->items[*next], job->named->number2);
    }
    wk->busy = (long)*next;
    (*next)++;
    if (write_full(wk->to, line, (size_t)len) != 0) {
        fprintf(stderr, "partial : l'ouvrier %d ne lit plus ses demandes (%s)\n",
                (int)wk->pid, strerror(errno));
        return -1;
    }
    return 0;
}

/* Lit la réponse de l'ouvrier et range le résultat à sa place.
 * 0 si tout va bien, -1 (après un message) sinon. */
static int receive(worker *wk, const pool_job *job)
{
    char line[512];
    size_t index;
    char *rest;

    if (read_line(wk->from, line, sizeof line) <= 0) {
        fprintf(stderr, "partial : l'ouvrier %d s'est arrêté sans rendre le résultat "
                "de l'élément %ld\n", (int)wk->pid, job->items[wk->busy]);
        return -1;
    }
    index = strtoul(line, &rest, 10);
    if (strncmp(rest, " ERREUR ", 8) == 0) {
        fprintf(stderr, "partial : l'ouvrier %d a échoué : %s\n", (int)wk->pid, rest + 8);
        return -1;
    }
    if (*rest != ' ' || (long)index != wk->busy ||
        parse_u128(rest + 1, &job->results[index]) != 0) {
        fprintf(stderr, "partial : réponse incompréhensible de l'ouvrier %d : « %s »\n",
                (int)wk->pid, line);
        return -1;
    }
    wk->busy = -1;
    return 0;
}

/* Ferme les tubes et attend chaque ouvrier : pas de zombie. Après un
 * échec, ceux qui calculent encore sont arrêtés (SIGTERM) : on n'attend
 * pas la fin d'un travail devenu inutile. */
static int stop_workers(worker *ws, int n, int failed)
{
    for (int w = 0; w < n; w++) {
        if (ws[w].to >= 0)
            Close(ws[w].to);   /* fin du tube : l'ouvrier s'arrête */
        if (failed && ws[w].busy >= 0)
            kill(ws[w].pid, SIGTERM);
    }
    for (int w = 0; w < n; w++) {
        int status;

        Close(ws[w].from);
        while (waitpid(ws[w].pid, &status, 0) < 0)
            if (errno != EINTR)
                td6_die(__FILE__, __LINE__, "waitpid", errno);
        if (!failed && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
            fprintf(stderr, "partial : l'ouvrier %d a fini en erreur\n", (int)ws[w].pid);
            failed = 1;
        }
    }
    return failed ? -1 : 0;
}

/* Distribution dynamique : chaque ouvrier reçoit un élément ; dès qu'il
 * rend son résultat, il reçoit le suivant. Un ouvrier rapide en traite
 * donc plus qu'un lent (pool.map de Python fait de même, par paquets). */
static int run_pool(worker *ws, int n, const pool_job *job)
{
    size_t next = 0, done = 0;
    int failed = 0;

    for (int w = 0; w < n && !failed; w++)
        failed = hand_out(&ws[w], job, &next) != 0;
    while (done < job->count && !failed) {
        struct pollfd fds[MAX_WORKERS];

        /* Attendre qu'au moins un ouvrier occupé ait répondu. */
        for (int w = 0; w < n; w++)
            fds[w] = (struct pollfd){ ws[w].busy >= 0 ? ws[w].from : -1, POLLIN, 0 };
        if (poll(fds, (nfds_t)n, -1) < 0) {
            if (errno == EINTR)
                continue;
            td6_die(__FILE__, __LINE__, "poll", errno);
        }
        for (int w = 0; w < n && !failed; w++) {
            if (fds[w].revents == 0)
                continue;
            failed = receive(&ws[w], job) != 0 || hand_out(&ws[w], job, &next) != 0;
            done++;
        }
    }
    return stop_workers(ws, n, failed);
}

/* Autant d'ouvriers que demandé, mais pas plus que d'éléments. */
static int pool_size(int workers, size_t count)
{
    return (size_t)workers < count ? workers : (int)count;
}

/* Le pool du chapitre 05 : results[i] = fn(ctx, items[i]), calculés par
 * `workers` processus créés par fork. 0 si tout est calculé. */
int pool_map(pool_fn fn, const void *ctx, const long *items, size_t count,
             u128 *results, int workers)
{
    pool_job job = { fn, ctx, NULL, items, count, results };
    worker ws[MAX_WORKERS];
    int n = pool_size(workers, count);

    for (int w = 0; w < n; w++)
        start_fork_worker(ws, w, &job);
    return run_pool(ws, n, &job);
}

/* Le même pool en mode « spawn » : des programmes neufs, à qui l'on ne
 * peut envoyer que du texte. Il prend donc le partial lui-même (son nom et
 * son argument lié), pas un pointeur de fonction. */
int spawn_pool_map(const char *self, const partial *p, const long *items, size_t count,
                   u128 *results, int workers)
{
    pool_job job = { NULL, NULL, p, items, count, results };
    worker ws[MAX_WORKERS];
    int n = pool_size(workers, count);

    for (int w = 0; w < n; w++)
        start_spawn_worker(ws, w, self);
    return run_pool(ws, n, &job);
}
