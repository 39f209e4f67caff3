/*
 * ligne_de_commande.c — les tests de la ligne de commande, les mêmes pour
 * chaque programme du TD et pour le serveur local (voir commun/ligne.h).
 *
 * Une suite les déclare, programme par programme (voir td6_test.h) :
 *
 *     TD6_CLI_TESTS("threads", "URL -w 1 1000");
 *
 * `form` dit ce que le programme attend après ses options, puis, s'il en a
 * une, l'option à valeur entière et ses bornes :
 *     "URL"             des URL (chapitres 01 à 03) ;
 *     "URL -w 1 1000"   des URL et l'option -w, de 1 à 1000 ;
 *     "PORT"            un port facultatif, de 0 à 65535 (un serveur : 04) ;
 *     "N -j 1 256"      des nombres N ≥ 0 et l'option -j (chapitres 05, 06) ;
 *     "AUCUN -p 0 65535" pas d'argument, l'option -p (le serveur local,
 *                        programme "serveur" : $TD6_SERVER_BIN).
 *
 * Chaque programme reçoit quatre tests, nommés cli_<programme>_<règle> :
 *   aide             -h et --help : l'aide sur stdout, « usage : <nom> ... »,
 *                    code 0, rien demandé au serveur ;
 *   option_inconnue  -z et --inconnue : code 2, rien sur stdout, sur stderr
 *                    « <nom> : ... » puis « essayez « <nom> --help ». »,
 *                    jamais le texte anglais de getopt, rien demandé au
 *                    serveur ;
 *   tiret            un argument en « - » n'est jamais une URL ni un nombre
 *                    (« URL -z », « - », « -- -1 ») ; « -- » termine les
 *                    options (« -- URL » est accepté) ;
 *   bornes           la valeur de l'option (et le port, le nombre N) hors de
 *                    ses bornes ou pas un entier : code 2, message qui nomme
 *                    l'option ; la plus petite valeur permise est acceptée.
 *
 * Ces tests ne sont pas notés : la ligne de commande est du code donné, pas
 * le travail de l'étudiant (le préfixe cli_ les met à part dans le bilan).
 * Ils prouvent, programme par programme, la règle commune du TD.
 */
#include "interne.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PROGRAMS 8
#define RUN_TIMEOUT_S 10

typedef enum { OPERANDS_URL, OPERANDS_PORT, OPERANDS_N, OPERANDS_NONE } operand_kind;

/* Ce que td6_add_cli_tests (pour TD6_CLI_TESTS) a enregistré, retrouvé par le nom du test en
 * cours (td6_current_test) : les fonctions de test n'ont pas d'argument. */
typedef struct {
    char name[64];          /* le programme, ex. "threads" */
    operand_kind operands;
    char option[8];         /* "-w", ou "" s'il n'a pas d'option à valeur */
    long min, max;
    char tests[4][96];      /* les noms cli_<programme>_<règle> */
} cli_program;

static cli_program programs[MAX_PROGRAMS];
static size_t n_programs;

static const cli_program *current(void)
{
    for (size_t i = 0; i < n_programs; i++)
        for (size_t k = 0; k < 4; k++)
            if (td6_current_test != NULL && strcmp(programs[i].tests[k], td6_current_test) == 0)
                return &programs[i];
    ck_abort_msg("harnais : test de ligne de commande inconnu « %s »",
                 td6_current_test != NULL ? td6_current_test : "?");
    return NULL;
}

/* Le nom à donner à td6_run : le programme de l'exercice, ou, pour
 * "serveur", $TD6_SERVER_BIN vu depuis $TD6_BIN (td6_run cherche dans
 * $TD6_BIN : on remonte jusqu'à la racine par des « .. »). */
