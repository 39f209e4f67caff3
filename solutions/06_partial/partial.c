/*
 * partial.c — chapitre 06 : donner un second argument à la fonction d'un
 * pool de processus (l'équivalent C de functools.partial), puis comprendre
 * pourquoi le notebook du cours a échoué en mode « spawn ».
 *
 * Ce que montre ce programme : le pool (une copie de celui du chapitre 05)
 * ne sait appeler qu'une forme de fonction, fn(contexte, élément). Or
 * cpu_bound(number, number2) en prend deux. On « lie » donc number2 à
 * l'avance dans une petite structure, le partial, que le pool transmet sans
 * la comprendre. Avec fork(), l'enfant est une copie du parent : le pointeur
 * de fonction et le partial y restent valables. Avec --spawn, chaque
 * travailleur est un programme neuf (posix_spawn, c'est-à-dire fork + exec) :
 * rien de la mémoire du parent ne le suit, seul du texte traverse le tube,
 * et la fonction doit donc être retrouvée par son NOM, dans un registre.
 * C'est ce que fait pickle en Python, et c'est ce qui a cassé le notebook.
 *
 * Construire et lancer :
 *     make run EXO=06                      (votre version, td6/)
 *     make run EXO=06 SRC=solutions        (la solution)
 *     build/solutions/06_partial/partial [-j TRAVAILLEURS] [-k NUMBER2]
 *                                        [--spawn] [--lambda] [N...]
 *
 * À observer : une ligne « cpu_bound(N, NUMBER2) = somme » par nombre, dans
 * l'ordre donné, puis « Duration ... seconds ». Sans argument : les 20
 * nombres du cours, multipliés par 10 (C est environ 40 fois plus rapide
 * que Python), soit 1 à 2 s sur un cœur, à peu près la moitié avec -j 2.
 * « --lambda » remplace cpu_bound par une fonction qui n'est pas dans le
 * registre : cela marche avec fork, et échoue avec --spawn, par un message
 * clair au lieu des traces Python du notebook.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "commun.h"

/* Un entier de 128 bits, sans signe : Σ i² dépasse 2^64 dès 5 000 000. */
typedef unsigned __int128 u128;

#define DEFAULT_NUMBER2 10          /* la valeur du cours : partial(cpu_bound, number2=10) */
#define DEFAULT_BASE 50000000L      /* le cours : 5 000 000 ; ×10 pour C */
#define DEFAULT_COUNT 20
#define MAX_NUMBER 10000000000L     /* 10^10 : la somme reste loin de 2^128 */
#define MAX_NUMBER2 1000000000L
#define MAX_WORKERS 64
#define WORKER_FLAG "--travailleur" /* le mode « travailleur » du même programme */

/* ---- Le calcul ------------------------------------------------------------ */

/* La fonction du cours, avec son second argument : la somme des
 * i * i + number2 pour i de 0 à number - 1, exacte sur 128 bits. */
static u128 cpu_bound(long number, long number2)
{
    u128 total = 0;

    for (long i = 0; i < number; i++) {
        /* Barrière vide : aucune instruction, mais le compilateur doit
         * supposer que i a pu changer ici. Sans elle, clang -O2 remplace la
         * boucle par la formule n(n-1)(2n-1)/6 + n*number2 : plus rien à
         * calculer, donc plus rien à paralléliser. */
        __asm__ volatile("" : "+r"(i));
        /* Ajouter number2 à chaque terme, comme le cours : i * i + number2. */
        total += (u128)i * (u128)i + (u128)number2;
    }
    return total;
}

/* Notre « lambda ». C n'a pas de fonction anonyme : celle-ci en tient le
 * rôle. Elle existe dans le programme, mais n'est publiée sous aucun nom
 * dans le registre (plus bas). Avec fork, peu importe : l'enfant reçoit son
 * adresse, valable chez lui. Avec spawn, seul un nom traverse. */
static u128 lambda_cpu_bound(long number, long number2)
{
    return cpu_bound(number, number2);
}

/* ---- Le partial ----------------------------------------------------------- */

/* Une fonction de calcul à deux arguments, comme cpu_bound. */
typedef u128 (*cpu_fn)(long number, long number2);

/* La seule forme de fonction que le pool sait appeler : fn(ctx, élément).
 * C'est pool.map(fn, numbers) de Python, plus le contexte `ctx` qu'une
 * fonction C doit recevoir explicitement (elle ne « capture » rien). */
