/*
 * bilan.c — le tableau des notes de `make test`, et ses rapports.
 *
 *     bilan DOSSIER EXERCICE...
 *
 * Lit dans DOSSIER, pour chaque exercice (écrits par sa suite ou par
 * scripts/tester.sh) :
 *   EXO.json         les résultats de la suite ;
 *   EXO.compilation  les erreurs, si le code n'a pas compilé ;
 *   EXO.liste        « nom<TAB>description » de chaque test (suite --liste) :
 *                    un exercice qui ne compile pas, ou dont la suite n'a pas
 *                    fini, vaut 0 sur TOUS ses tests, partout ;
 *   EXO.manquants    les fichiers attendus absents (un par ligne) ;
 *   EXO.duree        la durée de la suite, en secondes (pour JUnit) ;
 * et pour toute l'exécution :
 *   fichiers-modifies   les fichiers hors de td6/ qui diffèrent du sujet ;
 *   bac-a-sable-absent  présent si les programmes n'ont pas pu être isolés
 *                       (son contenu, s'il y en a, dit pourquoi).
 *
 * Chaque test est rangé dans une catégorie :
 *   base       compte dans la note (« Note : X / Y ») et dans les points ;
 *   bonus      nommé dans tests/EXO/bonus.txt (« pour aller plus loin ») :
 *              affiché et noté à part, ne coûte rien à la note de base ;
 *   hors_note  nom en cli_* (la ligne de commande) ou nommé dans
 *              tests/EXO/hors_note.txt : juge du code fourni, pas du travail
 *              de l'étudiant ; affiché mais compté nulle part.
 * Les points suivent le barème de .github/classroom/autograding.json : un
 * exercice rapporte ses points si tous ses tests de base passent (c'est ce
 * que fait Classroom), ses points de bonus si tous ses bonus passent.
 *
 * Écrit dans $TD6_REPORTS (défaut : le dossier parent de DOSSIER)
 * resultats.json, resultats.tap (TAP 13) et junit.xml, chacun d'un coup
 * (fichier temporaire puis renommage) ; avec $TD6_CSV, ajoute à ce fichier
 * une ligne CSV par exercice pour l'étudiant $TD6_STUDENT.
 * Tout texte venu des programmes est nettoyé (texte.h) : les rapports
 * restent valides quoi que l'étudiant affiche.
 * Code de sortie : 0 si tous les tests de base passent (avec
 * TD6_PART=bonus : tous les bonus), 1 sinon.
 */
#include "texte.h"

#include <jansson.h>
#include <libgen.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BASE, BONUS, HORS_NOTE, N_KINDS };
static const char *const kind_names[N_KINDS] = { "base", "bonus", "hors_note" };

typedef struct {
    long ok, n;
} count;

/* Les points d'un exercice (par ses deux chiffres) dans le barème. */
static long weights[100][2];

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : fallback;
}

/* Le début d'un fichier texte, ou NULL. */
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

static int exo_number(const char *exo)
{
    if (exo[0] >= '0' && exo[0] <= '9' && exo[1] >= '0' && exo[1] <= '9')
        return (exo[0] - '0') * 10 + exo[1] - '0';
    return -1;
}

/* Le barème de Classroom : chaque entrée lance « make test EXO=NN » (les
 * points de base) ou « make test EXO=NN PARTIE=bonus » (les points de
 * bonus). Sans ce fichier, pas de points, seulement des tests. */
static void load_weights(void)
{
    json_t *root = json_load_file(env_or("TD6_AUTOGRADING", ".github/classroom/autograding.json"),
                                  0, NULL);
    size_t i;
    json_t *t;

    json_array_foreach(json_object_get(root, "tests"), i, t) {
        const char *run = json_string_value(json_object_get(t, "run"));
        const char *exo = run != NULL ? strstr(run, "EXO=") : NULL;
        int k = exo != NULL ? exo_number(exo + 4) : -1;

        if (k >= 0)
            weights[k][strstr(run, "PARTIE=bonus") != NULL] +=
                (long)json_integer_value(json_object_get(t, "points"));
    }
    json_decref(root);
}

