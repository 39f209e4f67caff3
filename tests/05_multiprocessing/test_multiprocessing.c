/*
 * Tests du chapitre 05 : cpu_sequentiel, multiproc et cpu_threads,
 * tous trois « PROG [-j OUVRIERS] [N...] ».
 *
 * On juge :
 *   - les résultats par valeurs exactes, comparées à la formule fermée
 *     n(n-1)(2n-1)/6 (calculée ici sur 128 bits), pour 0, 1, 2, des n
 *     ordinaires et des n dont la somme dépasse 2^64 ;
 *   - l'ordre des lignes : celui de la liste, jamais celui d'arrivée (le
 *     premier nombre est bien plus gros que les suivants, il finit dernier) ;
 *   - qui a calculé, par la trace : avec TD6_TRACE=<fichier>, chaque calcul
 *     ajoute une ligne « <pid> <tid> calcul <début> <fin> cpu_bound(N) ».
 *     multiproc -j 2 : exactement 2 PID d'ouvriers, tous différents de
 *     celui du programme ; cpu_threads -j 2 : un seul PID (le programme),
 *     2 TID ;
 *   - les processus restants : le test se déclare « subreaper »
 *     (PR_SET_CHILD_SUBREAPER) ; un enfant que le programme laisse derrière
 *     lui (zombie jamais attendu, ou encore vivant) lui est alors rattaché
 *     au lieu de partir vers init, et le harnais le compte à coup sûr
 *     (td6_result.zombies et leftover_count) ;
 *   - un ouvrier tué : le test tue lui-même (SIGKILL, depuis un thread qui
 *     lit /proc) l'ouvrier de multiproc qui calcule un élément énorme. Le
 *     programme doit le dire, rendre les autres résultats, finir avec un
 *     code non nul, et ne pas rester bloqué.
 * Jamais de chronomètre : les durées vont dans make bench EXO=05.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nombres.h"
#include "td6_test.h"

#define SEQ "cpu_sequentiel"
#define PROC "multiproc"
#define THREADS "cpu_threads"

/* Le premier est bien plus long que les autres : calculé en parallèle, il
 * arrive en dernier. */
static const long ORDER[] = { 100000000, 1, 2, 3, 4, 5 };
#define N_ORDER (sizeof ORDER / sizeof ORDER[0])

static const long SMALL[] = { 1000, 2000, 3000, 4000, 5000, 6000 };
#define N_SMALL (sizeof SMALL / sizeof SMALL[0])
/* Pour le test de l'ouvrier tué : SMALL, mais l'élément d'indice 2 est
 * énorme (10^10, la borne : des secondes de calcul). Lui seul fait tourner
 * un ouvrier plus de 0,2 s : c'est celui-là que le test tue. */
#define KILLED_INDEX 2
#define HUGE_NUMBER 10000000000L
#define KILL_AFTER_S 5       /* 1/5 de seconde de processeur */

/* ---- Outils ------------------------------------------------------------- */

/* Lance `prog` [-j jobs] numbers... ; jobs = 0 : sans -j. */
static td6_result run_numbers(const char *prog, int jobs, const long *numbers, size_t count,
                              const char *const *env, double timeout_s)
{
    static char texts[16][32];
    const char *args[20];
    size_t k = 0;

    if (jobs > 0) {
        snprintf(texts[15], sizeof texts[15], "%d", jobs);
        args[k++] = "-j";
        args[k++] = texts[15];
    }
    for (size_t i = 0; i < count && i < 15; i++) {
        snprintf(texts[i], sizeof texts[i], "%ld", numbers[i]);
        args[k++] = texts[i];
    }
    args[k] = NULL;
    td6_result r = td6_run(prog, args, env, timeout_s);

    /* multiproc bloqué ou en vrac, et soit plus de processus que le
     * programme et ses -j ouvriers, soit « Duration » déjà affiché : un
     * enfant est sorti de sa fonction d'ouvrier sans _exit et a continué le
     * code du parent (il crée des ouvriers à son tour, affiche des
     * résultats, attend ce qui ne viendra pas...). Cause plus probable que
     * l'interblocage générique du harnais. */
    if (strcmp(prog, PROC) == 0 && jobs > 0 &&
        (r.processes > jobs + 1 || strstr(r.out, "Duration ") != NULL) &&
        (r.timed_out || r.too_many_processes || r.leftovers || !r.exited))
        ck_abort_msg("multiproc -j %d : jusqu'à %d processus vus en même temps (le programme "
                     "et %d ouvriers attendus), « Duration » %s, et le programme %s. Un "
                     "ouvrier qui finit son travail sans appeler _exit() revient dans le code "
                     "du parent : il crée des ouvriers à son tour, affiche des résultats, "
                     "attend ce qui ne viendra pas... Terminez la branche de l'enfant (fork() "
                     "a rendu 0) par _exit(). (Sinon : un ouvrier jamais arrêté, dont le tube "
                     "des tâches n'a pas été fermé, que le parent attend avec waitpid.)", jobs,
                     r.processes, jobs,
                     strstr(r.out, "Duration ") != NULL ? "déjà affiché" : "pas affiché",
                     r.timed_out ? "ne s'est pas terminé"
                     : r.too_many_processes ? "a lancé trop de processus"
                     : r.leftovers ? "a laissé des processus derrière lui" : "a planté");
    return r;
}

