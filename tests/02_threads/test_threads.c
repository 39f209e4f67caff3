/*
 * Tests du chapitre 02 : threads [-w N] [URL...]
 *
 * Le programme est lancé contre le serveur local ; on juge ce qu'il affiche
 * (chaque URL lue une fois, lignes entières, dans n'importe quel ordre) et
 * ce que le serveur a vu (/stats) : avec N threads, N requêtes en même temps
 * au plus fort, et N connexions (une poignée par thread, gardée toute sa
 * vie). Jamais de chronomètre.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "td6_test.h"

#define PROG "threads"
#define N_SITES 160
#define JYTHON_BYTES 10782
#define DICE_BYTES 277

/* Latence faible quand seul le résultat compte ; plus grande quand il faut
 * voir les téléchargements se chevaucher (50 ms : même si l'autre cœur est
 * occupé, les threads ont tous le temps de démarrer pendant une requête). */
#define FAST_MS 2
#define OVERLAP_MS 50

/* ---- Outils ------------------------------------------------------------ */

/* url = base du serveur + path. */
static void server_path(char *url, size_t size, const char *path)
{
    snprintf(url, size, "%s%s", td6_server_url(), path);
}

/* Une page du serveur local que le programme doit lire : son URL et la
 * ligne « Read » qu'elle doit donner. */
typedef struct {
    char url[160];
    char read[512];
} expected_page;

/* Remplit `page` pour `path` (/jython ou /dice) ; renvoie sa ligne « Read ». */
static char *expect_page(expected_page *page, const char *path)
{
    server_path(page->url, sizeof page->url, path);
    snprintf(page->read, sizeof page->read, "Read %d from %s",
             strcmp(path, "/jython") == 0 ? JYTHON_BYTES : DICE_BYTES, page->url);
    return page->read;
}

/* Lignes « Read » attendues pour `n` URL alternant /jython et /dice, comme
 * la liste du cours. Tableau de chaînes allouées, à libérer avec
 * free_expected. */
static char **expected_alternating(size_t n)
{
    char **exp = calloc(n, sizeof *exp);

    ck_assert(exp != NULL);
    for (size_t i = 0; i < n; i++) {
        bool jython = i % 2 == 0;
        int len = snprintf(NULL, 0, "Read %d from %s/%s", jython ? JYTHON_BYTES : DICE_BYTES,
                           td6_server_url(), jython ? "jython" : "dice");

        exp[i] = malloc((size_t)len + 1);
        ck_assert(exp[i] != NULL);
        snprintf(exp[i], (size_t)len + 1, "Read %d from %s/%s",
                 jython ? JYTHON_BYTES : DICE_BYTES, td6_server_url(), jython ? "jython" : "dice");
    }
    return exp;
}

/* La première ligne de `text` (sans '\n'), coupée pour tenir dans buf. */
static const char *first_line(const char *text, char *buf, size_t size)
{
    size_t len = strcspn(text, "\n");

    snprintf(buf, size, "%.*s", (int)(len < size ? len : size - 1), text);
    return buf;
}

static void free_expected(char **exp, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(exp[i]);
    free(exp);
}

/* La dernière ligne doit être « Downloaded <n> in <s> seconds », et aucune
 * autre ligne ne doit être un « Downloaded ». */
static void check_summary(char **lines, size_t n, size_t count)
{
    const char *last = n > 0 ? lines[n - 1] : NULL;

    for (size_t i = 0; i + 1 < n; i++)
        ck_assert_msg(strncmp(lines[i], "Downloaded ", 11) != 0,
                      "« %s » est la ligne %zu sur %zu : « Downloaded » doit être la toute "
                      "dernière ligne. S'il sort avant des « Read », le thread principal ne "
                      "les a pas attendus : appelez pthread_join sur CHAQUE thread avant de "
                      "l'afficher.", lines[i], i + 1, n);
    td6_check_downloaded(last, count);
}

/* Les lignes 0..n-2 de la sortie doivent être exactement les lignes `exp`
 * (n_exp lignes), dans n'importe quel ordre : chacune entière, aucune en
 * double, aucune en trop, aucune perdue. */