static const char *run_name(const cli_program *p)
{
    static char path[4096];
    char *bin, *server;
    size_t len = 0;

    if (strcmp(p->name, "serveur") != 0)
        return p->name;
    bin = realpath(getenv("TD6_BIN") != NULL ? getenv("TD6_BIN") : ".", NULL);
    server = realpath(getenv("TD6_SERVER_BIN") != NULL ? getenv("TD6_SERVER_BIN")
                                                        : "build/serveur/serveur", NULL);
    ck_assert_msg(bin != NULL && server != NULL,
                  "harnais : $TD6_BIN ou $TD6_SERVER_BIN introuvable (serveur construit ?)");
    for (const char *c = bin; *c != '\0'; c++)
        if (*c == '/' && len + 4 < sizeof path)
            len += (size_t)snprintf(path + len, sizeof path - len, "../");
    snprintf(path + len, sizeof path - len, "%s", server + 1);
    free(bin);
    free(server);
    return path;
}

/* Une URL du serveur du test, ou un nombre, ou un port : un argument que le
 * programme accepte. */
static const char *valid_operand(const cli_program *p, char *buf, size_t size)
{
    switch (p->operands) {
    case OPERANDS_URL:
        snprintf(buf, size, "%s/dice", td6_server_url());
        return buf;
    case OPERANDS_N:
        return "0";
    default:
        return NULL;
    }
}

/* Le début de la commande, pour les messages : « threads -w 0 ». */
static const char *command(const cli_program *p, const char *const *args)
{
    static char text[512];
    size_t len = (size_t)snprintf(text, sizeof text, "%s", p->name);

    for (size_t i = 0; args[i] != NULL && len < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, " %s", args[i]);
    return text;
}

static td6_result run(const cli_program *p, const char *const *args)
{
    td6_result r = td6_run(run_name(p), args, NULL, RUN_TIMEOUT_S);

    td6_require_finished(&r, p->name);
    return r;
}

/* Le programme ne doit rien avoir demandé au serveur local. */
static void check_no_request(const cli_program *p, const char *const *args)
{
    td6_stats st;

    if (strcmp(p->name, "serveur") == 0)
        return;
    st = td6_server_stats();
    ck_assert_msg(st.requests == 0,
                  "« %s » : le serveur a reçu %ld requête(s). Une ligne de commande à "
                  "refuser (ou -h) doit arrêter le programme avant tout téléchargement : "
                  "un argument qui commence par « - » n'est jamais une URL.",
                  command(p, args), st.requests);
    td6_server_reset();
}

/* Une erreur d'utilisation dans les règles : code 2, rien sur stdout, sur
 * stderr « <nom> : ... » puis « essayez « <nom> --help ». », en français.
 * `mention` : un mot que le message doit contenir (l'option), ou NULL. */
static void check_usage_error(const cli_program *p, const char *const *args, const char *mention)
{
    td6_result r = run(p, args);
    char first[96], advice[128];
    static const char *const english[] = { "invalid option", "unrecognized option",
                                           "requires an argument", "Usage:", "usage:",
                                           "unknown option" };

    snprintf(first, sizeof first, "%s : ", p->name);
    snprintf(advice, sizeof advice, "\nessayez « %s --help ».\n", p->name);
    ck_assert_msg(r.exited && r.status == 2,
                  "« %s » est une erreur d'utilisation : code de sortie 2 attendu, lu %d. "
                  "stderr : « %.200s ». Où regarder : la lecture des options "
                  "(commun/ligne.h, td6_getopt).",
                  command(p, args), r.exited ? r.status : -1, r.err);
    ck_assert_msg(r.out_len == 0,
                  "« %s » : rien ne doit être écrit sur la sortie standard (l'erreur va sur "
                  "stderr) ; lu « %.200s ».", command(p, args), r.out);
    ck_assert_msg(strncmp(r.err, first, strlen(first)) == 0 && strstr(r.err, advice) != NULL,
                  "« %s » : stderr doit dire « %s<ce qui ne va pas> » puis « essayez « %s "
                  "--help ». » ; lu « %.300s ».", command(p, args), first, p->name, r.err);
    for (size_t i = 0; i < sizeof english / sizeof *english; i++)
        ck_assert_msg(strstr(r.err, english[i]) == NULL,
                      "« %s » : message en anglais (« %s ») : getopt parle anglais tant "
                      "qu'on ne met pas opterr = 0 ; lu « %.300s ».",
                      command(p, args), english[i], r.err);
    if (mention != NULL)
        ck_assert_msg(strstr(r.err, mention) != NULL,
                      "« %s » : le message doit nommer « %s » ; lu « %.300s ».",
                      command(p, args), mention, r.err);
    td6_result_free(&r);
    check_no_request(p, args);
}

