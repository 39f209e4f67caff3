/*
 * Tests du chapitre 06 : partial [-j OUVRIERS] [-k AJOUT] [--spawn]
 *                                [--lambda] [N...]
 *
 * Pas de serveur ici : tout se juge aux valeurs exactes
 * (Σ (i² + k) pour i < n vaut n(n-1)(2n-1)/6 + k·n) et aux processus qui
 * ont calculé, lus dans la trace ($TD6_TRACE : une ligne par élément, avec
 * le PID du processus qui l'a calculé). Jamais de chronomètre.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "td6_test.h"

#define PROG "partial"
#define RUN_TIMEOUT 20   /* secondes (mises à l'échelle) pour un lancement */
#define MAX_ITEMS 16

typedef unsigned __int128 u128;

/* Ce que le programme doit afficher pour n et k. */
static u128 expected_sum(long n, long k)
{
    return td6_sum_squares(n) + (u128)k * (u128)n;
}

/* Pourquoi la valeur lue peut être fausse : on reconnaît les erreurs
 * courantes pour orienter l'élève. */
static const char *diagnose(const char *seen, long n, long k, size_t position)
{
    char buf[48];

    if (strcmp(seen, "0") == 0)
        return n <= 1 ? "Le résultat vaut 0 : la fonction liée n'est pas appelée "
                        "(partial_call), ou number2 est ignoré."
                      : "Le résultat vaut 0 : partial_call appelle-t-il vraiment la fonction "
                        "liée ?";
    if (strcmp(seen, td6_u128_text(expected_sum(n, 0), buf)) == 0)
        return "C'est Σ i² sans number2 : number2 est ignoré (dans cpu_bound, dans "
               "partial_call, ou le partial ne l'a pas reçu de -k).";
    if (strcmp(seen, td6_u128_text(expected_sum(n, k) & (u128)UINT64_MAX, buf)) == 0)
        return "C'est la bonne somme tronquée à 64 bits : elle a débordé. Calculez-la en "
               "unsigned __int128 (Σ i² dépasse 2^64 dès n = 5 000 000).";
    if (position > 0 && n > 0) {
        /* La somme lue est-elle Σ i² + k' × n pour un autre k' ? Alors c'est
         * l'argument lié qui a changé entre deux appels. Sinon, rien ne
         * permet d'accuser le partial : on ne le dit pas. */
        u128 value = 0, base = td6_sum_squares(n);
        bool digits = *seen != '\0';

        for (const char *c = seen; *c != '\0'; c++) {
            digits = digits && *c >= '0' && *c <= '9';
            value = value * 10 + (u128)(*c - '0');
        }
        if (digits && value >= base && (value - base) % (u128)n == 0 &&
            (value - base) / (u128)n != (u128)k) {
            static char why[300];

            snprintf(why, sizeof why, "Les lignes précédentes sont justes, pas celle-ci : "
                     "c'est la somme avec number2 = %s au lieu de %ld. L'argument lié (le "
                     "partial) est partagé par tous les appels ; aucun appel ne doit le "
                     "modifier.", td6_u128_text((value - base) / (u128)n, buf), k);
            return why;
        }
    }
    if (k != 10 && strcmp(seen, td6_u128_text(expected_sum(n, 10), buf)) == 0)
        return "C'est la somme avec number2 = 10 : la valeur du cours est écrite en dur, "
               "au lieu de celle de -k.";
    return "Vérifiez cpu_bound : la somme des i * i + number2 pour i de 0 à n - 1.";
}

/* Lance partial avec `args` (terminé par NULL) et l'environnement `env`. */
static td6_result run(const char *const *args, const char *const *env)
{
    td6_result r = td6_run(PROG, args, env, RUN_TIMEOUT);

    td6_require_finished(&r, PROG);
    ck_assert_msg(!r.leftovers,
                  "partial est fini, mais des processus qu'il a créés tournent encore : "
                  "chaque travailleur doit s'arrêter (fin de son tube de demandes) et être "
                  "attendu par waitpid avant la fin du programme.");
    return r;
}

/* Vérifie la sortie : une ligne exacte par nombre, dans l'ordre, puis
 * « Duration <s> seconds ». `what` dit comment le programme a été lancé. */
