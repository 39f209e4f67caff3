/*
 * Tests du chapitre 03, pour aller plus loin : boucle [URL...]
 *
 * Même contrat de sortie qu'asynchrone (lignes « Read » dans n'importe quel
 * ordre, « Downloaded » à la fin), même concurrence (tout en vol, un seul
 * thread), et en plus, sur stderr, chaque changement d'état des tâches :
 *     tâche <n> (<url>) : <avant> -> <après>
 * avec les états « nouvelle », « prête », « en attente », « terminée ».
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outils03.h"

#define PROG "boucle"

static const char *const STATES[] = { "nouvelle", "prête", "en attente", "terminée" };

/* Une ligne de transition, découpée. */
typedef struct {
    size_t task;
    char url[200];
    char from[32], to[32];
} transition;

static bool known_state(const char *s)
{
    for (size_t i = 0; i < sizeof STATES / sizeof STATES[0]; i++)
        if (strcmp(s, STATES[i]) == 0)
            return true;
    return false;
}

/* Découpe « tâche <n> (<url>) : <avant> -> <après> » ; false si la ligne
 * n'a pas cette forme. */
static bool parse_transition(const char *line, transition *t)
{
    const char *open, *sep, *arrow;
    int used = 0;

    if (sscanf(line, "tâche %zu (%n", &t->task, &used) != 1 || used == 0)
        return false;
    open = line + used;
    sep = strstr(open, ") : ");
    if (sep == NULL || (size_t)(sep - open) >= sizeof t->url)
        return false;
    memcpy(t->url, open, (size_t)(sep - open));
    t->url[sep - open] = '\0';
    sep += 4;
    arrow = strstr(sep, " -> ");
    if (arrow == NULL || (size_t)(arrow - sep) >= sizeof t->from ||
        strlen(arrow + 4) >= sizeof t->to)
        return false;
    memcpy(t->from, sep, (size_t)(arrow - sep));
    t->from[arrow - sep] = '\0';
    strcpy(t->to, arrow + 4);
    return known_state(t->from) && known_state(t->to);
}

/* Lit toutes les transitions de stderr ; renvoie leur nombre. */
static size_t read_transitions(const char *err, transition **out)
{
    char **lines;
    size_t n = td6_lines(err, &lines), count = 0;
    transition *all = calloc(n + 1, sizeof *all);

    ck_assert_msg(all != NULL, "calloc");
    for (size_t i = 0; i < n; i++)
        if (strncmp(lines[i], "tâche ", strlen("tâche ")) == 0 &&
            parse_transition(lines[i], &all[count]))
            count++;
    td6_lines_free(lines, n);
    *out = all;
    return count;
}

/* Vérifie l'histoire de chaque tâche 1..n_urls : un enchaînement cohérent
 * de « nouvelle » à « terminée », passé au moins une fois par
 * « en attente -> prête ». */
static void check_histories(const char *err, const char *const *urls, size_t n_urls)
{
    transition *all;
    size_t n = read_transitions(err, &all);

    ck_assert_msg(n > 0,
                  "Aucune ligne « tâche <n> (<url>) : <avant> -> <après> » sur stderr. "
                  "set_state() doit dire chaque passage d'une liste à l'autre. stderr : "
                  "« %.300s »", err);
    for (size_t k = 1; k <= n_urls; k++) {
        const char *state = "nouvelle";
        size_t seen = 0, woke = 0;

        for (size_t i = 0; i < n; i++) {
            if (all[i].task != k)
                continue;
            seen++;
            ck_assert_msg(strcmp(all[i].url, urls[k - 1]) == 0,
                          "La tâche %zu doit télécharger « %s », la ligne de transition dit "
                          "« %s » : les tâches sont numérotées dans l'ordre des URL, à "
                          "partir de 1.", k, urls[k - 1], all[i].url);
            ck_assert_msg(strcmp(all[i].from, state) == 0,
                          "Tâche %zu : elle était « %s », mais la ligne suivante la fait "
                          "partir de « %s » (%s -> %s). Chaque transition part de l'état "
                          "précédent.", k, state, all[i].from, all[i].from, all[i].to);
            if (strcmp(all[i].from, "en attente") == 0 && strcmp(all[i].to, "prête") == 0)
                woke++;
            state = all[i].to;
        }
        ck_assert_msg(seen > 0, "Aucune transition pour la tâche %zu (%s).", k, urls[k - 1]);
        ck_assert_msg(strcmp(state, "terminée") == 0,
                      "La tâche %zu finit dans l'état « %s » au lieu de « terminée ».", k, state);
        ck_assert_msg(woke > 0,
                      "La tâche %zu n'est jamais passée de « en attente » à « prête » : la "
                      "boucle doit surveiller sa socket avec poll() et la réveiller quand "
                      "elle a du nouveau.", k);
    }
    free(all);
}

