/*
 * principal.c — le main() de chaque suite de tests.
 *
 * Il crée la suite avec les tests qu'elle a déclarés (TD6_TEST et
 * TD6_CLI_TESTS, voir td6_test.h), dans l'ordre de ses fichiers, les
 * lance chacun dans un processus à part avec son délai (mode fork de Check :
 * un test qui plante ou qui bloque n'emporte pas les autres), affiche le
 * verdict en français et écrit $TD6_RESULTS.json pour le bilan.
 *
 * Variables lues : TD6_EXO (nom de l'exercice), TD6_SOURCE (td6 ou
 * solutions), TD6_RESULTS (chemin sans extension du fichier de
 * résultats), TD6_BIN et TD6_SERVER_BIN (lues par le harnais).
 * TD6_LIST=1 ou --liste : affiche seulement « nom<TAB>description » de chaque test
 * (pour make indice et make noter-classe), sans rien lancer.
 * TD6_ONLY_TESTS="nom1 nom2..." : ne lance que ces tests (make check, pour
 * un mutant : ses tests « @echoue », voir scripts/verifier.sh). Chaque test
 * tourne de toute façon dans son propre processus, avec son propre serveur :
 * son verdict ne dépend pas des autres. (Seule la récidive, plus bas, relie
 * deux tests : un programme déjà bloqué a moins de temps ensuite. Sans les
 * tests d'avant, il en a plus : un test choisi qui échoue seul échoue donc
 * aussi dans la suite entière.)
 * Code de sortie : 0 si tous les tests passent, 1 sinon.
 * SANS_BAC_A_SABLE=1 : les programmes tournent hors du bac à sable (voir
 * bac_a_sable.c) ; le JSON le dit (« bac_a_sable » : false, et pourquoi
 * dans « bac_a_sable_etat »), la sortie aussi (une ligne « ⚠ »).
 * « suite --td6-init FD PROGRAMME... » : l'init du bac à sable.
 * TD6_SANDBOX_PROBE=1 : dit seulement si le bac à sable est
 * disponible (« actif », ou pourquoi pas ; code 0 ou 1), sans rien lancer.
 *
 * Rien ne survit à un test : ce processus est « subreaper »
 * (PR_SET_CHILD_SUBREAPER), donc tout processus lancé par un test et resté
 * orphelin (même si Check a tué le test à son délai) lui revient, et il les
 * tue tous après chaque test (td6_sweep, dans un « unchecked fixture » de
 * Check, qui tourne dans ce processus). Il crée aussi le dossier d'état
 * $TD6_STATE_DIR où le harnais note les programmes déjà bloqués (récidive).
 */
#include "interne.h"
#include "texte.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MAX_TESTS 64

/* Ce que les macros TD6_TEST et TD6_CLI_TESTS ont déclaré (avant main, par
 * leurs constructeurs), dans l'ordre où l'éditeur de liens les appelle :
 * main() le trie par fichier puis par ligne avant d'en faire la suite. */
typedef struct {
    const char *file;
    int line;
    const char *name;          /* un test (TD6_TEST)... */
    td6_test_fn fn;
    const char *description;
    int timeout_s;
    const char *program;       /* ...ou ceux d'une ligne de commande (TD6_CLI_TESTS) */
    const char *form;
} declaration;

static declaration declared[MAX_TESTS];
static size_t n_declared;

static declaration *declare(const char *file, int line)
{
    if (n_declared == MAX_TESTS) {
        fprintf(stderr, "harnais : trop de tests déclarés (%d au plus)\n", MAX_TESTS);
        exit(3);
    }
    declared[n_declared].file = file;
    declared[n_declared].line = line;
    return &declared[n_declared++];
}

void td6_declare_test(const char *name, td6_test_fn fn, const char *description,
                      int timeout_s, const char *file, int line)
{
    declaration *d = declare(file, line);

    d->name = name;
    d->fn = fn;
    d->description = description;
    d->timeout_s = timeout_s;
}

void td6_declare_cli_tests(const char *program, const char *form, const char *file, int line)
{
    declaration *d = declare(file, line);

    d->program = program;
    d->form = form;
}

static int by_place(const void *a, const void *b)
{
    const declaration *x = a, *y = b;
    int c = strcmp(x->file, y->file);

    return c != 0 ? c : (x->line > y->line) - (x->line < y->line);
}

/* La suite : ses tests déclarés, dans l'ordre des fichiers puis des lignes. */
static void add_declared(Suite *s)
{
    qsort(declared, n_declared, sizeof *declared, by_place);
    for (size_t i = 0; i < n_declared; i++) {
        const declaration *d = &declared[i];

        if (d->program != NULL)
            td6_add_cli_tests(s, d->program, d->form);
        else
            td6_add(s, d->name, d->fn, d->description, d->timeout_s);
    }
}