/* Vérifie la sortie : une ligne « cpu_bound(N) = somme » par nombre de
 * `numbers`, dans cet ordre, puis « Duration <s> seconds ». */
static void check_output(const char *prog, const td6_result *r, const long *numbers,
                         size_t count, const char *hint)
{
    char **lines;
    size_t n = td6_lines(r->out, &lines);
    char expected[96];

    ck_assert_msg(n == count + 1,
                  "%s : %zu lignes attendues (une « cpu_bound(N) = somme » par nombre, puis "
                  "« Duration <s> seconds »), %zu lues. Sortie : « %.400s »%s%s", prog,
                  count + 1, n, r->out, *hint ? "\n" : "", hint);
    for (size_t i = 0; i < count; i++) {
        unsigned __int128 sum = td6_cpu_bound_line(numbers[i], expected, sizeof expected);
        bool beyond_64 = (sum >> 64) != 0;
        long seen_n = -1;

        if (strcmp(lines[i], expected) == 0)
            continue;
        /* D'abord le N de la ligne : une ligne pour un autre nombre est une
         * erreur d'ordre (ou une ligne en trop/en moins), pas un débordement. */
        if (sscanf(lines[i], "cpu_bound(%ld)", &seen_n) == 1 && seen_n != numbers[i])
            ck_abort_msg("%s, ligne %zu : attendu « %s », lu « %s » : cette ligne parle d'un "
                         "autre nombre que le %zue de la liste. %s", prog, i + 1, expected,
                         lines[i], i + 1, *hint ? hint : "Une ligne par nombre, dans l'ordre "
                         "de la liste.");
        /* La somme d'un autre nombre de la liste, en face de celui-ci : un
         * résultat rangé à la mauvaise case (dans l'ordre d'arrivée, par
         * exemple), pas un débordement. */
        for (size_t k = 0; k < count; k++) {
            char other[96], other_value[48];
            unsigned __int128 other_sum = td6_sum_squares(numbers[k]);

            snprintf(other, sizeof other, "cpu_bound(%ld) = %s", numbers[i],
                     td6_u128_text(other_sum, other_value));
            if (other_sum != sum && strcmp(lines[i], other) == 0)
                ck_abort_msg("%s, ligne %zu : attendu « %s », lu « %s » : cette somme est "
                             "celle de cpu_bound(%ld), le %zue nombre de la liste. Le "
                             "résultat a été rangé dans la case d'un autre élément (la "
                             "prochaine case libre, l'ordre d'arrivée ?) : rangez chaque "
                             "résultat dans la case de SON indice.", prog, i + 1, expected,
                             lines[i], numbers[k], k + 1);
        }
        ck_abort_msg("%s, ligne %zu : attendu « %s », lu « %s ».%s%s", prog, i + 1, expected,
                     lines[i], seen_n == numbers[i] && beyond_64 ? " " : (*hint ? " " : ""),
                     seen_n == numbers[i] && beyond_64
                         ? "Cette somme dépasse 2^64 : un uint64_t déborde (il repart de 0 sans "
                           "prévenir). Il faut un unsigned __int128, et le carré calculé sur "
                           "128 bits lui aussi : i * i sur des long déborde dès "
                           "i = 3 037 000 500."
                         : hint);
    }
    ck_assert_msg(td6_duration_line(lines[count]),
                  "%s : dernière ligne attendue « Duration <secondes> seconds », lue « %s ».",
                  prog, lines[count]);
    td6_lines_free(lines, n);
}