/* Les noms de tests listés dans tests/EXO/LISTE (bonus.txt, hors_note.txt),
 * en objet JSON utilisé comme ensemble. */
static json_t *load_list(const char *exo, const char *list)
{
    char path[4096], line[256];
    json_t *set = json_object();
    FILE *f;

    snprintf(path, sizeof path, "%s/%s/%s", env_or("TD6_TESTS", "tests"), exo, list);
    f = fopen(path, "r");
    if (f == NULL)
        return set;
    while (fgets(line, sizeof line, f) != NULL) {
        line[strcspn(line, " \t\r\n#")] = '\0';
        if (line[0] != '\0')
            json_object_set_new(set, line, json_true());
    }
    fclose(f);
    return set;
}

/* Les deux listes d'un exercice : ses bonus, ses tests du code fourni. */
typedef struct {
    json_t *bonus, *given;
} lists;

static lists load_lists(const char *exo)
{
    return (lists){ load_list(exo, "bonus.txt"), load_list(exo, "hors_note.txt") };
}

static void free_lists(lists *l)
{
    json_decref(l->bonus);
    json_decref(l->given);
}

static int kind_of(const lists *l, const char *name)
{
    if (strncmp(name, "cli_", 4) == 0 || json_object_get(l->given, name) != NULL)
        return HORS_NOTE;
    return json_object_get(l->bonus, name) != NULL ? BONUS : BASE;
}

/* Un exercice sans résultats de suite : chaque test de sa liste échoue
 * avec le même message (erreur = pas un verdict sur un test). Sans liste,
 * un seul test. */
static json_t *all_failed(const char *dir, const char *exo, const char *name,
                          const char *description, const char *msg)
{
    char path[4096], line[1024];
    json_t *tests = json_array();
    FILE *f;

    snprintf(path, sizeof path, "%s/%s.liste", dir, exo);
    f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        char *tab = strchr(line, '\t');
        /* Le message entier au premier test, un renvoi aux suivants. */
        const char *text = json_array_size(tests) == 0 ? msg : strcmp(name, "compilation") == 0
                               ? "échoué : le code ne compile pas (voir le premier test)"
                               : "échoué : la suite n'a pas tourné jusqu'au bout";

        line[strcspn(line, "\n")] = '\0';
        if (tab == NULL)
            continue;
        *tab = '\0';
        json_array_append_new(tests, json_pack("{s:s, s:s, s:b, s:s, s:s}", "nom", line,
                                               "description", tab + 1, "reussi", 0,
                                               "message", text, "erreur", name));
    }
    if (f != NULL)
        fclose(f);
    if (json_array_size(tests) == 0)
        json_array_append_new(tests, json_pack("{s:s, s:s, s:b, s:s, s:s}", "nom", name,
                                               "description", description, "reussi", 0,
                                               "message", msg, "erreur", name));
    return json_pack("{s:s, s:o}", "exercice", exo, "tests", tests);
}