TD6_TEST(boucle_tout_est_lu, 40, "boucle : les 160 pages du cours sont lues, avec la bonne taille")
{
    check_all_read(PROG);
}

TD6_TEST(boucle_tout_en_vol, 40, "boucle : les 160 requêtes en vol en même temps")
{
    check_all_in_flight(PROG);
}

TD6_TEST(boucle_un_seul_thread, 40, "boucle : un seul thread pendant toute l'exécution")
{
    check_single_thread(PROG);
}

TD6_TEST(boucle_attente_sans_calcul, 30,
         "boucle : attendre le serveur ne consomme presque pas de processeur")
{
    check_waits_without_cpu(PROG, "poll() reçoit comme délai l'échéance du minuteur de "
                            "libcurl (jamais 0 en boucle), et dort jusqu'à ce qu'une socket "
                            "ait du nouveau.");
}

TD6_TEST(asan_boucle, 90,
         "boucle : AddressSanitizer + UBSan, ni accès invalide, ni fuite de mémoire")
{
    check_sanitized(PROG);
}

TD6_TEST(boucle_transitions, 30,
         "boucle : chaque tâche va de « nouvelle » à « terminée » en passant par "
         "« en attente -> prête », et toutes attendent ensemble")
{
    char urls[3][160];
    const char *list[3];
    transition *all;
    size_t n, first_done;
    bool waited[3] = { false, false, false };

    /* 200 ms : les trois tâches attendent ensemble avant la première réponse. */
    td6_server_start(200);
    snprintf(urls[0], sizeof urls[0], "%s/dice", td6_server_url());
    snprintf(urls[1], sizeof urls[1], "%s/jython", td6_server_url());
    snprintf(urls[2], sizeof urls[2], "%s/dice", td6_server_url());
    for (int i = 0; i < 3; i++)
        list[i] = urls[i];
    const char *args[] = { urls[0], urls[1], urls[2], NULL };
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    check_histories(r.err, list, 3);

    /* Les deux listes à l'œuvre : les trois tâches sont « en attente » en
     * même temps, avant qu'aucune ne soit terminée. */
    n = read_transitions(r.err, &all);
    for (first_done = 0; first_done < n; first_done++) {
        if (strcmp(all[first_done].to, "terminée") == 0)
            break;
        if (strcmp(all[first_done].to, "en attente") == 0 && all[first_done].task >= 1 &&
            all[first_done].task <= 3)
            waited[all[first_done].task - 1] = true;
    }
    ck_assert_msg(waited[0] && waited[1] && waited[2],
                  "Avant la première tâche terminée, les trois tâches auraient dû être "
                  "« en attente » ensemble (la boucle les lance toutes, puis attend le "
                  "réseau pour toutes à la fois). Vu : tâche 1 %s, tâche 2 %s, tâche 3 %s.",
                  waited[0] ? "oui" : "non", waited[1] ? "oui" : "non",
                  waited[2] ? "oui" : "non");
    free(all);
    td6_result_free(&r);
}