static void check_reads(char **lines, size_t n, char **exp, size_t n_exp, const char *err)
{
    bool *used = calloc(n_exp, sizeof *used);
    size_t n_reads = n > 0 ? n - 1 : 0, missing = 0;
    const char *first_missing = NULL;

    ck_assert(used != NULL);
    for (size_t i = 0; i < n_reads; i++) {
        bool found = false, known = false;
        size_t bytes;
        char url[256], extra;

        for (size_t k = 0; k < n_exp && !found; k++) {
            if (strcmp(lines[i], exp[k]) != 0)
                continue;
            known = true;
            if (!used[k])
                used[k] = found = true;
        }
        if (found)
            continue;
        ck_assert_msg(sscanf(lines[i], "Read %zu from %255s%c", &bytes, url, &extra) == 2,
                      "Ligne %zu : « %s » n'est pas une ligne « Read <octets> from <url> » "
                      "entière. Deux threads ont-ils écrit dans la même ligne ? Écrivez toute la "
                      "ligne, '\\n' compris, en UN SEUL printf : stdio verrouille stdout le temps "
                      "d'un appel, pas entre deux appels.", i + 1, lines[i]);
        ck_assert_msg(!known,
                      "Ligne %zu : « %s » apparaît plus de fois qu'attendu : la même URL a été "
                      "téléchargée deux fois. Chaque thread doit prendre SA prochaine URL dans la "
                      "file : l'indice partagé se lit ET s'augmente sous le verrou.",
                      i + 1, lines[i]);
        ck_abort_msg("Ligne %zu : « %s » inattendue (mauvaise taille, ou URL qui n'était pas "
                     "demandée). Lignes attendues, par exemple : « %s ».", i + 1, lines[i],
                     exp[0]);
    }
    for (size_t k = 0; k < n_exp; k++) {
        if (!used[k] && missing++ == 0)
            first_missing = exp[k];
    }
    free(used);
    if (missing > 0) {
        /* La ligne manquante vient-elle d'un échec signalé sur stderr ? */
        const char *url = strstr(first_missing, " from ");
        const char *named = url != NULL ? strstr(err, url + 6) : NULL;
        char why[300];

        while (named != NULL && named > err && named[-1] != '\n')
            named--;
        ck_assert_msg(named == NULL,
                      "%zu lignes « Read » manquent sur %zu (par exemple « %s ») ; stderr "
                      "signale son échec : « %s ». Le serveur, lui, répond : une poignée "
                      "absente ou mal configurée (get_session) ?", missing, n_exp, first_missing,
                      first_line(named, why, sizeof why));
    }
    if (missing > 0) {
        /* Le serveur a-t-il vu autant de requêtes pour ce chemin (/jython ou
         * /dice) que de lignes attendues ? Si non, l'URL manquante n'a
         * jamais été demandée : aucun thread ne l'a prise. (Les URL en
         * échec, 404, 500 ou refus, ne comptent ni d'un côté ni de
         * l'autre.) */
        bool jython = strstr(first_missing, "/jython") != NULL;
        size_t wanted = 0;
        td6_stats st = td6_server_stats();
        long served = jython ? st.jython : st.dice;

        for (size_t k = 0; k < n_exp; k++)
            wanted += (strstr(exp[k], "/jython") != NULL) == jython;
        ck_assert_msg(st.requests < 0 || served >= (long)wanted,
                      "%zu lignes « Read » manquent sur %zu (par exemple « %s »), et le serveur "
                      "n'a reçu que %ld requêtes pour %s sur %zu attendues : ces URL n'ont "
                      "jamais été demandées, aucun thread ne les a prises. Chaque thread doit "
                      "prendre l'URL suivante de la file, la télécharger, et RECOMMENCER tant "
                      "que la file n'est pas vide : pas s'arrêter après sa première URL ni à "
                      "son premier échec, pas de parts fixées d'avance (n / n_workers URL "
                      "chacun : le reste de la division se perd). (Ou le programme a fini "
                      "avant que ses threads ne les prennent : pthread_join sur chacun.)",
                      missing, n_exp, first_missing, served, jython ? "/jython" : "/dice",
                      wanted);
    }
    ck_assert_msg(missing == 0,
                  "%zu lignes « Read » manquent sur %zu (par exemple « %s »). Chaque URL doit "
                  "être lue une fois. Le thread principal attend-il (pthread_join) CHAQUE thread "
                  "avant d'afficher « Downloaded » et de quitter ? Un thread qu'on n'attend pas "
                  "meurt avec le programme, et ses lignes avec lui.",
                  missing, n_exp, first_missing != NULL ? first_missing : "?");
}

