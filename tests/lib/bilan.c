/*
 * bilan.c — le tableau des notes de `make test`.
 *
 *     bilan DOSSIER EXERCICE...
 *
 * Lit DOSSIER/<exercice>.json (écrit par chaque suite, ou par
 * scripts/tester.sh quand le programme ne compile pas), affiche le tableau
 * par exercice et la ligne « Note : X / Y », puis écrit build/resultats.json,
 * build/resultats.tap (TAP) et build/junit.xml (JUnit) à côté de DOSSIER.
 * Un exercice sans fichier de résultats compte comme un échec.
 * Code de sortie : 0 si tout passe, 1 sinon.
 */
#include <jansson.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    FILE *tap, *junit;
    int tap_index;
    bool tty;
} outputs;

/* Le début d'un fichier texte (les erreurs de compilation), ou NULL. */
static char *read_head(const char *path, size_t max)
{
    FILE *f = fopen(path, "r");
    char *text;
    size_t n;

    if (f == NULL)
        return NULL;
    text = calloc(1, max + 1);
    n = text != NULL ? fread(text, 1, max, f) : 0;
    fclose(f);
    if (text != NULL)
        text[n] = '\0';
    return text;
}

static json_t *failure(const char *exo, const char *name, const char *desc, const char *msg)
{
    return json_pack("{s:s, s:i, s:i, s:[{s:s, s:s, s:b, s:s}]}", "exercice", exo, "reussis",
                     0, "total", 1, "tests", "nom", name, "description", desc, "reussi", 0,
                     "message", msg);
}

/* Les résultats d'un exercice ; un échec explicite s'ils manquent. */
static json_t *load(const char *dir, const char *exo)
{
    char path[4096], msg[2600];
    json_t *root;
    char *errors;

    snprintf(path, sizeof path, "%s/%s.compilation", dir, exo);
    errors = read_head(path, 2000);
    if (errors != NULL) {
        snprintf(msg, sizeof msg, "le code ne compile pas (corrigez d'abord les erreurs "
                 "ci-dessous, puis relancez make test) :\n%s", errors);
        free(errors);
        return failure(exo, "compilation", "le programme compile sans erreur ni avertissement",
                       msg);
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, exo);
    root = json_load_file(path, 0, NULL);
    if (root != NULL)
        return root;
    return failure(exo, "suite", "la suite de tests a pu s'exécuter",
                   "aucun résultat : la suite de tests n'a pas tourné jusqu'au bout");
}

/* L'outil qui a parlé dans un message d'échec (voir td6_require_clean),
 * ou NULL. */
static const char *tool_of(const char *msg)
{
    static const struct {
        const char *mark, *tool;
    } tools[] = {
        { "course de données", "ThreadSanitizer" },
        { "(ThreadSanitizer)", "ThreadSanitizer" },
        { "(AddressSanitizer)", "AddressSanitizer" },
        { "(LeakSanitizer)", "LeakSanitizer" },
        { "(UBSan)", "UBSan" },
        { "valgrind (memcheck)", "valgrind" },
    };

    for (size_t i = 0; msg != NULL && i < sizeof tools / sizeof tools[0]; i++)
        if (strstr(msg, tools[i].mark) != NULL)
            return tools[i].tool;
    return NULL;
}

/* Après le tableau : quel outil (sanitizer, valgrind) a signalé quoi, test
 * par test. Rien si aucun n'a parlé. */
static void print_tools(json_t *all)
{
    const char *exo;
    json_t *r;
    bool any = false;

    json_object_foreach(all, exo, r) {
        size_t i;
        json_t *t;

        json_array_foreach(json_object_get(r, "tests"), i, t) {
            const char *msg = json_string_value(json_object_get(t, "message"));
            const char *tool = tool_of(msg);
            const char *what = msg != NULL ? strstr(msg, "a trouvé ") : NULL;

            if (what != NULL)
                what += strlen("a trouvé ");

            if (tool == NULL)
                continue;
            if (!any)
                printf("\nRapports des outils de vérification :\n");
            any = true;
            printf("  %-20s %-28s %s : %.*s\n", exo,
                   json_string_value(json_object_get(t, "nom")), tool,
                   what != NULL ? (int)strcspn(what, ".") : 0, what != NULL ? what : "");
        }
    }
}