/* Les résultats d'un exercice. */
static json_t *load(const char *dir, const char *exo)
{
    char path[4096], msg[2600];
    json_t *root;
    char *errors;

    snprintf(path, sizeof path, "%s/%s.compilation", dir, exo);
    errors = read_head(path, 2000);
    if (errors != NULL) {
        snprintf(msg, sizeof msg, "le code ne compile pas : aucun test ne peut tourner "
                 "(corrigez d'abord les erreurs ci-dessous, puis relancez make test) :\n%s",
                 errors);
        free(errors);
        return all_failed(dir, exo, "compilation",
                          "le programme compile sans erreur ni avertissement", msg);
    }
    snprintf(path, sizeof path, "%s/%s.json", dir, exo);
    root = json_load_file(path, 0, NULL);
    if (root != NULL && json_is_array(json_object_get(root, "tests")))
        return root;
    json_decref(root);
    return all_failed(dir, exo, "suite", "la suite de tests a pu s'exécuter",
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

/* XML : les cinq caractères réservés, et les fins de ligne dans les
 * attributs (le texte a déjà été nettoyé des caractères de contrôle). */
static void xml_escaped(FILE *f, const char *s, bool attribute)
{
    /* Les caractères à remplacer, et leur entité au même rang ; dans un
     * attribut, les fins de ligne et tabulations aussi (sinon elles
     * deviendraient des espaces à la lecture). */
    static const char special[] = "<>&\"'\n\t";
    static const char *const entity[] = { "&lt;", "&gt;", "&amp;", "&quot;", "&apos;",
                                          "&#10;", "&#9;" };
    size_t kept = attribute ? sizeof special - 1 : 5;

    for (; *s != '\0'; s++) {
        const char *hit = memchr(special, *s, kept);

        if (hit != NULL)
            fputs(entity[hit - special], f);
        else
            fputc(*s, f);
    }
}

/* TAP n'a qu'une ligne par test : on remplace les fins de ligne, et « # »
 * (qui ouvrirait une directive). */
static void tap_line(FILE *f, const char *s)
{
    for (; *s != '\0'; s++)
        fputc(*s == '\n' || *s == '\t' ? ' ' : *s == '#' ? '-' : *s, f);
}

/* Le type d'un échec, pour JUnit. */
static const char *failure_type(const char *msg)
{
    if (strstr(msg, "délai") != NULL || strstr(msg, "bloqué") != NULL)
        return "delai";
    if (strstr(msg, "planté") != NULL || strstr(msg, "anormalement") != NULL)
        return "plantage";
    if (tool_of(msg) != NULL)
        return "outil";
    return "verdict";
}

/* Nettoie en place les textes d'un test (voir texte.h). */
static void clean_field(json_t *t, const char *key, size_t max)
{
    char *c = td6_clean_text(json_string_value(json_object_get(t, key)), max);

    json_object_set_new(t, key, json_string(c != NULL ? c : ""));
    free(c);
}

typedef struct {
    FILE *tap, *junit, *csv;
    char *tap_path, *junit_path;
    int tap_index;
    bool tty;
} outputs;

/* Range et compte les tests d'un exercice ; écrit ses lignes TAP et JUnit. */
static void score(outputs *o, const char *dir, const char *exo, json_t *r, count c[N_KINDS])
{
    lists l = load_lists(exo);
    json_t *tests = json_object_get(r, "tests"), *t;
    long failures = 0, errors = 0;
    char path[4096];
    char *duration;
    size_t i;

    memset(c, 0, sizeof(count) * N_KINDS);
    json_array_foreach(tests, i, t) {
        const char *name;
        int kind;
        bool ok;

        clean_field(t, "nom", 200);
        clean_field(t, "description", 400);
        clean_field(t, "message", 4000);
        name = json_string_value(json_object_get(t, "nom"));
        kind = kind_of(&l, name);
        ok = json_is_true(json_object_get(t, "reussi"));
        json_object_set_new(t, "categorie", json_string(kind_names[kind]));
        c[kind].n++;
        c[kind].ok += ok;
        if (!ok && json_object_get(t, "erreur") != NULL)
            errors++;
        else if (!ok)
            failures++;
    }
    json_object_set_new(r, "reussis", json_integer(c[BASE].ok));
    json_object_set_new(r, "total", json_integer(c[BASE].n));

    snprintf(path, sizeof path, "%s/%s.duree", dir, exo);
    duration = read_head(path, 32);
    fprintf(o->junit,
            "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%ld\" errors=\"%ld\" "
            "skipped=\"0\" time=\"%.3f\">\n",
            exo, json_array_size(tests), failures, errors,
            duration != NULL ? atof(duration) : 0.0);
    free(duration);
    json_array_foreach(tests, i, t) {
        const char *name = json_string_value(json_object_get(t, "nom"));
        const char *desc = json_string_value(json_object_get(t, "description"));
        const char *msg = json_string_value(json_object_get(t, "message"));
        const char *err = json_string_value(json_object_get(t, "erreur"));
        int kind = kind_of(&l, name);
        bool ok = json_is_true(json_object_get(t, "reussi"));
        const char *label = kind == BONUS ? " [bonus]" : kind == HORS_NOTE ? " [non compté]" : "";

        /* TAP : un échec bonus ou non compté est un « TODO », que les
         * lecteurs de TAP ne comptent pas comme un échec. */
        fprintf(o->tap, "%s %d - %s: ", ok ? "ok" : "not ok", ++o->tap_index, exo);
        tap_line(o->tap, desc);
        if (!ok && kind != BASE)
            fprintf(o->tap, " # TODO %s : ", kind == BONUS ? "bonus" : "non compté");
        else if (!ok)
            fputs(" -- ", o->tap);
        if (!ok)
            tap_line(o->tap, msg);
        fputc('\n', o->tap);

        fprintf(o->junit, "    <testcase classname=\"td6.%s\" name=\"", exo);
        xml_escaped(o->junit, name, true);
        fputs(" — ", o->junit);
        xml_escaped(o->junit, desc, true);
        fprintf(o->junit, "%s\" time=\"0\">", label);
        if (!ok) {
            const char *tag = err != NULL ? "error" : "failure";

            fprintf(o->junit, "\n      <%s type=\"%s\" message=\"", tag,
                    err != NULL ? err : failure_type(msg));
            xml_escaped(o->junit, msg, true);
            fputs("\">", o->junit);
            xml_escaped(o->junit, msg, false);
            fprintf(o->junit, "</%s>\n    ", tag);
        }
        fputs("</testcase>\n", o->junit);
    }
    fputs("  </testsuite>\n", o->junit);
    free_lists(&l);
}

/* Ouvre DOSSIER/NOM.tmp-PID : le vrai nom ne sera donné qu'une fois le
 * fichier complet (commit), pour qu'un lecteur ne voie jamais un rapport à
 * moitié écrit, ni deux exécutions mélangées. */
static FILE *open_temp(const char *dir, const char *name, char **final)
{
    char path[4096];
    FILE *f;

    snprintf(path, sizeof path, "%s/%s.tmp-%ld", dir, name, (long)getpid());
    f = fopen(path, "w");
    if (f == NULL) {
        perror(path);
        exit(2);
    }
    if (asprintf(final, "%s/%s", dir, name) < 0)
        exit(2);
    return f;
}

static void commit(FILE *f, const char *final)
{
    char path[4096];

    snprintf(path, sizeof path, "%s.tmp-%ld", final, (long)getpid());
    if (fclose(f) != 0 || rename(path, final) != 0) {
        perror(final);
        exit(2);
    }
}

static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s != '\0'; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
    }
    fputc('"', f);
}