/* Ce que td6_add a enregistré, pour retrouver la description et le délai de
 * chaque test au moment du bilan. */
static struct {
    const char *name;
    const char *description;
    int timeout_s;
} registered[MAX_TESTS];
static size_t n_registered;

/* $TD6_ONLY_TESTS contient-il `name` (mots séparés par des blancs) ? Sans
 * la variable, tous les tests sont choisis. */
static bool selected(const char *name)
{
    const char *only = getenv("TD6_ONLY_TESTS");
    size_t len = strlen(name);

    if (only == NULL)
        return true;
    for (const char *p = strstr(only, name); p != NULL; p = strstr(p + 1, name))
        if ((p == only || strchr(" \t\n", p[-1]) != NULL) && strchr(" \t\n", p[len]) != NULL)
            return true;
    return false;
}

/* Check appelle des fonctions de type TFun : on passe par une table pour
 * appeler nos fonctions sans argument. */
static td6_test_fn functions[MAX_TESTS];

static void run_registered(int i)
{
    td6_current_test = registered[i].name;
    functions[i]();
}

/* Après chaque test, dans ce processus : tuer ce qu'il aurait laissé. */
static void sweep_after_test(void)
{
    td6_sweep();
}

/* Check ne donne pas le nom de la fonction de test dans ses résultats, mais
 * il donne celui du TCase : un TCase par test, du même nom. */
static const TTest run_test = { "test", run_registered, __FILE__, __LINE__ };

void td6_add(Suite *s, const char *name, td6_test_fn fn, const char *description,
             int timeout_s)
{
    TCase *tc;

    if (n_registered == MAX_TESTS) {
        fprintf(stderr, "harnais : trop de tests (%d au plus)\n", MAX_TESTS);
        exit(3);
    }
    registered[n_registered].name = name;
    registered[n_registered].description = description;
    registered[n_registered].timeout_s = timeout_s;
    functions[n_registered] = fn;
    n_registered++;
    /* Un test non choisi reste connu (--liste), mais Check ne le lance pas. */
    if (!selected(name))
        return;
    tc = tcase_create(name);
    /* Le harnais tue lui-même le programme testé avant ce délai ; celui-ci
     * protège du cas où le test lui-même resterait bloqué. */
    tcase_set_timeout(tc, timeout_s);
    tcase_add_unchecked_fixture(tc, NULL, sweep_after_test);
    _tcase_add_test(tc, &run_test, 0, 0, (int)n_registered - 1, (int)n_registered);
    suite_add_tcase(s, tc);
}

static size_t find(const char *name)
{
    for (size_t i = 0; i < n_registered; i++)
        if (strcmp(registered[i].name, name) == 0)
            return i;
    return 0;
}

/* Les messages propres à Check sont en anglais : on les traduit. */
static const char *explain(const char *msg, int timeout_s, char *buf, size_t size)
{
    if (strstr(msg, "timeout expired") != NULL) {
        snprintf(buf, size,
                 "Le test a dépassé son délai (%g s) : le programme testé est resté "
                 "bloqué (boucle infinie, interblocage, attente sans fin ?).",
                 td6_scaled(timeout_s));
        return buf;
    }
    if (strstr(msg, "Received signal") != NULL || strstr(msg, "Early exit") != NULL) {
        snprintf(buf, size, "Le test s'est arrêté anormalement (%s).", msg);
        return buf;
    }
    return msg;
}

static void print_result(bool ok, const char *description, const char *msg, bool tty)
{
    const char *green = tty ? "\033[32m" : "", *red = tty ? "\033[31m" : "";
    const char *reset = tty ? "\033[0m" : "";

    if (ok)
        printf("  %s✔%s %s\n", green, reset, description);
    else
        printf("  %s✘%s %s\n      → %s\n", red, reset, description, msg);
}

/* Ouvre <out><ext> en écriture, ou renvoie NULL si out est NULL. */
static FILE *open_output(const char *out, const char *ext)
{
    char path[4096];
    FILE *f;

    if (out == NULL)
        return NULL;
    snprintf(path, sizeof path, "%s%s", out, ext);
    f = fopen(path, "w");
    if (f == NULL)
        fprintf(stderr, "harnais : impossible d'écrire %s\n", path);
    return f;
}

/* Affiche les verdicts et écrit <out>.json (pour le bilan) et <out>.txt
 * (une ligne « ok nom » ou « echec nom » par test, pour make check). */