/* La boucle surveille ce que libcurl demande : l'écriture (CURL_POLL_OUT,
 * tant que la connexion s'établit et que la requête part), puis la lecture
 * (CURL_POLL_IN, la réponse). Une tâche juste se réveille donc au moins deux
 * fois (« en attente -> prête ») : une fois la socket prête à écrire, une
 * fois la réponse arrivée. Une boucle qui ne surveille que POLLIN ne voit
 * jamais la première : c'est le minuteur de secours de libcurl qui envoie
 * la requête, en retard (~200 ms, visible dans /stats du serveur). Ce
 * compte est exact, il ne dépend pas de la charge de la machine. */
TD6_TEST(boucle_ecriture_surveillee, 30,
         "boucle : la socket est surveillée en écriture quand libcurl le demande "
         "(la requête part sans attendre le minuteur)")
{
    char urls[3][160];
    transition *all;
    size_t n;

    td6_server_start(50);
    for (int i = 0; i < 3; i++)
        snprintf(urls[i], sizeof urls[i], "%s/%s", td6_server_url(), i == 1 ? "jython" : "dice");
    const char *args[] = { urls[0], urls[1], urls[2], NULL };
    td6_result r = td6_run(PROG, args, NULL, 30);
    td6_require_finished(&r, PROG);
    td6_stats st = td6_server_stats();

    n = read_transitions(r.err, &all);
    for (size_t k = 1; k <= 3; k++) {
        size_t woke = 0;

        for (size_t i = 0; i < n; i++)
            woke += all[i].task == k && strcmp(all[i].from, "en attente") == 0 &&
                    strcmp(all[i].to, "prête") == 0;
        ck_assert_msg(woke >= 2,
                      "Tâche %zu : %zu réveil(s) « en attente -> prête », au moins 2 attendus : "
                      "un quand la socket est prête à ÉCRIRE (connexion établie, requête à "
                      "envoyer), un quand la réponse est là. La boucle surveille-t-elle ce "
                      "que libcurl demande (CURL_POLL_OUT -> POLLOUT, et pas seulement "
                      "POLLIN) ? Sinon la requête ne part qu'au minuteur de secours de "
                      "libcurl : le serveur a vu jusqu'à %.0f ms entre l'ouverture d'une "
                      "connexion et l'arrivée de sa requête.", k, woke, st.connect_wait_ms);
    }
    free(all);
    td6_result_free(&r);
}

TD6_TEST(boucle_url_en_echec, 30, "boucle : une URL en échec est signalée, les autres aboutissent")
{
    const char *args[6];
    td6_result r = run_failing_urls(PROG, args);
    const char *missing = args[1], *refused = args[2], *broken = args[3];

    ck_assert_msg(strstr(r.err, "Échec de ") && strstr(r.err, missing) &&
                  strstr(r.err, refused) && strstr(r.err, broken),
                  "Chaque URL en échec (404, connexion refusée, 500) doit être signalée sur "
                  "stderr par « Échec de <url> : ... ». stderr : « %.300s »", r.err);
    check_histories(r.err, args, 5);
    ck_assert_msg(r.status == 1, "Code de sortie 1 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

TD6_TEST(boucle_delai_depasse, 20,
         "boucle : un serveur muet fait échouer sa tâche au bout du délai (minuteur)")
{
    /* Le délai d'une tâche est géré par libcurl grâce au MINUTEUR. */
    td6_result r = run_silent_server(PROG, "puis le minuteur : à l'échéance donnée par "
                                           "CURLMOPT_TIMERFUNCTION, la boucle appelle "
                                           "curl_multi_socket_action avec CURL_SOCKET_TIMEOUT");

    ck_assert_msg(r.status == 1, "Code de sortie 1 attendu, lu %d.", r.status);
    td6_result_free(&r);
}

TD6_CLI_TESTS(PROG, "URL");