/* ---- La trace (TD6_TRACE) ---------------------------------------------- */


typedef struct {
    long pid, tid;
    long number;   /* le N de « cpu_bound(N) » */
    double begin, end;   /* début et fin du calcul (horloge de la trace) */
} trace_line;

/* Lit les lignes « calcul » de la trace (au plus `max`). */
static size_t read_trace(trace_line *out, size_t max)
{
    FILE *f = td6_open_trace();
    char line[512];
    size_t n = 0;

    while (n < max && fgets(line, sizeof line, f) != NULL) {
        trace_line t;
        char state[32];
        double begin, end;

        if (sscanf(line, "%ld %ld %31s %lf %lf cpu_bound(%ld)", &t.pid, &t.tid, state, &begin,
                   &end, &t.number) == 6 && strcmp(state, "calcul") == 0) {
            t.begin = begin;
            t.end = end;
            out[n++] = t;
        }
    }
    fclose(f);
    return n;
}

/* Nombre de valeurs distinctes parmi values[0..n-1]. */
static size_t distinct(const long *values, size_t n)
{
    size_t d = 0;

    for (size_t i = 0; i < n; i++) {
        size_t j = 0;

        while (j < i && values[j] != values[i])
            j++;
        d += (j == i);
    }
    return d;
}

/* Chaque nombre de la liste apparaît une fois et une seule dans la trace. */
static void check_trace_items(const char *prog, const trace_line *t, size_t n,
                              const long *numbers, size_t count)
{
    ck_assert_msg(n == count,
                  "%s : la trace ($TD6_TRACE) contient %zu calculs, %zu attendus (un par "
                  "nombre). Chaque calcul doit être noté par td6_trace(\"calcul\", ...), une "
                  "seule fois.", prog, n, count);
    for (size_t i = 0; i < count; i++) {
        size_t seen = 0;

        for (size_t k = 0; k < n; k++)
            seen += (t[k].number == numbers[i]);
        ck_assert_msg(seen == 1, "%s : cpu_bound(%ld) apparaît %zu fois dans la trace au lieu "
                      "d'une : chaque élément doit être calculé une fois, par un seul ouvrier.",
                      prog, numbers[i], seen);
    }
}

/* Lance `prog -j jobs` sur SPREAD avec la trace ; vérifie sa sortie, et
 * que la trace compte un calcul par nombre. Les lignes de la trace vont
 * dans t (64 au plus), leur nombre dans *n. Renvoie le résultat (fini, à
 * libérer). */
static td6_result run_spread_traced(const char *prog, int jobs, trace_line *t, size_t *n)
{
    const char *env[] = { td6_new_trace(), NULL };
    td6_result r = run_numbers(prog, jobs, SPREAD, N_SPREAD, env, 30);

    td6_require_finished(&r, prog);
    check_output(prog, &r, SPREAD, N_SPREAD, "");
    *n = read_trace(t, 64);
    check_trace_items(prog, t, *n, SPREAD, N_SPREAD);
    return r;
}

/* ---- Processus laissés derrière ---------------------------------------- */

/* ---- Résultats exacts -------------------------------------------------- */

static void exact_for(const char *prog, int jobs)
{
    td6_result r = run_numbers(prog, jobs, EXACT, N_EXACT, NULL, 30);

    td6_require_finished(&r, prog);
    check_output(prog, &r, EXACT, N_EXACT,
                 "Comparez avec la formule n(n-1)(2n-1)/6 : la boucle va de 0 à n - 1 inclus.");
    ck_assert_msg(r.status == 0, "%s : code de sortie 0 attendu, lu %d. stderr : « %.300s »",
                  prog, r.status, r.err);
    td6_result_free(&r);
}

TD6_TEST(sequentiel_exact, 40, "cpu_sequentiel : sommes exactes, y compris au-delà de 2^64")
{
    exact_for(SEQ, 0);
}

TD6_TEST(multiproc_exact, 40, "multiproc -j 2 : sommes exactes, y compris au-delà de 2^64")
{
    exact_for(PROC, 2);
}

TD6_TEST(threads_exact, 40, "cpu_threads -j 2 : sommes exactes, y compris au-delà de 2^64")
{
    exact_for(THREADS, 2);
}

/* ---- Ordre de la liste ------------------------------------------------- */

