/*
 * Tests du chapitre 07 : repartition et maitre, lancés par
 * « mpiexec -n P PROG [N...] » (MPICH).
 *
 * On juge :
 *   - les résultats par valeurs exactes (formule fermée n(n-1)(2n-1)/6 sur
 *     128 bits), pour P = 1, 2, 3, 4 : 4 rangs sur 2 cœurs, c'est permis
 *     (mpiexec de MPICH lance autant de processus qu'on lui demande ; Open
 *     MPI, lui, voudrait --oversubscribe) ;
 *   - l'ordre des lignes : celui de la liste, pas celui d'arrivée ;
 *   - qui a calculé, par la trace : avec TD6_TRACE=<fichier>, chaque calcul
 *     ajoute une ligne « ... calcul <début> <fin> cpu_bound(N) rang R »
 *     (compute_traced, dans calcul.c), et chaque rang qui se termine une
 *     ligne « ... fin ... rang R MPI_Finalize » (ou « sans MPI_Finalize ») ;
 *   - l'équilibrage du maître, par des nombres inégaux : un très gros puis
 *     sept petits, avec deux ouvriers. Celui qui reçoit le gros calcule
 *     longtemps ; pendant ce temps l'autre doit recevoir tous les petits.
 *     Un partage fixe en donnerait quatre à chacun, quelle que soit la
 *     machine : le verdict d'un programme faux ne dépend pas du hasard.
 *     (On aurait pu ralentir un rang par une variable d'environnement,
 *     mais il aurait fallu une construction spéciale pour les tests ; les
 *     nombres inégaux sont aussi la vraie raison d'être d'un maître.)
 *   - un rang bloqué : le programme est arrêté par le délai du harnais, et
 *     le message nomme les rangs qui n'ont jamais fini (pas de ligne
 *     « fin » dans la trace) ;
 *   - rien ne reste après une erreur : le harnais compte les processus
 *     laissés (mpiexec, ses proxys, les rangs).
 * Jamais de chronomètre : les durées vont dans scripts/banc/07_distribue.sh.
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nombres.h"
#include "td6_test.h"

#define REP "repartition"
#define MAI "maitre"
#define MAX_RANKS 8

/* Le premier est bien plus long que les autres : il arrive en dernier. */
static const long ORDER[] = { 200000000, 1, 2, 3, 4, 5 };
#define N_ORDER (sizeof ORDER / sizeof ORDER[0])

/* Un gros (plusieurs dixièmes de seconde), puis sept petits (des
 * microsecondes) : voir l'en-tête. */
static const long UNEVEN[] = { 400000000, 1000, 1001, 1002, 1003, 1004, 1005, 1006 };
#define N_UNEVEN (sizeof UNEVEN / sizeof UNEVEN[0])

/* ---- Lancer par mpiexec ------------------------------------------------- */

/* Chemin absolu de mpiexec : $MPIEXEC, sinon cherché dans $PATH. */
static const char *mpiexec_path(void)
{
    static char found[1024];
    const char *env = getenv("MPIEXEC"), *path = getenv("PATH");

    if (env != NULL && *env != '\0')
        return env;
    for (const char *p = path != NULL ? path : "/usr/bin"; *p != '\0';) {
        size_t len = strcspn(p, ":");

        snprintf(found, sizeof found, "%.*s/mpiexec", (int)len, p);
        if (len > 0 && access(found, X_OK) == 0)
            return found;
        p += len + (p[len] == ':');
    }
    ck_abort_msg("mpiexec est introuvable : installez MPICH (make le fait, ou "
                 "« apt-get install mpich libmpich-dev »).");
    return NULL;
}


typedef struct {
    size_t tasks[MAX_RANKS];     /* calculs faits par chaque rang */
    long big_rank;               /* rang qui a calculé le premier nombre de la liste */
    bool finished[MAX_RANKS];    /* le rang a une ligne « fin » */
    bool in_finalize[MAX_RANKS]; /* le rang est entré dans MPI_Finalize */
    bool finalized[MAX_RANKS];   /* ... et il avait appelé MPI_Finalize */
    size_t count;                /* lignes « calcul » en tout */
    long numbers[64];            /* le N de chacune */
} trace_info;

