/*
 * Tests du chapitre 03 : asynchrone [-m CONNEXIONS] [URL...]
 * (ceux de boucle.c sont dans test_boucle.c, de la même suite).
 *
 * Le programme est lancé contre le serveur local ; on juge ce qu'il affiche
 * (les lignes « Read » dans n'importe quel ordre : les réponses arrivent
 * quand elles arrivent), ce que le serveur a vu (/stats : requêtes en vol
 * en même temps, connexions) et le nombre de threads du processus pendant
 * qu'il tourne (/proc/<pid>/task). Jamais de chronomètre.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outils03.h"

#define PROG "asynchrone"

/* Le conseil des tests qui attendent le code de sortie 1. */
#define FAILURES_COUNTED                                                                    \
    " Les échecs sont-ils comptés ? finish_transfer renvoie ce que dit download_site, "    \
    "collect_finished additionne les échecs, et main en fait le code de sortie."


TD6_TEST(tout_est_lu, 40,
         "les 160 pages du cours sont lues (dans n'importe quel ordre), avec la bonne taille")
{
    check_all_read(PROG);
}

TD6_TEST(tout_en_vol, 40, "sans -m, le serveur voit les 160 requêtes en vol en même temps")
{
    check_all_in_flight(PROG);
}

TD6_TEST(limite_m10, 40, "avec -m 10, exactement 10 requêtes en vol au plus")
{
    expected_read reads[N_COURSE];
    char urls[N_COURSE][160];
    const char *args[] = { "-m", "10", NULL };

    /* Rendez-vous à 10 : les 10 premières requêtes sont en vol ensemble
     * à coup sûr, même sur une machine chargée ; ensuite, 100 ms de latence
     * laissent le temps à une 11e de se montrer si la limite manque. */
    td6_server_start_rendezvous(100, 10);
    course_reads(reads, urls);
    td6_result r = td6_run(PROG, args, NULL, 40);
    td6_require_finished(&r, PROG);
    td6_stats st = td6_server_stats();

    ck_assert_msg(st.peak == 10,
                  "Avec -m 10, le serveur doit voir exactement 10 requêtes simultanées au "
                  "plus ; il en a vu %ld. %s", st.peak,
                  st.peak > 10 ? "La limite n'est pas appliquée "
                  "(curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max)), ou "
                  "chaque requête ouvre une connexion neuve (voir connexions_partagees)."
                  : st.peak == 0 ? "Aucune requête n'est partie : les tâches sont-elles "
                  "ajoutées à la poignée multi (curl_multi_add_handle), et la boucle "
                  "appelle-t-elle curl_multi_perform ?"
                  : "Les tâches ne partent pas ensemble : sont-elles toutes ajoutées à la "
                  "poignée multi avant la boucle ?");
    check_reads_any_order(PROG, &r, reads, N_COURSE, N_COURSE);
    td6_result_free(&r);
}

TD6_TEST(connexions_partagees, 40,
         "avec -m 10, au plus 10 connexions : la poignée multi les réutilise")
{
    const char *args[] = { "-m", "10", NULL };

    td6_server_start(FAST_MS);
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    td6_stats st = td6_server_stats();

    ck_assert_msg(st.requests == N_COURSE, "Le serveur attendait %d requêtes, il en a reçu "
                  "%ld.", N_COURSE, st.requests);
    ck_assert_msg(st.connections <= 10,
                  "Avec -m 10, au plus 10 connexions TCP attendues pour 160 requêtes ; le "
                  "serveur en a vu %ld. La poignée multi garde les connexions ouvertes et "
                  "les prête aux tâches suivantes (comme la ClientSession d'aiohttp) : une "
                  "seule poignée multi pour tout le programme, sans CURLOPT_FORBID_REUSE ni "
                  "CURLOPT_FRESH_CONNECT.", st.connections);
    td6_result_free(&r);
}

TD6_TEST(attente_sans_calcul, 30,
         "asynchrone : attendre le serveur ne consomme presque pas de processeur")
{
    check_waits_without_cpu(PROG, "la boucle doit dormir dans curl_multi_poll (ou "
                            "curl_multi_wait) entre deux curl_multi_perform, au lieu de "
                            "rappeler curl_multi_perform sans arrêt (attente active).");
}