static void order_for(const char *prog)
{
    td6_result r = run_numbers(prog, 2, ORDER, N_ORDER, NULL, 30);

    td6_require_finished(&r, prog);
    check_output(prog, &r, ORDER, N_ORDER,
                 "Les résultats s'affichent dans l'ordre de la liste, comme le rend "
                 "pool.map, pas dans l'ordre où les calculs se terminent : rangez chaque "
                 "résultat à son indice, et n'affichez qu'une fois tout reçu.");
    td6_result_free(&r);
}

TD6_TEST(multiproc_ordre_entree, 40,
         "multiproc : résultats dans l'ordre de la liste, pas d'arrivée")
{
    order_for(PROC);
}

TD6_TEST(threads_ordre_entree, 40,
         "cpu_threads : résultats dans l'ordre de la liste, pas d'arrivée")
{
    order_for(THREADS);
}

/* ---- Qui a calculé ? ---------------------------------------------------- */

/* Lance multiproc avec la trace ; renvoie les PID distincts des ouvriers
 * (différents de celui du programme) dans *workers. */
static void traced_processes(int jobs, size_t *workers, size_t *in_parent)
{
    trace_line t[64];
    long pids[64];
    size_t n, k = 0;
    td6_result r = run_spread_traced(PROC, jobs, t, &n);

    *in_parent = 0;
    for (size_t i = 0; i < n; i++) {
        if (t[i].pid == (long)r.pid)
            (*in_parent)++;
        else
            pids[k++] = t[i].pid;
    }
    *workers = distinct(pids, k);
    td6_result_free(&r);
}

TD6_TEST(multiproc_plusieurs_processus, 70,
         "multiproc -j 2 : deux processus ouvriers calculent (-j 1 : un seul)")
{
    size_t workers, in_parent;

    traced_processes(2, &workers, &in_parent);
    ck_assert_msg(in_parent == 0,
                  "multiproc -j 2 : %zu calculs sur %zu ont été faits par le programme "
                  "lui-même (même PID que lui), pas par un processus ouvrier. Le calcul doit se "
                  "faire dans l'enfant, dans la branche où fork() a rendu 0.", in_parent,
                  N_SPREAD);
    ck_assert_msg(workers == 2,
                  "multiproc -j 2 : la trace montre %zu processus ouvriers différents, 2 "
                  "attendus. %s", workers,
                  workers < 2 ? "Créez autant d'ouvriers que demandé par -j, et donnez un "
                                "élément à chacun dès qu'il est libre."
                              : "Une piscine crée ses ouvriers UNE fois et leur distribue les "
                                "éléments ; elle ne crée pas un processus par élément.");
    traced_processes(1, &workers, &in_parent);
    ck_assert_msg(in_parent == 0 && workers == 1,
                  "multiproc -j 1 : un seul processus ouvrier attendu (et aucun calcul dans le "
                  "parent) ; la trace montre %zu ouvriers et %zu calculs dans le parent.",
                  workers, in_parent);
}

TD6_TEST(multiproc_ouvriers_par_defaut, 40, "multiproc sans -j : un ouvrier par cœur")
{
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    size_t cpus = online > 0 ? (size_t)online : 1;
    size_t most = cpus < N_SPREAD ? cpus : N_SPREAD, least = most < 2 ? most : 2;
    size_t workers, in_parent;

    traced_processes(0, &workers, &in_parent);
    ck_assert_msg(in_parent == 0 && workers >= least && workers <= most,
                  "multiproc sans -j : un ouvrier par cœur en ligne (%zu ici, "
                  "sysconf(_SC_NPROCESSORS_ONLN)) ; la trace montre %zu ouvriers "
                  "(attendu entre %zu et %zu) et %zu calculs dans le parent.", cpus, workers,
                  least, most, in_parent);
}