static trace_info read_trace(long first_number)
{
    FILE *f = td6_open_trace();
    trace_info t;
    char line[512];

    memset(&t, 0, sizeof t);
    t.big_rank = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        char state[32], rest[128] = "";
        long pid, tid, number, rank;
        double begin, end;

        if (sscanf(line, "%ld %ld %31s %lf %lf %127[^\n]", &pid, &tid, state, &begin, &end,
                   rest) != 6)
            continue;
        if (strcmp(state, "calcul") == 0 &&
            sscanf(rest, "cpu_bound(%ld) rang %ld", &number, &rank) == 2 && rank >= 0 &&
            rank < MAX_RANKS) {
            t.tasks[rank]++;
            if (t.count < 64)
                t.numbers[t.count] = number;
            t.count++;
            if (number == first_number)
                t.big_rank = rank;
        } else if (strcmp(state, "fin") == 0 && sscanf(rest, "rang %ld", &rank) == 1 &&
                   rank >= 0 && rank < MAX_RANKS) {
            t.finished[rank] = true;
            t.finalized[rank] = strstr(rest, "sans MPI_Finalize") == NULL;
        } else if (strcmp(state, "finalize") == 0 && sscanf(rest, "rang %ld", &rank) == 1 &&
                   rank >= 0 && rank < MAX_RANKS) {
            t.in_finalize[rank] = true;
        }
    }
    fclose(f);
    return t;
}

/* « mpiexec -n P PROG numbers... » (ou `extra` à la place des nombres si
 * non NULL), avec une trace neuve. mpiexec passe par $TD6_WRAPPER, qui
 * préfixe la commande (et garde l'enveloppe de make valgrind, s'il y en a
 * une, entre mpiexec et le programme). */
static td6_result run_mpi(const char *prog, int ranks, const long *numbers, size_t count,
                          const char *const *extra)
{
    static char texts[20][32];
    static char wrapper[8192];
    /* UCX_MEM_EVENTS=no : UCX (le transport de MPICH) pose ses propres
     * crochets sur malloc et mmap ; sous ThreadSanitizer (make sanitize),
     * les deux se marchent dessus et chaque rang plante en sortant. Sans
     * ces crochets, rien ne change pour des processus d'une même machine. */
    const char *args[24], *env[] = { td6_new_trace(), "UCX_MEM_EVENTS=no", NULL };
    const char *inner = getenv("TD6_WRAPPER");
    size_t k = 0;

    snprintf(wrapper, sizeof wrapper, "%s -n %d%s%s", mpiexec_path(), ranks,
             inner != NULL && *inner != '\0' ? " " : "", inner != NULL ? inner : "");
    setenv("TD6_WRAPPER", wrapper, 1);
    if (extra != NULL) {
        while (extra[k] != NULL && k < 20) {
            args[k] = extra[k];
            k++;
        }
    } else {
        for (size_t i = 0; i < count && i < 20; i++) {
            snprintf(texts[i], sizeof texts[i], "%ld", numbers[i]);
            args[k++] = texts[i];
        }
    }
    args[k] = NULL;
    td6_result r = td6_run(prog, args, env, 30);

    if (inner != NULL)
        setenv("TD6_WRAPPER", inner, 1);
    else
        unsetenv("TD6_WRAPPER");
    return r;
}

/* Comme td6_require_finished, mais un programme bloqué est d'abord
 * expliqué rang par rang, d'après la trace : un rang sans ligne « fin »
 * ni « finalize » est bloqué dans le programme (il attend un message qui
 * ne vient pas) ; un rang entré dans MPI_Finalize sans en sortir attend
 * les autres. */