typedef u128 (*pool_fn)(const void *ctx, long item);

/* L'équivalent de functools.partial(cpu_bound, number2=10) : la fonction et
 * la valeur de son second argument, liée une fois pour toutes. PARTAGÉ : le
 * même partial sert à tous les éléments ; chaque appel le lit, aucun ne
 * l'écrit (d'où le const de partial_call). */
typedef struct {
    cpu_fn fn;          /* la fonction à appeler (mode fork : son adresse suffit) */
    const char *name;   /* son nom (mode spawn : seul lui traverse exec) */
    long number2;       /* l'argument lié */
} partial;

/* Appelle la fonction liée : partial_call(&p, n) vaut p.fn(n, p.number2).
 * Elle a la forme pool_fn : le pool l'appelle sans rien savoir de cpu_bound
 * ni de number2. */
static u128 partial_call(const void *ctx, long number)
{
    const partial *p = ctx;

    /* Appeler la fonction liée avec l'élément ET l'argument lié. */
    return p->fn(number, p->number2);
}

/* ---- Le registre : retrouver une fonction par son nom ---------------------- */

/* Ce qu'un programme neuf sait retrouver par un nom : l'équivalent des
 * fonctions définies au niveau d'un module Python, que pickle désigne par
 * « module.nom » et que le travailleur réimporte. lambda_cpu_bound n'y est
 * pas, exprès. */
static const struct {
    const char *name;
    cpu_fn fn;
} registry[] = {
    { "cpu_bound", cpu_bound },
};

/* La fonction publiée sous `name`, ou NULL. */
static cpu_fn registry_lookup(const char *name)
{
    /* Retrouver la fonction par son nom, comme pickle retrouve module.nom. */
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (strcmp(registry[i].name, name) == 0)
            return registry[i].fn;
    return NULL;
}

/* ---- Petits outils pour les tubes ----------------------------------------- */

/* Écrit tout `buf` (write peut en écrire moins). 0 si tout est parti. */
static int write_all(int fd, const char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

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

    return write_all(fd, line, (size_t)len);
}

/* Envoie « <indice> ERREUR <message> » au parent. */
static void reply_error(int fd, size_t index, const char *message)
{
    char line[512];
    int len = snprintf(line, sizeof line, "%zu ERREUR %s\n", index, message);

    if (len > 0 && (size_t)len >= sizeof line)
        len = (int)sizeof line - 1;
    (void)write_all(fd, line, (size_t)len);  /* le parent est peut-être déjà parti */
}

/* ---- Les travailleurs, côté enfant ---------------------------------------- */

/* Ce que le pool doit calculer. Selon le mode, seule une partie sert. */
typedef struct {
    pool_fn fn;            /* mode fork : la fonction générique...        */
    const void *ctx;       /* ... et son contexte (le partial), hérités    */
    const partial *named;  /* mode spawn : le partial, à écrire en texte  */
    const long *items;     /* les nombres, dans l'ordre donné             */
    size_t count;
    u128 *results;         /* results[i] : le résultat de items[i]        */
} pool_job;

/* Boucle d'un travailleur créé par fork. Il a hérité d'une copie de tout :
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

/* Mode « partial --travailleur » : un programme neuf, lancé par le parent
 * avec posix_spawn. Il n'a rien hérité de la mémoire du parent : chaque
 * demande arrive en texte sur l'entrée standard,
 *     <indice> <nom de la fonction> <number> <number2>
 * et la réponse repart sur la sortie standard. C'est ce que fait un
 * travailleur Python en mode spawn, avec pickle au lieu de texte. */
