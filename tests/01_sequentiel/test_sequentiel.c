/*
 * Tests du chapitre 01 : sequentiel [URL...]
 *
 * Le programme est lancé contre le serveur local ; on juge ce qu'il affiche
 * et ce que le serveur a vu (/stats) : 160 requêtes, une seule connexion
 * (la poignée est réutilisée), jamais deux requêtes en même temps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "td6_test.h"

#define PROG "sequentiel"
#define N_SITES 160

/* Une latence faible suffit ici : on ne mesure rien au chronomètre. */
#define LATENCY_MS 2

/* Vérifie que la ligne `line` vaut « Read <bytes> from <url> ». */
static void check_read_line(const char *line, size_t index, long bytes, const char *url)
{
    char expected[512];

    snprintf(expected, sizeof expected, "Read %ld from %s", bytes, url);
    ck_assert_msg(line != NULL && strcmp(line, expected) == 0,
                  "Ligne %zu : attendu « %s », lu « %s ». Chaque téléchargement réussi "
                  "affiche une ligne « Read <octets> from <url> », dans l'ordre de la liste.",
                  index + 1, expected, line != NULL ? line : "(rien)");
}

TD6_TEST(tout_est_lu, 40, "les 160 pages du cours sont lues, dans l'ordre, avec la bonne taille")
{
    td6_server_start(LATENCY_MS);
    td6_result r = td6_run(PROG, NULL, NULL, 30);
    td6_require_finished(&r, PROG);
    char **lines;
    size_t n = td6_lines(r.out, &lines);
    char jython[160], dice[160];

    snprintf(jython, sizeof jython, "%s/jython", td6_server_url());
    snprintf(dice, sizeof dice, "%s/dice", td6_server_url());
    ck_assert_msg(n == N_SITES + 1,
                  "Sans argument, le programme doit lire les %d pages du cours (/jython et "
                  "/dice, 80 fois chacune, depuis $TD6_SERVER) : %d lignes attendues, %zu lues.",
                  N_SITES, N_SITES + 1, n);
    for (size_t i = 0; i < N_SITES; i++)
        check_read_line(lines[i], i, i % 2 == 0 ? 10782 : 277, i % 2 == 0 ? jython : dice);
    td6_check_downloaded(lines[N_SITES], N_SITES);
    ck_assert_msg(r.status == 0, "Tout a réussi : le code de sortie doit être 0 (lu %d).",
                  r.status);
    td6_lines_free(lines, n);
    td6_result_free(&r);
}

TD6_TEST(une_seule_connexion, 40,
         "une seule connexion et une seule requête à la fois (poignée réutilisée)")
{
    td6_server_start(LATENCY_MS);
    td6_result r = td6_run(PROG, NULL, NULL, 30);
    td6_require_finished(&r, PROG);
    td6_stats st = td6_server_stats();

    ck_assert_msg(st.requests == N_SITES,
                  "Le serveur attendait %d requêtes, il en a reçu %ld.", N_SITES, st.requests);
    ck_assert_msg(st.connections == 1,
                  "Le serveur a vu %ld connexions pour %d téléchargements : une seule était "
                  "attendue. Créez la poignée (curl_easy_init) UNE fois, avant la boucle, et "
                  "réutilisez-la : libcurl garde alors la connexion ouverte, comme "
                  "requests.Session().", st.connections, N_SITES);
    ck_assert_msg(st.peak == 1,
                  "Le serveur a vu jusqu'à %ld requêtes simultanées : ce programme doit "
                  "télécharger une page à la fois.", st.peak);
    td6_result_free(&r);
}

TD6_TEST(arguments, 40, "les URL données en arguments remplacent la liste du cours")
{
    char urls[3][160];
    const char *args[4];

    td6_server_start(LATENCY_MS);
    snprintf(urls[0], sizeof urls[0], "%s/dice", td6_server_url());
    snprintf(urls[1], sizeof urls[1], "%s/jython", td6_server_url());
    snprintf(urls[2], sizeof urls[2], "%s/dice", td6_server_url());
    for (int i = 0; i < 3; i++)
        args[i] = urls[i];
    args[3] = NULL;
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    char **lines;
    size_t n = td6_lines(r.out, &lines);

    ck_assert_msg(n == 4, "Avec 3 URL en arguments, 4 lignes attendues (3 « Read » et "
                  "« Downloaded »), %zu lues. Les arguments remplacent la liste du cours.", n);
    check_read_line(lines[0], 0, 277, urls[0]);
    check_read_line(lines[1], 1, 10782, urls[1]);
    check_read_line(lines[2], 2, 277, urls[2]);
    td6_check_downloaded(lines[3], 3);
    td6_lines_free(lines, n);
    td6_result_free(&r);
}