/* Juge la sortie complète : lignes « Read » attendues puis « Downloaded ». */
static void check_output(const td6_result *r, char **exp, size_t n_exp, size_t count)
{
    char **lines;
    size_t n = td6_lines(r->out, &lines);

    check_summary(lines, n, count);
    check_reads(lines, n, exp, n_exp, r->err);
    td6_lines_free(lines, n);
}

/* Ce que le serveur doit avoir vu d'un pool de `workers` threads qui a
 * fait `requests` téléchargements. */
static void check_pool(const td6_result *r, long workers, long requests, const char *how)
{
    td6_stats st = td6_server_stats();
    char why[300];

    ck_assert_msg(st.requests == requests,
                  "%s : le serveur attendait %ld requêtes, il en a reçu %ld. Chaque URL doit "
                  "être téléchargée exactement une fois : plus, la file a donné deux fois la "
                  "même URL ; moins, des threads n'ont pas été attendus (pthread_join) ou les "
                  "téléchargements échouent. Début de stderr : « %s »",
                  how, requests, st.requests,
                  r->err[0] != '\0' ? first_line(r->err, why, sizeof why) : "(vide)");
    ck_assert_msg(st.peak >= workers,
                  "%s : %ld téléchargements simultanés attendus, le serveur n'en a vu que %ld "
                  "à la fois. Les threads attendent-ils les uns après les autres ? (un "
                  "pthread_join juste après chaque pthread_create, un verrou gardé pendant "
                  "curl_easy_perform, une seule poignée pour tous, ou l'appel provisoire de "
                  "download_worker par le thread principal...) Le verrou de la file ne doit "
                  "couvrir que la prise de l'URL.", how, workers, st.peak);
    ck_assert_msg(st.peak <= workers,
                  "%s : le serveur a vu %ld requêtes simultanées, plus que les %ld threads "
                  "demandés. Lancez-vous exactement n_workers threads (option -w) ?",
                  how, st.peak, workers);
    ck_assert_msg(st.connections <= workers,
                  "%s : %ld connexions TCP pour %ld threads : une seule par thread était "
                  "attendue. Chaque thread doit créer SA poignée une fois (au premier appel de "
                  "get_session), la ranger sous la clé, puis la réutiliser : pas une nouvelle "
                  "poignée par téléchargement.", how, st.connections, workers);
    ck_assert_msg(st.connections >= workers,
                  "%s : %ld connexions TCP seulement pour %ld threads, qui ont pourtant "
                  "téléchargé en même temps : des threads partagent-ils une poignée ? Chacun "
                  "doit avoir la sienne (libcurl interdit d'en partager une entre threads).",
                  how, st.connections, workers);
}

/* ---- Les tests ----------------------------------------------------------- */

TD6_TEST(tout_est_lu, 40,
         "les 160 pages du cours sont lues une fois chacune, lignes entières, puis "
         "« Downloaded »")
{
    td6_server_start(FAST_MS);
    td6_result r = td6_run(PROG, NULL, NULL, 30);
    td6_require_finished(&r, PROG);
    char **exp = expected_alternating(N_SITES);
    td6_stats st;

    check_output(&r, exp, N_SITES, N_SITES);
    st = td6_server_stats();
    ck_assert_msg(st.requests == N_SITES && st.jython == N_SITES / 2 && st.dice == N_SITES / 2,
                  "Le serveur attendait %d requêtes (%d /jython et %d /dice), il en a reçu %ld "
                  "(%ld /jython, %ld /dice) : chaque URL doit être téléchargée une seule fois.",
                  N_SITES, N_SITES / 2, N_SITES / 2, st.requests, st.jython, st.dice);
    ck_assert_msg(r.status == 0, "Tout a réussi : le code de sortie doit être 0 (lu %d).",
                  r.status);
    free_expected(exp, N_SITES);
    td6_result_free(&r);
}

/* Les tests du pool jugent le pic au rendez-vous du serveur
 * (td6_server_start_rendezvous) : les premières requêtes des N threads sont
 * en vol ensemble à coup sûr, même sur une machine surchargée ; un pool qui
 * n'en fait jamais N à la fois n'atteint jamais ce pic. */