static int worker_main(void)
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
        fn = registry_lookup(name);
        if (fn == NULL) {
            snprintf(message, sizeof message, "fonction « %s » introuvable : ce programme neuf "
                     "ne connaît que les fonctions publiées dans son registre, par leur nom "
                     "(Python dirait : Can't get attribute '%s' on <module '__main__'>)",
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

/* Un travailleur vu du parent. */
typedef struct {
    pid_t pid;
    int to;      /* tube parent → travailleur : les demandes (-1 une fois fermé) */
    int from;    /* tube travailleur → parent : les réponses */
    long busy;   /* indice de l'élément en cours de calcul, -1 si aucun */
} worker;

/* Démarre le travailleur w par fork. L'enfant est une copie du parent,
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
         * ceux des travailleurs précédents. Un tube n'annonce sa fin que
         * quand TOUTES les copies de son bout d'écriture sont fermées : si
         * cet enfant en gardait une, le travailleur v attendrait, après la
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
    close(to[0]);
    close(from[1]);
    ws[w] = (worker){ pid, to[1], from[0], -1 };
}

/* Démarre le travailleur w comme un programme neuf : posix_spawn fait
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
     * que dup2 installe comme entrée et sortie standard du travailleur.
     * Ainsi aucun travailleur ne garde les tubes des autres. */
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
        td6_die(__FILE__, __LINE__, "posix_spawn (lancement d'un travailleur)", rc);
    close(to[0]);
    close(from[1]);
    ws[w] = (worker){ pid, to[1], from[0], -1 };
}

/* Donne au travailleur l'élément suivant, ou ferme son tube de demandes
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
    if (write_all(wk->to, line, (size_t)len) != 0) {
        fprintf(stderr, "partial : le travailleur %d ne lit plus ses demandes (%s)\n",
                (int)wk->pid, strerror(errno));
        return -1;
    }
    return 0;
}

/* Lit la réponse du travailleur et range le résultat à sa place.
 * 0 si tout va bien, -1 (après un message) sinon. */
static int receive(worker *wk, const pool_job *job)
{
    char line[512];
    size_t index;
    char *rest;

    if (read_line(wk->from, line, sizeof line) <= 0) {
        fprintf(stderr, "partial : le travailleur %d s'est arrêté sans rendre le résultat "
                "de l'élément %ld\n", (int)wk->pid, job->items[wk->busy]);
        return -1;
    }
    index = strtoul(line, &rest, 10);
    if (strncmp(rest, " ERREUR ", 8) == 0) {
        fprintf(stderr, "partial : le travailleur %d a échoué : %s\n", (int)wk->pid, rest + 8);
        return -1;
    }
    if (*rest != ' ' || (long)index != wk->busy ||
        parse_u128(rest + 1, &job->results[index]) != 0) {
        fprintf(stderr, "partial : réponse incompréhensible du travailleur %d : « %s »\n",
                (int)wk->pid, line);
        return -1;
    }
    wk->busy = -1;
    return 0;
}

/* Ferme les tubes et attend chaque travailleur : pas de zombie. Après un
 * échec, ceux qui calculent encore sont arrêtés (SIGTERM) : on n'attend
 * pas la fin d'un travail devenu inutile. */
static int stop_workers(worker *ws, int n, int failed)
{
    for (int w = 0; w < n; w++) {
        if (ws[w].to >= 0)
            Close(ws[w].to);   /* fin du tube : le travailleur s'arrête */
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
            fprintf(stderr, "partial : le travailleur %d a fini en erreur\n", (int)ws[w].pid);
            failed = 1;
        }
    }
    return failed ? -1 : 0;
}

/* Distribution dynamique : chaque travailleur reçoit un élément ; dès qu'il
 * rend son résultat, il reçoit le suivant. Un travailleur rapide en traite
 * donc plus qu'un lent (pool.map de Python fait de même, par paquets). */