TD6_TEST(url_en_echec, 40,
         "une URL en échec (404, 500, refus) est signalée et les autres continuent")
{
    char ok1[160], missing[160], broken[160], ok2[160];
    const char *refused = "http://127.0.0.1:1/dice";

    td6_server_start(LATENCY_MS);
    snprintf(ok1, sizeof ok1, "%s/jython", td6_server_url());
    snprintf(missing, sizeof missing, "%s/page-inexistante", td6_server_url());
    snprintf(broken, sizeof broken, "%s/xkcd/9003/info.0.json", td6_server_url());
    snprintf(ok2, sizeof ok2, "%s/dice", td6_server_url());
    const char *args[] = { ok1, missing, refused, broken, ok2, NULL };
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    char **lines;
    size_t n = td6_lines(r.out, &lines);

    ck_assert_msg(n == 3,
                  "Sur 5 URL dont 3 en échec (404, connexion refusée, 500), 3 lignes attendues "
                  "sur la sortie standard (2 « Read » et « Downloaded »), %zu lues. Une URL en "
                  "échec ne doit ni s'afficher comme lue, ni arrêter les suivantes.", n);
    check_read_line(lines[0], 0, 10782, ok1);
    check_read_line(lines[1], 1, 277, ok2);
    td6_check_downloaded(lines[2], 5);
    ck_assert_msg(strstr(r.err, missing) && strstr(r.err, refused) && strstr(r.err, broken),
                  "Chaque URL en échec doit être nommée dans un message sur stderr. "
                  "stderr : « %.300s »", r.err);
    ck_assert_msg(r.status == 1, "Une URL au moins a échoué : code de sortie 1 attendu, "
                  "lu %d.", r.status);
    td6_lines_free(lines, n);
    td6_result_free(&r);
}

TD6_TEST(delai_depasse, 20, "un serveur muet fait échouer l'URL au bout du délai, pas le programme")
{
    char slow[160], ok[160];

    td6_server_start(LATENCY_MS);
    snprintf(slow, sizeof slow, "%s/xkcd/9005/info.0.json", td6_server_url());
    snprintf(ok, sizeof ok, "%s/dice", td6_server_url());
    const char *args[] = { slow, ok, NULL };
    td6_result r = td6_run_with_silent_server(PROG, args, slow, "sur la poignée");

    ck_assert_msg(td6_count(r.out, "Read 277 from ") == 1,
                  "Après le délai dépassé, l'URL suivante doit être lue. Sortie : « %.300s »",
                  r.out);
    ck_assert_msg(r.status == 1, "Code de sortie 1 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

/* Le programme compilé avec AddressSanitizer + UBSan (make test le
 * construit) : ni accès mémoire invalide, ni comportement indéfini, ni fuite
 * (LeakSanitizer, à la sortie : une poignée jamais libérée, une réponse
 * jamais rendue). Deux pages et une URL en échec suffisent. */
TD6_TEST(asan_sequentiel, 90, "AddressSanitizer + UBSan : ni accès invalide, ni fuite de mémoire")
{
    char ok[2][160], missing[160];

    td6_server_start(2);
    snprintf(ok[0], sizeof ok[0], "%s/dice", td6_server_url());
    snprintf(ok[1], sizeof ok[1], "%s/jython", td6_server_url());
    snprintf(missing, sizeof missing, "%s/page-inexistante", td6_server_url());
    const char *args[] = { ok[0], missing, ok[1], NULL };
    td6_use_sanitized("TD6_BIN_ASAN");
    td6_result r = td6_run(PROG, args, NULL, 60);
    td6_require_finished(&r, PROG);
    /* Propre parce qu'il a fait le travail, pas parce qu'il n'a rien fait :
     * un programme qui ne télécharge rien n'a rien à signaler non plus. */
    char **lines;
    size_t n = td6_lines(r.out, &lines);

    ck_assert_msg(n == 3, "Sous AddressSanitizer, 2 pages sur 3 URL : 3 lignes attendues "
                  "(2 « Read » et « Downloaded »), %zu lues : le test ne juge la mémoire que "
                  "d'un programme qui télécharge vraiment.", n);
    check_read_line(lines[0], 0, 277, ok[0]);
    check_read_line(lines[1], 1, 10782, ok[1]);
    td6_lines_free(lines, n);
    td6_result_free(&r);
}

TD6_TEST(serveur_absent, 40, "sans serveur : message clair, code de sortie 1, pas de plantage")
{
    td6_result r = td6_run_without_server(PROG, "Vérifiez le code de retour de "
                                               "curl_easy_perform.");

    ck_assert_msg(strstr(r.err, "http://127.0.0.1:1/jython") != NULL,
                  "Serveur absent : chaque échec doit être signalé sur stderr avec son URL. "
                  "stderr : « %.300s »", r.err);
    ck_assert_msg(r.status == 1, "Serveur absent : code de sortie 1 attendu, lu %d.",
                  r.status);
    td6_result_free(&r);
}

TD6_CLI_TESTS(PROG, "URL");
TD6_CLI_TESTS("serveur", "AUCUN -p 0 65535");