/* La commande est acceptée : ni code 2 ni « essayez ». */
static void check_accepted(const cli_program *p, const char *const *args, const char *why)
{
    td6_result r = run(p, args);

    ck_assert_msg(!(r.exited && r.status == 2) && strstr(r.err, "--help") == NULL,
                  "« %s » doit être accepté (%s) ; code %d, stderr « %.300s ».",
                  command(p, args), why, r.exited ? r.status : -1, r.err);
    td6_result_free(&r);
    if (strcmp(p->name, "serveur") != 0)
        td6_server_reset();   /* ses requêtes ne comptent pas pour la commande suivante */
}

static void start_server(const cli_program *p)
{
    if (strcmp(p->name, "serveur") != 0)
        td6_server_start(0);
}

static void test_cli_aide(void)
{
    const cli_program *p = current();
    const char *flags[] = { "-h", "--help" };
    char expected[96];

    start_server(p);
    snprintf(expected, sizeof expected, "usage : %s", p->name);
    for (size_t i = 0; i < 2; i++) {
        const char *args[] = { flags[i], NULL };
        td6_result r = run(p, args);

        ck_assert_msg(r.exited && r.status == 0,
                      "« %s » affiche l'aide et termine avec le code 0 ; code lu %d, stderr "
                      "« %.200s ».", command(p, args), r.exited ? r.status : -1, r.err);
        ck_assert_msg(strncmp(r.out, expected, strlen(expected)) == 0 &&
                          (r.out[strlen(expected)] == ' ' || r.out[strlen(expected)] == '\n'),
                      "« %s » : la première ligne de l'aide, sur la sortie standard, doit "
                      "commencer par « %s » (le nom du programme sans son chemin) ; lu "
                      "« %.200s ».", command(p, args), expected, r.out);
        td6_result_free(&r);
        check_no_request(p, args);
    }
}

static void test_cli_option_inconnue(void)
{
    const cli_program *p = current();
    const char *a1[] = { "-z", NULL }, *a2[] = { "--inconnue", NULL };
    const char *a3[] = { p->option[0] != '\0' ? p->option : "-z", NULL };

    start_server(p);
    check_usage_error(p, a1, "-z");
    check_usage_error(p, a2, "--inconnue");
    if (p->option[0] != '\0')   /* l'option sans sa valeur */
        check_usage_error(p, a3, p->option);
}

static void test_cli_tiret(void)
{
    const cli_program *p = current();
    char buf[256];
    const char *valid, *dash[] = { "-", NULL }, *minus[] = { "--", "-1", NULL };

    start_server(p);
    valid = valid_operand(p, buf, sizeof buf);
    if (valid != NULL) {
        const char *after[] = { valid, "-z", NULL }, *ends[] = { "--", valid, NULL };

        /* « URL -z » : -z reste une option, même après une URL. */
        check_usage_error(p, after, "-z");
        check_accepted(p, ends, "« -- » termine les options, l'URL ou le nombre qui suit est lu");
    }
    check_usage_error(p, dash, NULL);
    check_usage_error(p, minus, NULL);
}