TD6_TEST(threads_plusieurs_threads, 40,
         "cpu_threads -j 2 : deux threads calculent, dans un seul processus")
{
    trace_line t[64];
    long tids[64];
    size_t n, other_pid = 0;
    td6_result r = run_spread_traced(THREADS, 2, t, &n);

    for (size_t i = 0; i < n; i++) {
        other_pid += (t[i].pid != (long)r.pid);
        tids[i] = t[i].tid;
    }
    ck_assert_msg(other_pid == 0,
                  "cpu_threads : %zu calculs ont été faits dans un autre processus que le "
                  "programme : ici, ce sont des threads (pthread_create), pas fork.", other_pid);
    ck_assert_msg(!(distinct(tids, n) == 1 && n > 0 && tids[0] == (long)r.pid),
                  "cpu_threads -j 2 : tous les calculs ont été faits par le thread principal "
                  "(son TID est le PID du programme) : aucun thread de la piscine n'a "
                  "travaillé. Lancez les threads avec pthread_create (fonction worker_main).");
    ck_assert_msg(distinct(tids, n) == 2,
                  "cpu_threads -j 2 : la trace montre %zu threads différents (TID), 2 "
                  "attendus. Lancez tous les threads avant d'en attendre un seul "
                  "(pthread_join) : créer puis attendre aussitôt chaque thread revient à "
                  "calculer l'un après l'autre.", distinct(tids, n));
    td6_result_free(&r);
}

/* ---- Des calculs en même temps ----------------------------------------- */

/* Vrai si au moins deux calculs de la trace se sont chevauchés : l'un a
 * commencé avant que l'autre ne finisse. Ce n'est pas un chronomètre : même
 * sur une machine très chargée, deux ouvriers qui calculent vraiment en
 * parallèle (ou en alternance sur un seul cœur) ont des intervalles qui se
 * recouvrent ; deux calculs faits l'un après l'autre (un verrou gardé pendant
 * le calcul, un ouvrier qui attend l'autre) ne se recouvrent jamais. */
static size_t overlapping_pairs(const trace_line *t, size_t n)
{
    size_t pairs = 0;

    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            pairs += (t[i].begin < t[k].end && t[k].begin < t[i].end);
    return pairs;
}

static void overlap_for(const char *prog, const char *cause)
{
    trace_line t[64];
    size_t n;
    td6_result r = run_spread_traced(prog, 2, t, &n);

    ck_assert_msg(overlapping_pairs(t, n) > 0,
                  "%s -j 2 : dans la trace, aucun calcul n'a commencé avant que le précédent "
                  "ne finisse : les %zu calculs ont été faits l'un après l'autre, jamais deux "
                  "à la fois. %s", prog, n, cause);
    td6_result_free(&r);
}

TD6_TEST(threads_chevauchement, 40,
         "cpu_threads -j 2 : deux calculs au moins se font en même temps (trace)")
{
    overlap_for(THREADS, "Le verrou de la piscine ne protège que la prise de l'élément "
                         "suivant (lire et avancer next) : le rendre AVANT de calculer, sinon "
                         "un seul thread travaille pendant que l'autre attend le verrou.");
}

TD6_TEST(multiproc_chevauchement, 40,
         "multiproc -j 2 : deux calculs au moins se font en même temps (trace)")
{
    overlap_for(PROC, "Le parent doit donner un élément à chaque ouvrier libre sans attendre "
                      "le résultat du précédent : tous les ouvriers calculent pendant qu'il "
                      "attend les résultats.");
}

/* ---- Le carré sur 128 bits ---------------------------------------------- */

/* 3 037 000 501 : le premier n pour lequel i * i (i = n - 1) dépasse le plus
 * grand long (2^63 - 1). Un carré calculé sur 64 bits signés déborde ici,
 * même si la somme est sur 128 bits. Un seul gros nombre : ~2 s de calcul. */
#define FIRST_SQUARE_OVERFLOW 3037000501L

TD6_TEST(sequentiel_carre_128_bits, 180,
         "cpu_sequentiel : carré exact au-delà de 2^63 (n = 3 037 000 501)")
{
    static const long big[] = { FIRST_SQUARE_OVERFLOW };
    td6_result r;

    /* ~2 s de calcul sans rien écrire : sur une machine très chargée (une
     * charge de 36 sur 2 cœurs a été vue), bien plus de 15 s de silence. Le
     * verdict ne doit pas en dépendre : silence toléré jusqu'au délai. */
    setenv("TD6_SILENCE_S", "170", 1);
    r = run_numbers(SEQ, 0, big, 1, NULL, 170);

    td6_require_finished(&r, SEQ);
    check_output(SEQ, &r, big, 1,
                 "Ici, c'est le carré i * i qui dépasse 2^63 : calculé sur des long (64 bits "
                 "signés), il déborde avant même d'être ajouté. Convertissez i en "
                 "unsigned __int128 avant de le multiplier.");
    td6_result_free(&r);
}

/* ---- Ni zombie, ni ouvrier perdu de vue -------------------------------- */