TD6_TEST(asan_asynchrone, 90, "AddressSanitizer + UBSan : ni accès invalide, ni fuite de mémoire")
{
    check_sanitized(PROG);
}

TD6_TEST(un_seul_thread, 40, "le processus n'a jamais plus d'un thread pendant qu'il tourne")
{
    check_single_thread(PROG);
}

TD6_TEST(arguments, 30, "les URL données en arguments remplacent la liste du cours")
{
    char urls[3][160];
    expected_read reads[3];

    td6_server_start(FAST_MS);
    snprintf(urls[0], sizeof urls[0], "%s/dice", td6_server_url());
    snprintf(urls[1], sizeof urls[1], "%s/jython", td6_server_url());
    snprintf(urls[2], sizeof urls[2], "%s/dice", td6_server_url());
    const char *args[] = { urls[0], urls[1], urls[2], NULL };
    for (int i = 0; i < 3; i++) {
        reads[i].url = urls[i];
        reads[i].bytes = i == 1 ? JYTHON_BYTES : DICE_BYTES;
    }
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    /* D'abord ce que le serveur a vu : une URL jamais demandée n'a rien à
     * voir avec la lecture des messages de fin. */
    td6_stats st = td6_server_stats();
    ck_assert_msg(st.requests == 3 && st.dice == 2 && st.jython == 1,
                  "Avec 3 URL en arguments, le serveur attendait 3 requêtes (2 /dice, "
                  "1 /jython), il en a vu %ld (%ld /dice, %ld /jython). %s", st.requests,
                  st.dice, st.jython,
                  st.requests > 3 ? "Les arguments REMPLACENT la liste du cours : rien ne "
                  "s'y ajoute." : "Chaque URL donnée devient une tâche, la première comme la "
                  "dernière : td6_sites(argc, argv, optind) les rend toutes, à partir de la "
                  "première qui n'est pas une option (optind a déjà sauté le nom du "
                  "programme).");
    check_reads_any_order(PROG, &r, reads, 3, 3);
    td6_result_free(&r);
}

TD6_TEST(url_en_echec, 30,
         "une URL en échec (404, 500, refus) est signalée et les autres aboutissent")
{
    const char *args[6];
    td6_result r = run_failing_urls(PROG, args);
    const char *missing = args[1], *refused = args[2], *broken = args[3];

    ck_assert_msg(strstr(r.err, missing) && strstr(r.err, refused) && strstr(r.err, broken),
                  "Chaque URL en échec (404, connexion refusée, 500) doit être nommée dans un "
                  "message sur stderr : msg->data.result donne le résultat de CHAQUE tâche, "
                  "et le code HTTP se lit avec CURLINFO_RESPONSE_CODE. stderr : « %.300s »",
                  r.err);
    ck_assert_msg(r.status == 1, "Une URL au moins a échoué : code de sortie 1 attendu, "
                  "lu %d.%s", r.status, FAILURES_COUNTED);
    td6_result_free(&r);
}

TD6_TEST(delai_depasse, 20,
         "un serveur muet fait échouer sa tâche au bout du délai, pas les autres")
{
    td6_result r = run_silent_server(PROG, "sur chaque poignée");

    ck_assert_msg(r.status == 1, "Code de sortie 1 attendu, lu %d.%s", r.status,
                  FAILURES_COUNTED);
    td6_result_free(&r);
}

TD6_TEST(serveur_absent, 30,
         "sans serveur : 160 messages clairs, code de sortie 1, pas de plantage")
{
    td6_result r = td6_run_without_server(PROG, "Regardez msg->data.result avant "
                                               "d'afficher.");

    ck_assert_msg(td6_count(r.err, "http://127.0.0.1:1/jython") == 80 &&
                  td6_count(r.err, "http://127.0.0.1:1/dice") == 80,
                  "Serveur absent : chacun des 160 échecs doit être signalé sur stderr avec "
                  "son URL (%zu /jython et %zu /dice trouvés). stderr : « %.300s »",
                  td6_count(r.err, "http://127.0.0.1:1/jython"),
                  td6_count(r.err, "http://127.0.0.1:1/dice"), r.err);
    ck_assert_msg(r.status == 1, "Serveur absent : code de sortie 1 attendu, lu %d.%s",
                  r.status, FAILURES_COUNTED);
    td6_result_free(&r);
}

TD6_CLI_TESTS(PROG, "URL -m 1 10000");