static void require_finished(const td6_result *r, const char *prog, int ranks)
{
    if (r->timed_out && !r->not_found) {
        trace_info t = read_trace(-1);
        char stuck[128] = "", waiting[128] = "";
        size_t len = 0, wlen = 0;

        for (int k = 0; k < ranks && k < MAX_RANKS; k++) {
            if (t.finished[k])
                continue;
            if (t.in_finalize[k])
                wlen += (size_t)snprintf(waiting + wlen, sizeof waiting - wlen, "%s%d",
                                         wlen ? ", " : "", k);
            else
                len += (size_t)snprintf(stuck + len, sizeof stuck - len, "%s%d",
                                        len ? ", " : "", k);
        }
        ck_abort_msg("mpiexec -n %d %s ne s'est pas terminé et a été arrêté. Bloqué(s) avant "
                     "MPI_Finalize : rang(s) %s%s%s%s. Un rang bloqué attend un message qui "
                     "ne vient pas : un ouvrier attend-il « stop » (TAG_STOP) que le maître "
                     "ne lui envoie jamais ? Chaque ouvrier doit le recevoir, une fois qu'il "
                     "n'y a plus de travail ; et une opération collective (MPI_Gatherv) doit "
                     "être appelée par TOUS les rangs. Sortie déjà affichée : « %.200s »",
                     ranks, prog, *stuck ? stuck : "(aucun repéré dans la trace)",
                     *waiting ? " ; entré(s) dans MPI_Finalize, à attendre les autres : " : "",
                     waiting, *waiting ? "" : "", r->out);
    }
    td6_require_finished(r, prog);
}

/* Une ligne « cpu_bound(N) = somme » par nombre, dans l'ordre, puis
 * « Duration <s> seconds » ; rien d'autre (seul le rang 0 affiche). */
static void check_output(const char *prog, int ranks, const td6_result *r,
                         const long *numbers, size_t count, const char *hint)
{
    char **lines;
    size_t n = td6_lines(r->out, &lines);
    char expected[96], value[48];

    ck_assert_msg(n == count + 1,
                  "mpiexec -n %d %s : %zu lignes attendues (une « cpu_bound(N) = somme » par "
                  "nombre, puis « Duration <s> seconds », écrites par le rang 0 seulement), "
                  "%zu lues. Sortie : « %.400s »%s%s", ranks, prog, count + 1, n, r->out,
                  n > count + 1 ? " — plusieurs rangs affichent-ils ? Seul le rang 0 doit "
                                  "le faire (if (rank == 0))." : "",
                  n < count + 1 ? " — le rang 0 a-t-il reçu tous les résultats ?" : "");
    for (size_t i = 0; i < count; i++) {
        unsigned __int128 sum = td6_cpu_bound_line(numbers[i], expected, sizeof expected);
        bool beyond_64 = (sum >> 64) != 0;
        char zero[96], low[96];

        snprintf(zero, sizeof zero, "cpu_bound(%ld) = 0", numbers[i]);
        snprintf(low, sizeof low, "cpu_bound(%ld) = %s", numbers[i],
                 td6_u128_text((uint64_t)sum, value));
        ck_assert_msg(strcmp(lines[i], expected) == 0,
                      "mpiexec -n %d %s, ligne %zu : attendu « %s », lu « %s ». %s", ranks,
                      prog, i + 1, expected, lines[i],
                      sum != 0 && strcmp(lines[i], zero) == 0
                          ? "Le rang 0 affiche 0 : ce résultat n'a pas été calculé, ou il "
                            "n'est jamais arrivé chez lui (par MPI_Gatherv ou MPI_Recv)."
                      : beyond_64 && strcmp(lines[i], low) == 0
                          ? "Ce sont les 64 bits bas de la somme : elle dépasse 2^64 et doit "
                            "voyager entière. MPI n'a pas de type 128 bits : envoyez deux "
                            "moitiés de 64 bits (MPI_UINT64_T, basse et haute) et "
                            "recollez-les chez le rang 0."
                          : hint);
    }
    ck_assert_msg(td6_duration_line(lines[count]),
                  "mpiexec -n %d %s : dernière ligne attendue « Duration <secondes> "
                  "seconds », lue « %s ».", ranks, prog, lines[count]);
    td6_lines_free(lines, n);
}