TD6_TEST(multiproc_sans_zombie, 40,
         "multiproc : chaque enfant est attendu, aucun ne survit au programme")
{
    static const char *const args[] = { "-j", "2", "1000", "2000", "3000", "4000", NULL };
    td6_result r = td6_run(PROC, args, NULL, 20);
    int orphans = r.zombies + r.leftover_count;

    /* Les restes vivants font déjà échouer td6_require_finished ; on juge
     * d'abord l'ensemble, avec le message propre à ce chapitre. */
    ck_assert_msg(orphans == 0,
                  "multiproc : %d processus enfant(s) existaient encore quand le programme "
                  "s'est terminé (%d zombie(s), %d encore vivant(s)) : des ouvriers finis "
                  "mais jamais attendus, ou des ouvriers encore en vie. Le parent doit "
                  "attendre chacun de ses enfants avec waitpid avant de finir : c'est waitpid "
                  "qui fait disparaître un enfant terminé de la table des processus.",
                  orphans, r.zombies, r.leftover_count);
    td6_require_finished(&r, PROC);
    ck_assert_msg(r.status == 0, "multiproc -j 2 1000 2000 3000 4000 : code de sortie 0 "
                  "attendu, lu %d.", r.status);
    td6_result_free(&r);
}

/* Le « tueur » : un thread du test qui guette dans /proc un descendant du
 * test qui a déjà consommé 0,2 s de processeur et qui porte le
 * même nom que son parent (un enfant de fork garde le nom de son parent ;
 * le programme lui-même, enfant du test, porte un autre nom que lui). Seul
 * l'ouvrier chargé de l'élément énorme calcule aussi longtemps : il est tué
 * de l'extérieur, comme par un `kill -9` lancé à la main. */
typedef struct {
    pid_t test;
    volatile bool stop;
    pid_t killed;   /* 0 : personne */
} killer;

/* ppid, temps processeur (tics) et nom de `pid`, lus dans /proc/pid/stat. */
static bool read_stat(pid_t pid, pid_t *ppid, unsigned long long *cpu, char *name, size_t size)
{
    char path[64], buf[512], *open_paren, *close_paren;
    unsigned long long utime = 0, stime = 0;
    int parent = 0, fd;
    ssize_t len;

    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    len = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (len <= 0)
        return false;
    buf[len] = '\0';
    open_paren = strchr(buf, '(');
    close_paren = strrchr(buf, ')');
    if (open_paren == NULL || close_paren == NULL ||
        sscanf(close_paren + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &parent,
               &utime, &stime) != 3)
        return false;
    snprintf(name, size, "%.*s", (int)(close_paren - open_paren - 1), open_paren + 1);
    *ppid = parent;
    *cpu = utime + stime;
    return true;
}

/* true si `pid` descend du processus `ancestor`. */
static bool descends_from(pid_t pid, pid_t ancestor)
{
    char name[64];
    unsigned long long cpu;

    for (int depth = 0; depth < 16 && pid > 1; depth++) {
        if (!read_stat(pid, &pid, &cpu, name, sizeof name))
            return false;
        if (pid == ancestor)
            return true;
    }
    return false;
}

static void *killer_main(void *arg)
{
    killer *k = arg;

    while (!k->stop) {
        DIR *d = opendir("/proc");
        struct dirent *e;

        while (d != NULL && (e = readdir(d)) != NULL && k->killed == 0) {
            pid_t pid = (pid_t)atoi(e->d_name), ppid, pppid;
            unsigned long long cpu, parent_cpu;
            char name[64], parent_name[64];

            if (pid <= 0 || !read_stat(pid, &ppid, &cpu, name, sizeof name) ||
                cpu < (unsigned long long)sysconf(_SC_CLK_TCK) / KILL_AFTER_S ||
                ppid == k->test ||
                !read_stat(ppid, &pppid, &parent_cpu, parent_name, sizeof parent_name) ||
                strcmp(name, parent_name) != 0 || !descends_from(pid, k->test))
                continue;
            kill(pid, SIGKILL);
            k->killed = pid;
        }
        if (d != NULL)
            closedir(d);
        if (k->killed != 0)
            break;
        usleep(20000);
    }
    return NULL;
}