/* Une ligne de texte (la première) d'un fichier de DOSSIER, ou NULL s'il
 * n'existe pas ; "" s'il est vide. */
static char *flag(const char *dir, const char *name)
{
    char path[4096], *text, *clean;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    text = read_head(path, 4000);
    if (text == NULL)
        return NULL;
    clean = td6_clean_text(text, 1000);
    free(text);
    return clean;
}

int main(int argc, char **argv)
{
    json_t *all = json_object(), *note, *modified = json_array();
    outputs o = { 0 };
    count sum[N_KINDS] = { { 0, 0 } };
    long points = 0, points_max = 0, bonus_points = 0, bonus_max = 0;
    const char *reports, *student = getenv("TD6_STUDENT"), *csv = getenv("TD6_CSV");
    bool want_bonus = strcmp(env_or("TD6_PART", ""), "bonus") == 0;
    char copy[4096], *no_sandbox, *changed, *json_path;
    const char *first_failing = NULL;   /* le premier exercice à reprendre */
    FILE *js;

    if (argc < 2) {
        fprintf(stderr, "usage : bilan DOSSIER EXERCICE...\n");
        return 2;
    }
    snprintf(copy, sizeof copy, "%s", argv[1]);
    reports = env_or("TD6_REPORTS", dirname(copy));
    load_weights();
    o.tty = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
    o.tap = open_temp(reports, "resultats.tap", &o.tap_path);
    o.junit = open_temp(reports, "junit.xml", &o.junit_path);
    if (csv != NULL && (o.csv = fopen(csv, "a")) == NULL) {
        perror(csv);
        return 2;
    }
    fprintf(o.tap, "TAP version 13\n");
    fprintf(o.junit, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"td6\">\n");
    printf("\n%-24s %9s %9s %9s\n", "Exercice", "Réussis", "Points", "Bonus");
    printf("------------------------ --------- --------- ---------\n");
    for (int i = 2; i < argc; i++) {
        const char *exo = argv[i];
        json_t *r = load(argv[1], exo);
        int k = exo_number(exo);
        long w = k >= 0 ? weights[k][0] : 0, wb = k >= 0 ? weights[k][1] : 0;
        count c[N_KINDS];
        bool all_ok, bonus_ok;
        const char *colour, *reset = o.tty ? "\033[0m" : "";
        char bonus_cell[32] = "", *missing;

        score(&o, argv[1], exo, r, c);
        all_ok = c[BASE].ok == c[BASE].n;
        bonus_ok = c[BONUS].ok == c[BONUS].n;
        colour = !o.tty ? "" : all_ok ? "\033[32m" : "\033[31m";
        if (c[BONUS].n > 0)
            snprintf(bonus_cell, sizeof bonus_cell, "%ld / %ld", c[BONUS].ok, c[BONUS].n);
        printf("%-24s %s%4ld / %-3ld%s %s %4ld / %-3ld %s\n", exo, colour, c[BASE].ok, c[BASE].n,
               reset, c[BASE].n == 0 ? "·" : all_ok ? "✔" : "✘", all_ok ? w : 0, w, bonus_cell);
        {
            char name[512];

            snprintf(name, sizeof name, "%s.manquants", exo);
            missing = flag(argv[1], name);
            if (missing != NULL && *missing != '\0') {
                printf("    fichiers manquants : %s\n", missing);
                json_object_set_new(r, "manquants", json_string(missing));
            }
            free(missing);
        }
        json_object_set_new(r, "points", json_integer(all_ok ? w : 0));
        json_object_set_new(r, "points_max", json_integer(w));
        json_object_set_new(r, "bonus", json_pack("{s:i, s:i, s:i, s:i}", "reussis",
                                                  (json_int_t)c[BONUS].ok, "total",
                                                  (json_int_t)c[BONUS].n, "points",
                                                  (json_int_t)(bonus_ok ? wb : 0),
                                                  "points_max", (json_int_t)wb));
        json_object_set_new(r, "hors_note", json_pack("{s:i, s:i}", "reussis",
                                                      (json_int_t)c[HORS_NOTE].ok, "total",
                                                      (json_int_t)c[HORS_NOTE].n));
        if (o.csv != NULL) {
            csv_field(o.csv, student != NULL ? student : "");
            fprintf(o.csv, ",%s,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld\n", exo, c[BASE].ok,
                    c[BASE].n, all_ok ? w : 0, w, c[BONUS].ok, c[BONUS].n, bonus_ok ? wb : 0,
                    wb, c[HORS_NOTE].ok, c[HORS_NOTE].n);
        }
        for (int kind = 0; kind < N_KINDS; kind++) {
            sum[kind].ok += c[kind].ok;
            sum[kind].n += c[kind].n;
        }
        /* Un exercice sans test de base (07) est jugé sur ses bonus, comme
         * le code de sortie. */
        if (first_failing == NULL &&
            (want_bonus || c[BASE].n == 0 ? !bonus_ok : !all_ok))
            first_failing = exo;
        points += all_ok ? w : 0;
        points_max += w;
        bonus_points += bonus_ok ? wb : 0;
        bonus_max += wb;
        json_object_set_new(all, exo, r);
    }
    printf("------------------------ --------- --------- ---------\n");
    printf("Note : %ld / %ld\n", sum[BASE].ok, sum[BASE].n);
    if (sum[BASE].n == 0 && sum[BONUS].n > 0)
        printf("  (aucun test compté dans la note ici : tout est en bonus, jugé à part)\n");
    if (points_max > 0)
        printf("Points (barème de Classroom) : %ld / %ld\n", points, points_max);
    if (sum[BONUS].n > 0)
        printf("Bonus, à part (pour aller plus loin) : %ld / %ld tests, %ld / %ld points\n",
               sum[BONUS].ok, sum[BONUS].n, bonus_points, bonus_max);
    if (sum[HORS_NOTE].n > 0)
        printf("Non comptés (code fourni, pas le travail de l'étudiant) : %ld / %ld\n",
               sum[HORS_NOTE].ok, sum[HORS_NOTE].n);
    no_sandbox = flag(argv[1], "bac-a-sable-absent");
    if (no_sandbox != NULL)
        printf("⚠ Bac à sable indisponible : les programmes ont tourné sans isolement%s%s.\n",
               *no_sandbox != '\0' ? " — " : "", no_sandbox);
    changed = flag(argv[1], "fichiers-modifies");
    if (changed != NULL && *changed != '\0') {
        char *save = NULL;
        long n = 0;

        for (char *f = strtok_r(changed, " \n", &save); f != NULL; f = strtok_r(NULL, " \n", &save)) {
            json_array_append_new(modified, json_string(f));
            n++;
        }
        printf("⚠ %ld fichier(s) hors de td6/ diffèrent du sujet : cette note n'engage que "
               "vous, le correcteur note avec les siens (voir resultats.json).\n", n);
    }
    print_tools(all);
    /* Que faire ensuite, pour l'étudiant (pas dans make noter-classe). */
    if (first_failing != NULL && csv == NULL)
        printf("\nPour avancer : make indice EXO=%.2s, un indice pour le premier test en échec\n"
               "de %s (la ligne « make: *** [...] Error 1 » qui peut suivre dit seulement\n"
               "que des tests échouent).\n", first_failing, first_failing);
    fprintf(o.tap, "1..%d\n", o.tap_index);
    fputs("</testsuites>\n", o.junit);
    commit(o.tap, o.tap_path);
    commit(o.junit, o.junit_path);
    if (o.csv != NULL)
        fclose(o.csv);
    note = json_pack("{s:i, s:i, s:i, s:i, s:{s:i, s:i, s:i, s:i}, s:{s:i, s:i}, s:b, s:o}",
                     "reussis", (json_int_t)sum[BASE].ok, "total", (json_int_t)sum[BASE].n,
                     "points", (json_int_t)points, "points_max", (json_int_t)points_max,
                     "bonus", "reussis", (json_int_t)sum[BONUS].ok, "total",
                     (json_int_t)sum[BONUS].n, "points", (json_int_t)bonus_points,
                     "points_max", (json_int_t)bonus_max, "hors_note", "reussis",
                     (json_int_t)sum[HORS_NOTE].ok, "total", (json_int_t)sum[HORS_NOTE].n,
                     "bac_a_sable", no_sandbox == NULL, "fichiers_modifies", modified);
    json_object_set_new(all, "note", note);
    js = open_temp(reports, "resultats.json", &json_path);
    json_dumpf(all, js, JSON_INDENT(2));
    fputc('\n', js);
    commit(js, json_path);
    json_decref(all);
    free(no_sandbox);
    free(changed);
    free(o.tap_path);
    free(o.junit_path);
    free(json_path);
    /* Sans aucun test de base (le chapitre 07 n'a que des bonus), le code
     * de sortie suit les bonus : « 0 / 0 » n'est pas une réussite. */
    if (want_bonus || sum[BASE].n == 0)
        return sum[BONUS].ok == sum[BONUS].n ? 0 : 1;
    return sum[BASE].ok == sum[BASE].n ? 0 : 1;
}