static void check_output(const td6_result *r, const long *numbers, size_t count, long k,
                         const char *what)
{
    char **lines;
    size_t n = td6_lines(r->out, &lines);
    char want[128], digits[48];

    ck_assert_msg(r->status == 0, "%s : code de sortie 0 attendu, lu %d. stderr : « %.300s »",
                  what, r->status, r->err);
    ck_assert_msg(n == count + 1, "%s : %zu lignes attendues (une « cpu_bound(n, k) = somme » "
                  "par nombre, puis « Duration »), %zu lues. Sortie : « %.300s »", what,
                  count + 1, n, r->out);
    for (size_t i = 0; i < count; i++) {
        char prefix[64];
        const char *seen;

        snprintf(prefix, sizeof prefix, "cpu_bound(%ld, %ld) = ", numbers[i], k);
        snprintf(want, sizeof want, "%s%s", prefix,
                 td6_u128_text(expected_sum(numbers[i], k), digits));
        if (strcmp(lines[i], want) == 0)
            continue;
        ck_assert_msg(strncmp(lines[i], prefix, strlen(prefix)) == 0,
                      "%s, ligne %zu : attendu « %s », lu « %s ». Les résultats s'affichent "
                      "dans l'ordre des nombres donnés, au format du cours.", what, i + 1, want,
                      lines[i]);
        seen = lines[i] + strlen(prefix);
        ck_abort_msg("%s, ligne %zu : attendu « %s », lu « %s ». %s", what, i + 1, want,
                     lines[i], diagnose(seen, numbers[i], k, i));
    }
    ck_assert_msg(td6_duration_line(lines[count]),
                  "%s : dernière ligne attendue « Duration <durée> seconds », lue « %s ».",
                  what, lines[count]);
    td6_lines_free(lines, n);
}

/* Construit argv : les options `opts` (terminées par NULL) puis les nombres. */
static const char **make_args(const char *const *opts, const long *numbers, size_t count,
                              char texts[][24])
{
    static const char *args[32];
    size_t a = 0;

    for (; opts != NULL && opts[a] != NULL; a++)
        args[a] = opts[a];
    for (size_t i = 0; i < count; i++) {
        snprintf(texts[i], 24, "%ld", numbers[i]);
        args[a++] = texts[i];
    }
    args[a] = NULL;
    return args;
}

/* Lance partial avec ces options et ces nombres et vérifie chaque valeur. */
static void run_and_check(const char *const *opts, const long *numbers, size_t count, long k,
                          const char *what)
{
    char texts[MAX_ITEMS][24];
    td6_result r = run(make_args(opts, numbers, count, texts), NULL);

    check_output(&r, numbers, count, k, what);
    td6_result_free(&r);
}

/* ---- La trace : qui a calculé quoi -------------------------------------- */

typedef struct {
    char path[64];
    char env[96];
    long pids[64];      /* PID de chaque ligne « calcul » */
    char tasks[64][96]; /* sa tâche */
    size_t n;
} trace;

static void trace_init(trace *t)
{
    int fd;

    memset(t, 0, sizeof *t);
    snprintf(t->path, sizeof t->path, "/tmp/td6-trace-06-XXXXXX");
    fd = mkstemp(t->path);
    ck_assert_msg(fd >= 0, "mkstemp : impossible de créer le fichier de trace");
    close(fd);
    snprintf(t->env, sizeof t->env, "TD6_TRACE=%s", t->path);
}