static void xml_escaped(FILE *f, const char *s)
{
    for (; *s != '\0'; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* TAP n'a qu'une ligne par test : on remplace les fins de ligne. */
static void tap_line(FILE *f, const char *s)
{
    for (; *s != '\0'; s++)
        fputc(*s == '\n' ? ' ' : *s, f);
}

static void write_tests(outputs *o, const char *exo, json_t *tests)
{
    size_t i;
    json_t *t;

    fprintf(o->junit, "  <testsuite name=\"%s\" tests=\"%zu\">\n", exo, json_array_size(tests));
    json_array_foreach(tests, i, t) {
        const char *name = json_string_value(json_object_get(t, "nom"));
        const char *desc = json_string_value(json_object_get(t, "description"));
        const char *msg = json_string_value(json_object_get(t, "message"));
        bool ok = json_is_true(json_object_get(t, "reussi"));

        fprintf(o->tap, "%s %d - %s: %s", ok ? "ok" : "not ok", ++o->tap_index, exo, desc);
        if (!ok) {
            fputs(" # ", o->tap);
            tap_line(o->tap, msg != NULL ? msg : "");
        }
        fputc('\n', o->tap);
        fprintf(o->junit, "    <testcase classname=\"%s\" name=\"%s\">", exo, name);
        if (!ok) {
            fputs("<failure message=\"", o->junit);
            xml_escaped(o->junit, msg != NULL ? msg : "");
            fputs("\"/>", o->junit);
        }
        fputs("</testcase>\n", o->junit);
    }
    fputs("  </testsuite>\n", o->junit);
}

static FILE *open_beside(const char *dir, const char *name)
{
    char copy[4096], path[4096];
    FILE *f;

    snprintf(copy, sizeof copy, "%s", dir);
    snprintf(path, sizeof path, "%s/%s", dirname(copy), name);
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    return f;
}

int main(int argc, char **argv)
{
    json_t *all = json_object();
    outputs o = { 0 };
    long passed = 0, total = 0;

    if (argc < 2) {
        fprintf(stderr, "usage : bilan DOSSIER EXERCICE...\n");
        return 2;
    }
    o.tty = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    o.tap = open_beside(argv[1], "resultats.tap");
    o.junit = open_beside(argv[1], "junit.xml");
    fprintf(o.tap, "TAP version 13\n");
    fprintf(o.junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"td6\">\n");
    printf("\n%-24s %9s\n", "Exercice", "Réussis");
    printf("------------------------ ---------\n");
    for (int i = 2; i < argc; i++) {
        json_t *r = load(argv[1], argv[i]);
        long ok = (long)json_integer_value(json_object_get(r, "reussis"));
        long n = (long)json_integer_value(json_object_get(r, "total"));
        const char *colour = !o.tty ? "" : ok == n ? "\033[32m" : "\033[31m";

        printf("%-24s %s%4ld / %-3ld%s %s\n", argv[i], colour, ok, n, o.tty ? "\033[0m" : "",
               ok == n ? "✔" : "✘");
        write_tests(&o, argv[i], json_object_get(r, "tests"));
        passed += ok;
        total += n;
        json_object_set_new(all, argv[i], r);
    }
    printf("------------------------ ---------\n");
    printf("Note : %ld / %ld\n", passed, total);
    print_tools(all);
    fprintf(o.tap, "1..%d\n", o.tap_index);
    fputs("</testsuites>\n", o.junit);
    fclose(o.tap);
    fclose(o.junit);
    {
        char copy[4096], path[4096];

        snprintf(copy, sizeof copy, "%s", argv[1]);
        snprintf(path, sizeof path, "%s/resultats.json", dirname(copy));
        json_object_set_new(all, "note", json_pack("{s:i, s:i}", "reussis", passed, "total", total));
        json_dump_file(all, path, JSON_INDENT(2));
    }
    json_decref(all);
    return passed == total ? 0 : 1;
}