TD6_TEST(multiproc_ouvrier_tue, 30,
         "multiproc : un ouvrier tué est signalé, les autres résultats rendus")
{
    char lost[48];
    long numbers[N_SMALL], survivors[N_SMALL];
    size_t k = 0;
    killer watch = { getpid(), false, 0 };
    pthread_t watcher;

    snprintf(lost, sizeof lost, "cpu_bound(%ld)", HUGE_NUMBER);
    for (size_t i = 0; i < N_SMALL; i++) {
        numbers[i] = i == KILLED_INDEX ? HUGE_NUMBER : SMALL[i];
        if (i != KILLED_INDEX)
            survivors[k++] = SMALL[i];
    }
    ck_assert_int_eq(pthread_create(&watcher, NULL, killer_main, &watch), 0);
    td6_result r = run_numbers(PROC, 2, numbers, N_SMALL, NULL, 20);
    watch.stop = true;
    pthread_join(watcher, NULL);

    ck_assert_msg(watch.killed != 0,
                  "multiproc -j 2 : aucun processus ouvrier n'a calculé %s (le test guettait, "
                  "pour le tuer, un enfant du programme qui calcule plus de 0,2 s). Le calcul "
                  "doit se faire dans un ouvrier, dans la branche où fork() a rendu 0. "
                  "stderr : « %.300s »", lost, r.err);
    ck_assert_msg(!r.timed_out,
                  "multiproc : un ouvrier tué (%s) et le programme ne finit pas. Quand un "
                  "ouvrier meurt, read sur son tube de résultats rend 0 (fin de fichier) : "
                  "il faut alors le récolter (waitpid), signaler l'élément perdu et continuer "
                  "avec les autres, au lieu d'attendre un résultat qui ne viendra jamais. "
                  "stderr : « %.300s »", lost, r.err);
    td6_require_finished(&r, PROC);
    ck_assert_msg(strstr(r.out, lost) == NULL,
                  "multiproc : %s est affiché alors que le test a tué (SIGKILL) l'ouvrier "
                  "chargé de ce calcul : d'où vient ce résultat ?", lost);
    check_output(PROC, &r, survivors, N_SMALL - 1,
                 "Un ouvrier a été tué sur l'élément d'indice 2 : les autres résultats "
                 "doivent quand même être rendus, dans l'ordre, sans ligne pour l'élément "
                 "perdu.");
    ck_assert_msg(strstr(r.err, lost) != NULL,
                  "multiproc : l'ouvrier chargé de %s a été tué (SIGKILL) ; stderr doit nommer "
                  "l'élément perdu (« %s »). stderr : « %.300s »", lost, lost, r.err);
    ck_assert_msg(r.status != 0,
                  "multiproc : un élément est perdu, le code de sortie doit être non nul (lu "
                  "%d).", r.status);
    ck_assert_msg(!r.leftovers,
                  "multiproc : %d processus ouvriers vivaient encore après la fin du programme "
                  "(le test les a tués) : chaque ouvrier doit être arrêté (fermer son tube des "
                  "tâches) puis attendu (waitpid).", r.leftover_count);
    td6_result_free(&r);
}

/* ---- Sous sanitizer ------------------------------------------------------ */

/* Les programmes compilés avec un sanitizer (make test les construit), sur
 * des nombres petits (le calcul instrumenté est bien plus lent) :
 * cpu_threads sous ThreadSanitizer (l'indice de la piscine lu ou écrit hors
 * du verrou, un résultat partagé...), multiproc sous AddressSanitizer + UBSan
 * (accès invalide, fuite, débordement d'entier signé). */
static void sanitized_for(const char *variable, const char *prog)
{
    static const long small[] = { 200000, 200001, 200002, 200003, 200004, 200005 };
    td6_result r;

    td6_use_sanitized(variable);
    r = run_numbers(prog, 2, small, 6, NULL, 60);
    td6_require_finished(&r, prog);
    check_output(prog, &r, small, 6, "");
    td6_result_free(&r);
}

TD6_TEST(tsan_cpu_threads, 90, "cpu_threads : ThreadSanitizer, aucune course de données")
{
    sanitized_for("TD6_BIN_TSAN", THREADS);
}

TD6_TEST(asan_multiproc, 90, "multiproc : AddressSanitizer + UBSan, ni accès invalide, ni fuite")
{
    sanitized_for("TD6_BIN_ASAN", PROC);
}

TD6_CLI_TESTS("cpu_sequentiel", "N -j 1 256");
TD6_CLI_TESTS("cpu_threads", "N -j 1 256");
TD6_CLI_TESTS("multiproc", "N -j 1 256");