static int run_pool(worker *ws, int n, const pool_job *job)
{
    size_t next = 0, done = 0;
    int failed = 0;

    for (int w = 0; w < n && !failed; w++)
        failed = hand_out(&ws[w], job, &next) != 0;
    while (done < job->count && !failed) {
        struct pollfd fds[MAX_WORKERS];

        /* Attendre qu'au moins un travailleur occupé ait répondu. */
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

/* Autant de travailleurs que demandé, mais pas plus que d'éléments. */
static int pool_size(int workers, size_t count)
{
    return (size_t)workers < count ? workers : (int)count;
}

/* Le pool du chapitre 05 : results[i] = fn(ctx, items[i]), calculés par
 * `workers` processus créés par fork. 0 si tout est calculé. */
static int pool_map(pool_fn fn, const void *ctx, const long *items, size_t count,
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
static int spawn_pool_map(const char *self, const partial *p, const long *items, size_t count,
                          u128 *results, int workers)
{
    pool_job job = { NULL, NULL, p, items, count, results };
    worker ws[MAX_WORKERS];
    int n = pool_size(workers, count);

    for (int w = 0; w < n; w++)
        start_spawn_worker(ws, w, self);
    return run_pool(ws, n, &job);
}

/* ---- Le programme ---------------------------------------------------------- */

typedef struct {
    const char *self;   /* argv[0] : pour se relancer en travailleur */
    int workers;
    long number2;
    int spawn;          /* --spawn : des programmes neufs au lieu de fork */
    int lambda;         /* --lambda : une fonction absente du registre */
    long *numbers;
    size_t count;
} options;

static void usage(const char *prog)
{
    fprintf(stderr, "%s : option inconnue ou sans sa valeur\n"
            "usage : %s [-j TRAVAILLEURS] [-k NUMBER2] [--spawn] [--lambda] [N...]\n",
            prog, prog);
    exit(2);
}

/* Lit un entier de 0 à max (td6_parse_count commence à 1). */
static long parse_number2(const char *prog, const char *text)
{
    char *end = NULL;
    long value;

    errno = 0;
    value = strtol(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > MAX_NUMBER2) {
        fprintf(stderr, "%s : -k attend un entier entre 0 et %ld, pas « %s »\n", prog,
                MAX_NUMBER2, text);
        exit(2);
    }
    return value;
}

static void parse_options(int argc, char **argv, options *opt)
{
    static const struct option longs[] = {
        { "spawn", no_argument, NULL, 's' },
        { "lambda", no_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int c;

    opterr = 0;   /* les messages de getopt sont en anglais : usage() les remplace */
    *opt = (options){ argv[0], cores < 1 ? 1 : cores > MAX_WORKERS ? MAX_WORKERS : (int)cores,
                      DEFAULT_NUMBER2, 0, 0, NULL, 0 };
    while ((c = getopt_long(argc, argv, "j:k:", longs, NULL)) != -1) {
        switch (c) {
        case 'j': opt->workers = (int)td6_parse_count(argv[0], "-j", optarg, MAX_WORKERS); break;
        case 'k': opt->number2 = parse_number2(argv[0], optarg); break;
        case 's': opt->spawn = 1; break;
        case 'l': opt->lambda = 1; break;
        default: usage(argv[0]);
        }
    }
    /* Sans nombre : ceux du cours, [5 000 000 + x for x in range(20)], ×10. */
    opt->count = optind < argc ? (size_t)(argc - optind) : DEFAULT_COUNT;
    opt->numbers = Calloc(opt->count, sizeof *opt->numbers);
    for (size_t i = 0; i < opt->count; i++)
        opt->numbers[i] = optind < argc
            ? td6_parse_count(argv[0], "N", argv[optind + (int)i], MAX_NUMBER)
            : DEFAULT_BASE + (long)i;
}

/* Calcule cpu_bound(n, number2) pour chaque nombre, avec le pool choisi. */
static int find_sums(const options *opt, u128 *results)
{
    cpu_fn fn = opt->lambda ? lambda_cpu_bound : cpu_bound;
    const char *name = opt->lambda ? "<lambda>" : "cpu_bound";

    /* Lier number2 à la fonction : c'est partial(cpu_bound, number2=k). */
    partial p = { fn, name, opt->number2 };

    if (opt->spawn)
        return spawn_pool_map(opt->self, &p, opt->numbers, opt->count, results, opt->workers);
    return pool_map(partial_call, &p, opt->numbers, opt->count, results, opt->workers);
}

static void print_results(const options *opt, const u128 *results)
{
    char digits[TD6_U128_LEN];

    for (size_t i = 0; i < opt->count; i++)
        printf("cpu_bound(%ld, %ld) = %s\n", opt->numbers[i], opt->number2,
               td6_u128_to_string(results[i], digits));
}

int main(int argc, char **argv)
{
    options opt;
    u128 *results;
    double start, duration;
    int rc;

    /* Relancé par le pool en mode spawn : on ne fait que le travailleur. */
    if (argc == 2 && strcmp(argv[1], WORKER_FLAG) == 0)
        return worker_main();
    parse_options(argc, argv, &opt);
    /* Écrire dans le tube d'un travailleur mort doit donner une erreur
     * (EPIPE) que l'on signale, pas tuer le parent en silence. */
    signal(SIGPIPE, SIG_IGN);
    results = Calloc(opt.count, sizeof *results);
    start = td6_now();
    rc = find_sums(&opt, results);
    duration = td6_now() - start;
    if (rc == 0) {
        print_results(&opt, results);
        printf("Duration %.3f seconds\n", duration);
    }
    free(results);
    free(opt.numbers);
    return rc == 0 ? 0 : 1;
}