/* Lit les lignes « <pid> <tid> calcul <début> <fin> <tâche> ». */
static void trace_read(trace *t)
{
    FILE *f = fopen(t->path, "r");
    char line[256];

    ck_assert_msg(f != NULL, "fichier de trace illisible");
    while (t->n < 64 && fgets(line, sizeof line, f) != NULL) {
        long pid, tid;
        double begin, end;
        int used = 0;

        if (sscanf(line, "%ld %ld calcul %lf %lf %n", &pid, &tid, &begin, &end, &used) < 4 ||
            used == 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        t->pids[t->n] = pid;
        snprintf(t->tasks[t->n], sizeof t->tasks[t->n], "%s", line + used);
        t->n++;
    }
    fclose(f);
    unlink(t->path);
}

/* Comme run_and_check, la trace `t` dans l'environnement de partial, puis
 * lue. Renvoie le résultat (à libérer) : son pid est celui du processus
 * principal. */
static td6_result run_traced(const char *const *opts, const long *numbers, size_t count, long k,
                             const char *what, trace *t)
{
    char texts[MAX_ITEMS][24];

    trace_init(t);
    const char *env[] = { t->env, NULL };
    td6_result r = run(make_args(opts, numbers, count, texts), env);

    check_output(&r, numbers, count, k, what);
    trace_read(t);
    return r;
}

/* Nombre de PID différents dans la trace. */
static size_t trace_distinct_pids(const trace *t)
{
    size_t distinct = 0;

    for (size_t i = 0; i < t->n; i++) {
        size_t j = 0;

        while (j < i && t->pids[j] != t->pids[i])
            j++;
        distinct += j == i;
    }
    return distinct;
}

/* ---- Les tests ------------------------------------------------------------ */

TD6_TEST(valeurs_exactes, 60, "Σ (i² + 10) exacte, même au-delà de 2^64")
{
    static const long numbers[] = { 1, 2, 3, 1000, 5000000, 4000000 };
    const char *opts[] = { "-j", "2", "-k", "10", NULL };

    run_and_check(opts, numbers, 6, 10, "partial -j 2 -k 10 1 2 3 1000 5000000 4000000");
}

TD6_TEST(plusieurs_k, 90, "-k AJOUT est bien lié : résultats exacts pour k = 0, 1, 7, 1 000 000")
{
    static const long numbers[] = { 10, 100, 3000, 250000 };
    static const char *ks[] = { "0", "1", "7", "1000000" };
    char what[96];

    for (size_t i = 0; i < 4; i++) {
        const char *opts[] = { "-j", "2", "-k", ks[i], NULL };

        snprintf(what, sizeof what, "partial -j 2 -k %s 10 100 3000 250000", ks[i]);
        run_and_check(opts, numbers, 4, atol(ks[i]), what);
    }
}

TD6_TEST(k_par_defaut, 60, "sans -k, number2 vaut 10 comme le cours")
{
    static const long numbers[] = { 10, 20, 3000000 };
    const char *opts[] = { "-j", "2", NULL };

    run_and_check(opts, numbers, 3, 10,
                  "partial -j 2 10 20 3000000 (sans -k : number2 = 10, comme le cours)");
}

TD6_TEST(ordre_des_entrees, 60, "les résultats s'affichent dans l'ordre des nombres donnés")
{
    static const long numbers[] = { 30000000, 10, 20000000, 5, 10000000, 1 };
    const char *opts[] = { "-j", "3", "-k", "3", NULL };

    run_and_check(opts, numbers, 6, 3, "partial -j 3 -k 3 30000000 10 20000000 5 10000000 1 "
                  "(les petits nombres finissent les premiers ; l'affichage suit pourtant "
                  "l'ordre donné)");
}

TD6_TEST(argument_lie_non_modifie, 60, "le même partial sert à tous les éléments sans être modifié")
{
    static const long numbers[] = { 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000 };
    const char *one[] = { "-j", "1", "-k", "5", NULL };
    const char *two[] = { "-j", "2", "-k", "5", NULL };

    /* Avec un seul travailleur, le même partial sert aux 8 appels. */
    run_and_check(one, numbers, 8, 5, "partial -j 1 -k 5 (8 nombres, un seul travailleur)");
    run_and_check(two, numbers, 8, 5, "partial -j 2 -k 5 (8 nombres)");
}

TD6_TEST(plusieurs_processus, 60, "-j 2 : deux travailleurs (deux PID), pas le processus principal")
{
    static const long numbers[] = { 2000000, 2000001, 2000002, 2000003,
                                    2000004, 2000005, 2000006, 2000007 };
    const char *opts[] = { "-j", "2", "-k", "1", NULL };
    trace t;
    td6_result r = run_traced(opts, numbers, 8, 1, "partial -j 2 -k 1 (8 nombres)", &t);

    ck_assert_msg(t.n == 8, "La trace ($TD6_TRACE) devrait avoir une ligne « calcul » par "
                  "nombre, soit 8 ; elle en a %zu. Chaque élément est-il calculé une seule "
                  "fois, par un travailleur ?", t.n);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_msg(t.pids[i] != (long)r.pid,
                      "L'élément « %s » a été calculé par le processus principal (PID %ld) : "
                      "ce sont les travailleurs créés par le pool qui doivent calculer.",
                      t.tasks[i], t.pids[i]);
    ck_assert_msg(trace_distinct_pids(&t) == 2,
                  "Avec -j 2, deux travailleurs (deux PID) devraient se partager les 8 "
                  "éléments ; la trace en montre %zu. Le pool crée-t-il bien `workers` "
                  "processus ?", trace_distinct_pids(&t));
    td6_result_free(&r);
}

TD6_TEST(repartition_dynamique, 60,
         "un travailleur libre prend l'élément suivant (pas de partage fixé d'avance)")
{
    /* Un gros nombre (~0,1 s de calcul) et neuf tout petits. */
    static const long numbers[] = { 100000000, 1000, 1001, 1002, 1003,
                                    1004, 1005, 1006, 1007, 1008 };
    const char *opts[] = { "-j", "2", "-k", "2", NULL };
    size_t big_pid_items = 0;
    long big_pid = -1;
    trace t;
    td6_result r = run_traced(opts, numbers, 10, 2, "partial -j 2 -k 2 100000000 1000 ... 1008",
                              &t);

    for (size_t i = 0; i < t.n; i++)
        if (strstr(t.tasks[i], "100000000") != NULL)
            big_pid = t.pids[i];
    ck_assert_msg(big_pid != -1, "La trace ne montre pas le calcul de 100000000.");
    ck_assert_msg(trace_distinct_pids(&t) == 2,
                  "Avec -j 2, deux travailleurs devraient se partager les 10 éléments ; la "
                  "trace en montre %zu.", trace_distinct_pids(&t));
    for (size_t i = 0; i < t.n; i++)
        big_pid_items += t.pids[i] == big_pid;
    ck_assert_msg(big_pid_items < 5,
                  "Le travailleur qui calculait le gros nombre (100000000) a aussi traité "
                  "%zu des 9 petits, au lieu de laisser l'autre, libre, les prendre : le "
                  "partage est fixé d'avance (un élément sur deux) au lieu d'être dynamique. "
                  "Donnez l'élément suivant au travailleur qui vient de rendre un résultat.",
                  big_pid_items - 1);
    td6_result_free(&r);
}

TD6_TEST(spawn_memes_resultats, 60, "--spawn donne les mêmes résultats exacts que fork")
{
    static const long numbers[] = { 7, 1000, 5000000, 3, 250000 };
    const char *spawn[] = { "-j", "2", "-k", "7", "--spawn", NULL };
    const char *fork_opts[] = { "-j", "2", "-k", "7", NULL };
    char texts[MAX_ITEMS][24];
    td6_result rs = run(make_args(spawn, numbers, 5, texts), NULL);
    td6_result rf = run(make_args(fork_opts, numbers, 5, texts), NULL);
    const char *end_s = strstr(rs.out, "Duration"), *end_f = strstr(rf.out, "Duration");

    check_output(&rs, numbers, 5, 7, "partial --spawn -j 2 -k 7 7 1000 5000000 3 250000");
    check_output(&rf, numbers, 5, 7, "partial -j 2 -k 7 7 1000 5000000 3 250000");
    ck_assert_msg(end_s - rs.out == end_f - rf.out &&
                  strncmp(rs.out, rf.out, (size_t)(end_s - rs.out)) == 0,
                  "Les modes fork et --spawn doivent afficher les mêmes résultats.");
    td6_result_free(&rs);
    td6_result_free(&rf);
}

TD6_TEST(spawn_processus, 60, "--spawn : les calculs sont faits par des programmes relancés")
{
    static const long numbers[] = { 1000000, 1000001, 1000002, 1000003, 1000004, 1000005 };
    const char *opts[] = { "-j", "2", "-k", "4", "--spawn", NULL };
    trace t;
    td6_result r = run_traced(opts, numbers, 6, 4, "partial --spawn -j 2 -k 4 (6 nombres)", &t);

    ck_assert_msg(t.n == 6, "En mode --spawn, la trace devrait avoir une ligne « calcul » par "
                  "nombre (6), écrite par les travailleurs ; elle en a %zu.", t.n);
    for (size_t i = 0; i < t.n; i++)
        ck_assert_msg(t.pids[i] != (long)r.pid,
                      "En mode --spawn, « %s » a été calculé par le processus principal : "
                      "ce sont les programmes relancés (partial --travailleur) qui calculent.",
                      t.tasks[i]);
    ck_assert_msg(trace_distinct_pids(&t) == 2, "--spawn -j 2 : deux travailleurs attendus, "
                  "la trace en montre %zu.", trace_distinct_pids(&t));
    td6_result_free(&r);
}

TD6_TEST(lambda_avec_fork, 60, "--lambda marche avec fork : l'adresse de la fonction reste valable")
{
    static const long numbers[] = { 10, 20, 3000 };
    const char *opts[] = { "-j", "2", "-k", "10", "--lambda", NULL };

    run_and_check(opts, numbers, 3, 10,
                  "partial --lambda -j 2 10 20 3000 (mode fork : l'adresse de la fonction "
                  "reste valable dans l'enfant, la « lambda » doit marcher)");
}

TD6_TEST(lambda_avec_spawn, 60,
         "--spawn --lambda échoue vite, avec un message clair et un code non nul")
{
    const char *args[] = { "-j", "2", "-k", "10", "--spawn", "--lambda", "10", "20", "30",
                           NULL };
    td6_result r = td6_run(PROG, args, NULL, RUN_TIMEOUT);
    char **lines;
    size_t n;

    ck_assert_msg(!r.timed_out,
                  "partial --spawn --lambda ne s'est pas arrêté : après l'erreur d'un "
                  "travailleur, le parent attend des résultats qui ne viendront jamais (le "
                  "notebook du cours, lui, a dû être interrompu par KeyboardInterrupt). Au "
                  "premier échec, arrêtez les travailleurs, attendez-les, et quittez avec un "
                  "code non nul.");
    td6_require_finished(&r, PROG);
    ck_assert_msg(!r.leftovers, "partial --spawn --lambda est fini, mais des travailleurs "
                  "tournent encore : arrêtez-les et attendez-les (waitpid) avant de quitter.");
    n = td6_lines(r.err, &lines);

    ck_assert_msg(r.status != 0,
                  "partial --spawn --lambda : un programme neuf ne peut pas retrouver une "
                  "fonction absente du registre ; un code de sortie non nul était attendu, "
                  "lu %d. Sortie : « %.200s »", r.status, r.out);
    ck_assert_msg(td6_count(r.out, "cpu_bound(") == 0,
                  "partial --spawn --lambda ne doit afficher aucun résultat (aucun n'a pu "
                  "être calculé) ; sortie : « %.300s »", r.out);
    ck_assert_msg(strstr(r.err, "<lambda>") != NULL,
                  "Le message d'erreur doit nommer la fonction introuvable, « <lambda> ». "
                  "stderr : « %.400s »", r.err);
    ck_assert_msg(n == 1,
                  "Un seul message clair attendu sur stderr (le premier échec arrête tout), "
                  "%zu lignes lues : « %.400s »", n, r.err);
    td6_lines_free(lines, n);
    td6_result_free(&r);
}

/* -k est propre à partial : les tests cli_* communs (TD6_CLI_TESTS) ne
 * le connaissent pas. Code donné (options.c) : non noté, comme eux. */
TD6_TEST(cli_partial_k_invalide, 30,
         "-k hors de 0 à 1 000 000 000 ou pas un entier : message et code 2")
{
    static const char *const cases[][4] = {
        { "-k", "abc", "10", NULL },
        { "-k", "1000000001", "10", NULL },
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        td6_result r = run(cases[i], NULL);

        ck_assert_msg(r.status == 2 && r.err_len > 0 && r.out_len == 0,
                      "partial %s %s %s : un -k invalide doit donner un message sur stderr "
                      "et le code 2, sans rien calculer ; code %d, stderr « %.200s »",
                      cases[i][0], cases[i][1], cases[i][2], r.status, r.err);
        td6_result_free(&r);
    }
}

/* partial compilé avec AddressSanitizer + UBSan (make test le construit),
 * avec fork puis avec --spawn, sur de petits nombres : ni accès invalide,
 * ni comportement indéfini, ni fuite (un registre, un tampon jamais rendus). */
TD6_TEST(asan_partial, 90,
         "AddressSanitizer + UBSan (fork et --spawn) : ni accès invalide, ni fuite")
{
    static const long numbers[] = { 3, 1000, 20000 };
    const char *fork_opts[] = { "-j", "2", "-k", "7", NULL };
    const char *spawn_opts[] = { "-j", "2", "-k", "7", "--spawn", NULL };

    td6_use_sanitized("TD6_BIN_ASAN");
    run_and_check(fork_opts, numbers, 3, 7, "partial -j 2 -k 7 3 1000 20000 (AddressSanitizer)");
    run_and_check(spawn_opts, numbers, 3, 7,
                  "partial -j 2 -k 7 --spawn 3 1000 20000 (AddressSanitizer)");
}

TD6_CLI_TESTS(PROG, "N -j 1 256");