/* Chaque nombre est calculé une fois et une seule. */
static void check_each_once(const char *prog, int ranks, const trace_info *t,
                            const long *numbers, size_t count)
{
    ck_assert_msg(t->count == count,
                  "mpiexec -n %d %s : la trace compte %zu calculs, %zu attendus (un par "
                  "nombre). Chaque nombre doit être calculé une fois, par un seul rang.",
                  ranks, prog, t->count, count);
    for (size_t i = 0; i < count; i++) {
        size_t seen = 0;

        for (size_t k = 0; k < t->count && k < 64; k++)
            seen += t->numbers[k] == numbers[i];
        ck_assert_msg(seen == 1, "mpiexec -n %d %s : cpu_bound(%ld) calculé %zu fois au lieu "
                      "d'une : les parts des rangs se chevauchent, ou en oublient.", ranks,
                      prog, numbers[i], seen);
    }
}

/* ---- Résultats exacts, P = 1 à 4 ---------------------------------------- */

static void exact_for(const char *prog)
{
    for (int ranks = 1; ranks <= 4; ranks++) {
        td6_result r = run_mpi(prog, ranks, EXACT, N_EXACT, NULL);

        require_finished(&r, prog, ranks);
        check_output(prog, ranks, &r, EXACT, N_EXACT,
                     "Comparez avec la formule n(n-1)(2n-1)/6 ; chaque résultat doit "
                     "revenir au rang 0 à la place de son nombre.");
        ck_assert_msg(r.status == 0, "mpiexec -n %d %s : code de sortie 0 attendu, lu %d. "
                      "stderr : « %.300s »", ranks, prog, r.status, r.err);
        trace_info t = read_trace(-1);

        check_each_once(prog, ranks, &t, EXACT, N_EXACT);
        td6_result_free(&r);
    }
}

TD6_TEST(repartition_exact, 120,
         "repartition : sommes exactes sur 128 bits avec 1, 2, 3 et 4 rangs")
{
    exact_for(REP);
}

TD6_TEST(maitre_exact, 120, "maitre : sommes exactes sur 128 bits avec 1, 2, 3 et 4 rangs")
{
    exact_for(MAI);
}

/* ---- Ordre de la liste ------------------------------------------------- */

static void order_for(const char *prog)
{
    td6_result r = run_mpi(prog, 3, ORDER, N_ORDER, NULL);

    require_finished(&r, prog, 3);
    check_output(prog, 3, &r, ORDER, N_ORDER,
                 "Les résultats s'affichent dans l'ordre de la liste, pas dans l'ordre où "
                 "ils arrivent au rang 0 : rangez chaque somme à l'indice de son nombre "
                 "(l'ouvrier renvoie l'indice avec la somme), et n'affichez qu'une fois "
                 "tout reçu.");
    td6_result_free(&r);
}

TD6_TEST(repartition_ordre, 60, "repartition : résultats dans l'ordre de la liste")
{
    order_for(REP);
}

TD6_TEST(maitre_ordre, 60, "maitre : résultats dans l'ordre de la liste, pas d'arrivée")
{
    order_for(MAI);
}

/* ---- Qui a calculé ? ---------------------------------------------------- */

/* Avec 2, 3 puis 4 rangs : chaque rang à partir de `first` a calculé au
 * moins un nombre (repartition : tous, le 0 compris ; maitre : les
 * ouvriers, rangs 1 à P - 1). */
static void every_rank_works(const char *prog, int first, const char *who, const char *hint)
{
    for (int ranks = 2; ranks <= 4; ranks++) {
        td6_result r = run_mpi(prog, ranks, SPREAD, N_SPREAD, NULL);
        trace_info t;

        require_finished(&r, prog, ranks);
        check_output(prog, ranks, &r, SPREAD, N_SPREAD, "");
        t = read_trace(-1);
        check_each_once(prog, ranks, &t, SPREAD, N_SPREAD);
        for (int k = first; k < ranks; k++)
            ck_assert_msg(t.tasks[k] > 0,
                          "mpiexec -n %d %s : %s %d n'a rien calculé (calculs par rang, "
                          "d'après la trace : 0→%zu, 1→%zu, 2→%zu, 3→%zu). %s", ranks, prog,
                          who, k, t.tasks[0], t.tasks[1], t.tasks[2], t.tasks[3], hint);
        td6_result_free(&r);
    }
}