TD6_TEST(cinq_threads, 60,
         "sans -w : 5 téléchargements simultanés et 5 connexions (une poignée par thread)")
{
    td6_server_start_rendezvous(OVERLAP_MS, 5);
    td6_result r = td6_run(PROG, NULL, NULL, 40);
    td6_require_finished(&r, PROG);
    char **exp = expected_alternating(N_SITES);

    check_pool(&r, 5, N_SITES, "Sans -w (5 threads par défaut, le max_workers du cours)");
    check_output(&r, exp, N_SITES, N_SITES);
    free_expected(exp, N_SITES);
    td6_result_free(&r);
}

TD6_TEST(trois_threads, 60, "avec -w 3 : 3 téléchargements simultanés et 3 connexions")
{
    enum { N = 90 };
    char urls[N][160];
    const char *args[N + 3] = { "-w", "3" };

    td6_server_start_rendezvous(OVERLAP_MS, 3);
    for (int i = 0; i < N; i++) {
        server_path(urls[i], sizeof urls[i], i % 2 == 0 ? "/jython" : "/dice");
        args[i + 2] = urls[i];
    }
    args[N + 2] = NULL;
    td6_result r = td6_run(PROG, args, NULL, 40);
    td6_require_finished(&r, PROG);
    char **exp = expected_alternating(N);

    check_pool(&r, 3, N, "Avec -w 3 et 90 URL");
    check_output(&r, exp, N, N);
    ck_assert_msg(r.status == 0, "Tout a réussi : le code de sortie doit être 0 (lu %d).",
                  r.status);
    free_expected(exp, N);
    td6_result_free(&r);
}