static void test_cli_bornes(void)
{
    const cli_program *p = current();
    char below[32], above[32], buf[256];
    const char *valid;

    start_server(p);
    valid = valid_operand(p, buf, sizeof buf);
    if (p->option[0] != '\0') {
        const char *values[] = { below, above, "cinq", "5x", "" };
        char low[32];

        snprintf(below, sizeof below, "%ld", p->min - 1);
        snprintf(above, sizeof above, "%ld", p->max + 1);
        for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
            const char *args[] = { p->option, values[i], valid, NULL };

            check_usage_error(p, args, p->option);
        }
        /* Les bornes annoncées : le message de « max + 1 » nomme max. */
        snprintf(low, sizeof low, "%ld", p->max);
        {
            const char *args[] = { p->option, above, valid, NULL };

            check_usage_error(p, args, low);
        }
        if (valid != NULL) {
            const char *args[] = { p->option, (snprintf(low, sizeof low, "%ld", p->min), low),
                                   valid, NULL };

            check_accepted(p, args, "c'est la plus petite valeur permise");
        }
    }
    if (p->operands == OPERANDS_PORT) {
        const char *values[] = { "65536", "port", "80x", "1 2" };

        for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
            const char *args[] = { values[i], NULL };

            check_usage_error(p, args, NULL);
        }
    }
    if (p->operands == OPERANDS_N) {
        const char *values[] = { "cinq", "5x", "99999999999999999999999" };

        for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
            const char *args[] = { values[i], NULL };

            check_usage_error(p, args, NULL);
        }
        {
            const char *args[] = { "0", NULL };

            check_accepted(p, args, "N ≥ 0 : cpu_bound(0) vaut 0");
        }
    }
}

void td6_add_cli_tests(Suite *s, const char *program, const char *form)
{
    static const struct {
        const char *suffix;
        td6_test_fn fn;
        const char *description;
    } rules[4] = {
        { "aide", test_cli_aide, "-h et --help : « usage : ... » sur stdout, code 0" },
        { "option_inconnue", test_cli_option_inconnue,
          "option inconnue ou sans valeur : message français sur stderr, « essayez ... "
          "--help », code 2, aucune requête" },
        { "tiret", test_cli_tiret,
          "un argument en « - » n'est jamais une URL ni un nombre, « -- » termine les "
          "options" },
        { "bornes", test_cli_bornes, "valeurs hors bornes ou non entières refusées, code 2" },
    };
    cli_program *p;
    char kind[16] = "";
    int fields;

    if (n_programs == MAX_PROGRAMS) {
        fprintf(stderr, "harnais : trop de programmes pour td6_add_cli_tests\n");
        exit(3);
    }
    p = &programs[n_programs++];
    snprintf(p->name, sizeof p->name, "%s", program);
    fields = sscanf(form, "%15s %7s %ld %ld", kind, p->option, &p->min, &p->max);
    if (fields == 1)
        p->option[0] = '\0';
    p->operands = strcmp(kind, "URL") == 0    ? OPERANDS_URL
                  : strcmp(kind, "PORT") == 0 ? OPERANDS_PORT
                  : strcmp(kind, "N") == 0    ? OPERANDS_N
                                              : OPERANDS_NONE;
    if ((fields != 1 && fields != 4) || (p->operands == OPERANDS_NONE && strcmp(kind, "AUCUN"))) {
        fprintf(stderr, "harnais : forme « %s » inconnue pour %s\n", form, program);
        exit(3);
    }
    for (size_t k = 0; k < 4; k++) {
        char description[256];

        snprintf(p->tests[k], sizeof p->tests[k], "cli_%s_%s", program, rules[k].suffix);
        snprintf(description, sizeof description, "ligne de commande de %s (non compté) : %s",
                 program, rules[k].description);
        /* Check et principal.c gardent ces chaînes jusqu'à la fin. Un test
         * lance le programme une dizaine de fois (chaque lancement a son
         * propre délai, RUN_TIMEOUT_S) : 60 s laissent passer une machine
         * chargée, où chaque démarrage dans le bac à sable prend 1 à 2 s
         * (à 20 s, une solution juste a échoué sous une charge de 7). */
        td6_add(s, p->tests[k], rules[k].fn, strdup(description), 60);
    }
}