TD6_TEST(repartition_tous_les_rangs, 120, "repartition : chaque rang (0 compris) calcule sa part")
{
    every_rank_works(REP, 0, "le rang",
                     "Dans un partage fixe, chaque rang calcule SA part de la liste, d'après "
                     "son rang (MPI_Comm_rank) et le nombre de rangs (MPI_Comm_size) ; le "
                     "rang 0 aussi, puis il rassemble.");
}

TD6_TEST(maitre_tous_les_ouvriers, 120, "maitre : chaque ouvrier reçoit du travail")
{
    every_rank_works(MAI, 1, "l'ouvrier de rang",
                     "Le maître (rang 0) doit donner un premier nombre à chaque ouvrier "
                     "(rangs 1 à P - 1), puis le suivant à celui qui rend un résultat.");
}

/* ---- Le maître équilibre la charge ------------------------------------- */

TD6_TEST(maitre_equilibrage, 60,
         "maitre : l'ouvrier libre reçoit plus de travail que l'ouvrier occupé")
{
    td6_result r = run_mpi(MAI, 3, UNEVEN, N_UNEVEN, NULL);
    trace_info t;
    long other;

    require_finished(&r, MAI, 3);
    check_output(MAI, 3, &r, UNEVEN, N_UNEVEN, "");
    t = read_trace(UNEVEN[0]);
    check_each_once(MAI, 3, &t, UNEVEN, N_UNEVEN);
    ck_assert_msg(t.big_rank == 1 || t.big_rank == 2,
                  "mpiexec -n 3 maitre : cpu_bound(%ld) a été calculé par le rang %ld, "
                  "attendu un ouvrier (rang 1 ou 2) : le maître distribue, il ne calcule "
                  "pas (sauf s'il est seul, avec -n 1).", UNEVEN[0], t.big_rank);
    other = 3 - t.big_rank;
    ck_assert_msg(t.tasks[t.big_rank] <= 2 && t.tasks[other] >= N_UNEVEN - 2,
                  "mpiexec -n 3 maitre %ld 1000 ... 1006 : l'ouvrier %ld a reçu le gros "
                  "nombre et a fait %zu calculs en tout ; l'ouvrier %ld, libre pendant ce "
                  "temps, n'en a fait que %zu sur les %zu petits. Un maître donne le nombre "
                  "suivant à l'ouvrier qui vient de rendre un résultat (MPI_Recv avec "
                  "MPI_ANY_SOURCE, puis MPI_Send à status.MPI_SOURCE) : l'ouvrier rapide "
                  "revient plus souvent et reçoit plus de travail. Un partage fixe, lui, "
                  "donne la même part à chacun, même quand elles ne pèsent pas le même poids.",
                  UNEVEN[0], t.big_rank, t.tasks[t.big_rank], other, t.tasks[other],
                  N_UNEVEN - 1);
    td6_result_free(&r);
}

/* ---- Plus de rangs que de nombres -------------------------------------- */

TD6_TEST(plus_de_rangs_que_de_nombres, 60, "4 rangs pour 2 nombres : juste, et tout le monde finit")
{
    static const long TWO[] = { 3, 5000000 };
    const char *progs[] = { REP, MAI };

    for (size_t p = 0; p < 2; p++) {
        td6_result r = run_mpi(progs[p], 4, TWO, 2, NULL);

        require_finished(&r, progs[p], 4);
        check_output(progs[p], 4, &r, TWO, 2,
                     "Avec plus de rangs que de nombres, certains rangs n'ont rien à "
                     "calculer : ils doivent quand même participer (recevoir « stop », "
                     "appeler MPI_Gatherv avec 0 élément) et finir.");
        ck_assert_msg(r.status == 0, "mpiexec -n 4 %s 3 5000000 : code de sortie 0 attendu, "
                      "lu %d.", progs[p], r.status);
        td6_result_free(&r);
    }
}