TD6_TEST(arguments, 30, "les URL données en arguments (après -w) remplacent la liste du cours")
{
    expected_page pages[3];
    char *exp[3];

    td6_server_start(FAST_MS);
    exp[0] = expect_page(&pages[0], "/dice");
    exp[1] = expect_page(&pages[1], "/jython");
    exp[2] = expect_page(&pages[2], "/dice");
    const char *args[] = { "-w", "2", pages[0].url, pages[1].url, pages[2].url, NULL };
    td6_result r = td6_run(PROG, args, NULL, 20);
    td6_require_finished(&r, PROG);

    check_output(&r, exp, 3, 3);
    ck_assert_msg(td6_server_stats().requests == 3,
                  "Avec 3 URL en arguments, le serveur doit voir 3 requêtes exactement (vu : "
                  "%ld). Les arguments remplacent la liste du cours.", td6_server_stats().requests);
    ck_assert_msg(r.status == 0, "Code de sortie 0 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

TD6_TEST(plus_de_threads_que_d_url, 30,
         "-w 200 pour 2 URL : chaque URL lue une fois, les threads sans travail s'arrêtent")
{
    expected_page jython, dice;
    char *exp[2];

    td6_server_start(FAST_MS);
    exp[0] = expect_page(&jython, "/jython");
    exp[1] = expect_page(&dice, "/dice");
    const char *args[] = { "-w", "200", jython.url, dice.url, NULL };
    td6_result r = td6_run(PROG, args, NULL, 20);
    td6_require_finished(&r, PROG);

    check_output(&r, exp, 2, 2);
    ck_assert_msg(td6_server_stats().requests == 2,
                  "-w 200 et 2 URL : le serveur doit voir 2 requêtes (vu : %ld). Les threads "
                  "qui trouvent la file vide doivent s'arrêter sans rien télécharger.",
                  td6_server_stats().requests);
    ck_assert_msg(r.status == 0, "Code de sortie 0 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

TD6_TEST(url_en_echec, 30,
         "une URL en échec (404, 500, refus) est signalée et les autres continuent")
{
    char missing[160], broken[160];
    const char *refused = "http://127.0.0.1:1/dice";
    expected_page ok1, ok2;
    char *exp[2];

    td6_server_start(FAST_MS);
    exp[0] = expect_page(&ok1, "/jython");
    server_path(missing, sizeof missing, "/page-inexistante");
    server_path(broken, sizeof broken, "/xkcd/9003/info.0.json");
    exp[1] = expect_page(&ok2, "/dice");
    const char *args[] = { "-w", "3", ok1.url, missing, refused, broken, ok2.url, NULL };
    td6_result r = td6_run(PROG, args, NULL, 20);
    td6_require_finished(&r, PROG);

    check_output(&r, exp, 2, 5);
    ck_assert_msg(td6_count(r.err, missing) == 1 && td6_count(r.err, refused) == 1 &&
                  td6_count(r.err, broken) == 1,
                  "Chaque URL en échec (404, connexion refusée, 500) doit être nommée une fois "
                  "dans un message sur stderr, et les autres doivent continuer. stderr : "
                  "« %.400s »", r.err);
    ck_assert_msg(r.status == 1, "Une URL au moins a échoué : code de sortie 1 attendu, "
                  "lu %d. Chaque thread compte ses échecs ; additionnez-les après les join.",
                  r.status);
    td6_result_free(&r);
}

TD6_TEST(delai_depasse, 20,
         "un serveur muet fait échouer l'URL au bout du délai, les autres threads "
         "continuent")
{
    char slow[160];
    expected_page pages[3];
    char *exp[3];

    td6_server_start(FAST_MS);
    server_path(slow, sizeof slow, "/xkcd/9005/info.0.json");
    for (int i = 0; i < 3; i++)
        exp[i] = expect_page(&pages[i], i == 1 ? "/jython" : "/dice");
    const char *args[] = { "-w", "2", slow, pages[0].url, pages[1].url, pages[2].url, NULL };
    td6_result r = td6_run_with_silent_server(PROG, args, slow,
                                              "sur la poignée de CHAQUE thread");
    check_output(&r, exp, 3, 4);
    ck_assert_msg(r.status == 1, "Code de sortie 1 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

/* ---- Lignes entières, à coup sûr ----------------------------------------- */

/* threads -w 5 sur 20 URL, avec la cale build/tests/lib/entrelace.so
 * (LD_PRELOAD) : chaque appel de stdio qui écrit un morceau de ligne sur
 * stdout attend qu'un autre thread écrive à son tour. Une ligne « Read »
 * écrite en deux printf est alors coupée à chaque fois, au lieu d'une fois
 * de temps en temps : le verdict ne dépend plus de la chance. Un programme
 * qui écrit chaque ligne en un seul appel n'est pas ralenti. */
TD6_TEST(lignes_entieres, 60,
         "-w 5 : chaque ligne « Read » est écrite d'un bloc, même quand un autre "
         "thread écrit entre deux appels de stdio")
{
    enum { N = 20 };
    char urls[N][160], preload[4200];
    const char *args[N + 3] = { "-w", "5" };
    const char *server = getenv("TD6_SERVER_BIN");
    const char *suffix = "serveur/serveur";
    size_t len = server != NULL ? strlen(server) : 0;

    ck_assert_msg(len >= strlen(suffix) && strcmp(server + len - strlen(suffix), suffix) == 0,
                  "test : $TD6_SERVER_BIN (%s) ne finit pas par %s.", server ? server : "?",
                  suffix);
    char relative[4200], absolute[PATH_MAX];

    snprintf(relative, sizeof relative, "%.*stests/lib/entrelace.so",
             (int)(len - strlen(suffix)), server);
    /* Un chemin absolu : le programme tourne ailleurs (dans le bac à sable,
     * son dossier courant est un /tmp neuf), et ld.so ignore sans bruit une
     * cale qu'il ne trouve pas. */
    ck_assert_msg(realpath(relative, absolute) != NULL && access(absolute, R_OK) == 0,
                  "test : la cale %s n'est pas construite (make outils).", relative);
    snprintf(preload, sizeof preload, "LD_PRELOAD=%s", absolute);
    td6_server_start(OVERLAP_MS);
    for (int i = 0; i < N; i++) {
        server_path(urls[i], sizeof urls[i], i % 2 == 0 ? "/jython" : "/dice");
        args[i + 2] = urls[i];
    }
    args[N + 2] = NULL;
    const char *env[] = { preload, NULL };
    td6_result r = td6_run(PROG, args, env, 40);
    td6_require_finished(&r, PROG);
    char **exp = expected_alternating(N);

    check_output(&r, exp, N, N);
    free_expected(exp, N);
    td6_result_free(&r);
}

/* ---- Sous sanitizer ------------------------------------------------------ */

/* threads -w 4 sur 12 URL, une sur deux en échec (404), 300 ms de latence :
 * dans chaque vague, deux threads échouent EN MÊME TEMPS (leurs requêtes
 * partent ensemble et reviennent ensemble, sans verrou pris entre les
 * deux), et tous prennent des URL dans la file. Le
 * programme est celui compilé avec un sanitizer (make test le construit) :
 * ThreadSanitizer signale toute variable partagée touchée sans verrou par
 * deux threads (l'indice de la file lu hors du verrou, un compteur
 * d'échecs commun...), même si la course n'a rien cassé cette fois-ci ;
 * AddressSanitizer, un accès mémoire invalide ou une fuite (une poignée
 * jamais libérée). Le rapport ne dépend pas de l'ordre des threads : il
 * suffit que les deux accès aient eu lieu sans verrou entre eux. */
static void sanitized_run(const char *variable)
{
    enum { N = 12 };
    char urls[N][160];
    const char *args[N + 3] = { "-w", "4" };

    td6_server_start(300);
    for (int i = 0; i < N; i++) {
        server_path(urls[i], sizeof urls[i], i % 2 == 0 ? "/dice" : "/page-inexistante");
        args[i + 2] = urls[i];
    }
    args[N + 2] = NULL;
    td6_use_sanitized(variable);
    td6_result r = td6_run(PROG, args, NULL, 60);
    td6_require_finished(&r, PROG);
    ck_assert_msg(td6_server_stats().requests == N,
                  "Sous sanitizer : %d requêtes attendues, %ld reçues par le serveur.", N,
                  td6_server_stats().requests);
    td6_result_free(&r);
}

TD6_TEST(tsan_threads, 90,
         "ThreadSanitizer : aucune course de données (-w 4, 12 URL dont 6 en échec)")
{
    sanitized_run("TD6_BIN_TSAN");
}

TD6_TEST(asan_threads, 90, "AddressSanitizer + UBSan : ni accès invalide, ni fuite de mémoire")
{
    sanitized_run("TD6_BIN_ASAN");
}

TD6_TEST(serveur_absent, 40,
         "sans serveur : une ligne d'erreur par URL, code de sortie 1, pas de plantage")
{
    /* Personne n'écoute sur le port 1 : chaque connexion est refusée. */
    const char *env[] = { "TD6_SERVER=http://127.0.0.1:1", NULL };
    td6_result r = td6_run(PROG, NULL, env, 30);
    char **lines;
    size_t n, named = 0, explained = 0;

    td6_require_finished(&r, PROG);
    ck_assert_msg(td6_count(r.out, "Read ") == 0,
                  "Aucun serveur : aucune page ne peut être lue, et pourtant la sortie "
                  "contient des « Read ». Vérifiez le code de retour de curl_easy_perform.");
    n = td6_lines(r.err, &lines);
    for (size_t i = 0; i < n; i++) {
        named += strstr(lines[i], "http://127.0.0.1:1/") != NULL;
        /* La cause, en français (td6_curl_error) ou dans le texte de libcurl :
         * sans téléchargement tenté, il n'y a pas de connexion refusée. */
        explained += strstr(lines[i], "http://127.0.0.1:1/") != NULL &&
                     (strcasestr(lines[i], "connexion") != NULL ||
                      strcasestr(lines[i], "connect") != NULL);
    }
    td6_lines_free(lines, n);
    ck_assert_msg(named == N_SITES && td6_count(r.err, "http://127.0.0.1:1/jython") == 80 &&
                  td6_count(r.err, "http://127.0.0.1:1/dice") == 80,
                  "Serveur absent : %d lignes d'erreur attendues sur stderr, une par URL avec "
                  "son adresse ; %zu vues. Chaque message doit tenir en un seul fprintf. "
                  "stderr : « %.300s »", N_SITES, named, r.err);
    ck_assert_msg(explained == N_SITES,
                  "Serveur absent : chaque message doit dire que la connexion a été refusée "
                  "(le code de curl_easy_perform, expliqué par td6_curl_error) ; %zu sur %d le "
                  "disent. stderr : « %.300s ». Le téléchargement a-t-il été tenté (une poignée "
                  "par thread, get_session) ?", explained, N_SITES, r.err);
    ck_assert_msg(r.status == 1, "Serveur absent : code de sortie 1 attendu, lu %d.",
                  r.status);
    td6_result_free(&r);
}

TD6_CLI_TESTS(PROG, "URL -w 1 1000");