static int report(SRunner *sr, const char *exo, const char *source, const char *out)
{
    TestResult **results = srunner_results(sr);
    int n = srunner_ntests_run(sr), passed = 0;
    bool tty = (isatty(STDOUT_FILENO) || getenv("TD6_COLOR") != NULL) &&
               getenv("NO_COLOR") == NULL;
    json_t *tests = json_array(), *root;
    FILE *txt = open_output(out, ".txt"), *js;

    for (int i = 0; i < n; i++) {
        size_t k = find(tr_tcname(results[i]));
        bool ok = tr_rtype(results[i]) == CK_PASS;
        char buf[1024];
        const char *msg = ok ? "" : explain(tr_msg(results[i]), registered[k].timeout_s,
                                            buf, sizeof buf);

        passed += ok;
        print_result(ok, registered[k].description, msg, tty);
        if (txt != NULL)
            fprintf(txt, "%s %s\n", ok ? "ok" : "echec", registered[k].name);
        char *clean = td6_clean_text(msg, 4000); /* UTF-8 valide, sans ESC : voir texte.h */
        json_array_append_new(tests, json_pack("{s:s, s:s, s:b, s:s}", "nom",
                                               registered[k].name, "description",
                                               registered[k].description, "reussi", ok,
                                               "message", clean != NULL ? clean : ""));
        free(clean);
    }
    free(results);
    root = json_pack("{s:s, s:s, s:i, s:i, s:o, s:b, s:s}", "exercice", exo, "source", source,
                     "reussis", passed, "total", n, "tests", tests, "bac_a_sable",
                     sandbox_enabled(), "bac_a_sable_etat", sandbox_reason());
    js = open_output(out, ".json");
    if (js != NULL) {
        json_dumpf(root, js, JSON_INDENT(2));
        fclose(js);
    }
    if (txt != NULL)
        fclose(txt);
    json_decref(root);
    return passed == n ? 0 : 1;
}

/* Écrit « bac-a-sable-absent » (la raison) à côté des résultats `out`
 * (chemin sans extension) ; false s'il n'y a pas de tel dossier. */
static bool flag_no_sandbox(const char *out)
{
    char path[4096];
    const char *slash = out != NULL ? strrchr(out, '/') : NULL;
    FILE *f;

    if (slash == NULL)
        return false;
    snprintf(path, sizeof path, "%.*s/bac-a-sable-absent", (int)(slash - out), out);
    if ((f = fopen(path, "w")) == NULL)
        return false;
    fprintf(f, "%s\n", sandbox_reason());
    fclose(f);
    return true;
}

/* Le dossier d'état de cette exécution (récidive), effacé à la fin. */
static char state_dir[256];

static void remove_state_dir(void)
{
    DIR *d = opendir(state_dir);
    struct dirent *e;

    if (d == NULL)
        return;
    while ((e = readdir(d)) != NULL) {
        char path[512];

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", state_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(state_dir);
}

int main(int argc, char **argv)
{
    const char *exo = getenv("TD6_EXO"), *source = getenv("TD6_SOURCE");
    Suite *s;
    SRunner *sr;
    int rc;

    /* Relancée par bwrap comme pid 1 du bac à sable (voir bac_a_sable.c). */
    if (argc > 1 && strcmp(argv[1], "--td6-init") == 0)
        return td6_sandbox_init(argc, argv);
    exo = exo != NULL ? exo : "?";
    source = source != NULL ? source : "?";
    s = suite_create(exo);
    add_declared(s);
    if (getenv("TD6_LIST") != NULL || (argc > 1 && strcmp(argv[1], "--liste") == 0)) {
        for (size_t i = 0; i < n_registered; i++)
            printf("%s\t%s\n", registered[i].name, registered[i].description);
        return 0;
    }
    /* Avant tout thread et tout test : le réseau privé et le bac à sable
     * valent pour toute la suite. */
    sandbox_setup_suite();
    if (getenv("TD6_SANDBOX_PROBE") != NULL) {
        printf("%s\n", sandbox_reason());
        return sandbox_enabled() ? 0 : 1;
    }
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    snprintf(state_dir, sizeof state_dir, "%s/td6-etat-XXXXXX",
             getenv("TMPDIR") != NULL && strlen(getenv("TMPDIR")) < 200 ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(state_dir) != NULL)
        setenv("TD6_STATE_DIR", state_dir, 1);
    else
        state_dir[0] = '\0';
    sr = srunner_create(s);
    srunner_set_fork_status(sr, CK_FORK);
    printf("%s (%s)\n", exo, source);
    /* Sans bac à sable, le tableau des notes le dit en une ligne (il lit
     * « bac-a-sable-absent » dans le dossier des résultats) ; une suite
     * lancée seule le dit elle-même. */
    if (!sandbox_enabled() && !flag_no_sandbox(getenv("TD6_RESULTS")))
        printf("  ⚠ bac à sable indisponible : %s. Les programmes tournent sans protection "
               "(fichiers, processus du correcteur) : cette note n'est pas sûre.\n",
               sandbox_reason());
    fflush(stdout);
    srunner_run_all(sr, CK_SILENT);
    td6_sweep();
    rc = report(sr, exo, source, getenv("TD6_RESULTS"));
    srunner_free(sr);
    if (state_dir[0] != '\0')
        remove_state_dir();
    return rc;
}