/* ---- MPI_Finalize ------------------------------------------------------ */

TD6_TEST(mpi_finalize, 60, "chaque rang appelle MPI_Finalize avant de finir")
{
    const char *progs[] = { REP, MAI };

    for (size_t p = 0; p < 2; p++) {
        td6_result r = run_mpi(progs[p], 3, SPREAD, 4, NULL);
        trace_info t;

        require_finished(&r, progs[p], 3);
        t = read_trace(-1);
        for (int k = 0; k < 3; k++)
            ck_assert_msg(t.finished[k] && t.finalized[k],
                          "mpiexec -n 3 %s : le rang %d %s. Chaque rang, le rang 0 comme "
                          "les autres, appelle MPI_Finalize une fois, juste avant de finir : "
                          "sans lui, les messages encore en route peuvent être perdus, et "
                          "mpiexec ne sait pas si le rang a fini proprement. stderr : "
                          "« %.200s »", progs[p], k,
                          t.finished[k] ? "s'est terminé sans appeler MPI_Finalize"
                                        : "n'a pas noté sa fin dans la trace",
                          r.err);
        td6_result_free(&r);
    }
}

/* ---- Ligne de commande ------------------------------------------------- */

static void bad_arguments_for(const char *prog)
{
    const char *bad[][3] = { { "3", "abc", NULL }, { "--", "-5", NULL },
                             { "20000000000", NULL, NULL }, { "-x", NULL, NULL } };
    const char *help[] = { "--help", NULL }, *ok[] = { "3", "4", NULL };
    char first[64];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        td6_result r = run_mpi(prog, 3, NULL, 0, bad[i]);

        /* Aucun rang ne doit rester : le harnais les compte (leftovers). */
        require_finished(&r, prog, 3);
        ck_assert_msg(r.status == 2,
                      "mpiexec -n 3 %s %s %s : code de sortie 2 attendu (erreur "
                      "d'utilisation), lu %d. Tous les rangs lisent la même ligne de "
                      "commande : tous doivent s'arrêter (MPI_Finalize puis code 2), aucun "
                      "ne doit attendre les autres.", prog, bad[i][0],
                      bad[i][1] ? bad[i][1] : "", r.status);
        ck_assert_msg(td6_count(r.err, "essayez « ") == 1 && strstr(r.err, prog) != NULL,
                      "mpiexec -n 3 %s %s %s : une seule erreur attendue sur stderr, écrite "
                      "par le rang 0 (« %s : ... » puis « essayez « %s --help ». »), lu : "
                      "« %.300s »", prog, bad[i][0], bad[i][1] ? bad[i][1] : "", prog, prog,
                      r.err);
        ck_assert_msg(strstr(r.out, "cpu_bound") == NULL,
                      "mpiexec -n 3 %s %s %s : rien ne doit être calculé quand la ligne de "
                      "commande est fausse ; lu « %.200s ».", prog, bad[i][0],
                      bad[i][1] ? bad[i][1] : "", r.out);
        td6_result_free(&r);
    }
    td6_result r = run_mpi(prog, 2, NULL, 0, help);

    require_finished(&r, prog, 2);
    snprintf(first, sizeof first, "usage : %s ", prog);
    ck_assert_msg(r.status == 0 && strncmp(r.out, first, strlen(first)) == 0 &&
                  td6_count(r.out, "usage : ") == 1,
                  "mpiexec -n 2 %s --help : l'aide une fois (rang 0), commençant par "
                  "« %s », code 0 ; lu (code %d) « %.200s ».", prog, first, r.status, r.out);
    td6_result_free(&r);
    r = run_mpi(prog, 2, NULL, 0, ok);
    require_finished(&r, prog, 2);
    check_output(prog, 2, &r, (const long[]){ 3, 4 }, 2,
                 "Une ligne de commande juste doit être calculée.");
    td6_result_free(&r);
}

TD6_TEST(arguments, 120, "-h, nombres refusés (erreur du rang 0, code 2, aucun rang restant)")
{
    bad_arguments_for(REP);
    bad_arguments_for(MAI);
}
