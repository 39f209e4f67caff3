/*
 * hello2.c — chapitre 04 : le même serveur, mais les appels à l'API partent
 * ensemble.
 *
 * Ce que montre ce programme : la version « httpx.AsyncClient + gather » du
 * cours. /comic va chercher CINQ bandes xkcd, mais au lieu de les demander
 * l'une après l'autre (hello /comic2), il confie les cinq transferts à une
 * multi-poignée libcurl (CURLM) qui les fait avancer EN MÊME TEMPS, dans le
 * thread de la requête : la page arrive au bout d'environ une latence de
 * l'API, et non cinq. /comic2 fait ici la même chose que /comic (pour
 * comparer avec hello /comic2 à la même adresse).
 * Le serveur lui-même fonctionne comme hello : un thread par connexion.
 *
 * Construire et lancer :
 *     make run EXO=04 PROG=hello2                (votre version, td6/)
 *     make run EXO=04 PROG=hello2 SRC=solutions  (la solution)
 *     build/solutions/04_web/hello2 [PORT]       (5000 par défaut ; 0 = port libre)
 * La première ligne affichée est l'adresse du serveur. Ouvrez
 * http://127.0.0.1:5000/comic dans un navigateur ; Ctrl-C arrête le serveur.
 * L'API vient de $XKCD_API (par défaut $TD6_SERVER/xkcd, le serveur local).
 *
 * À observer : « Time taken » vaut environ UNE latence de l'API pour cinq
 * images (hello /comic2 : cinq latences). Le serveur local (/stats,
 * « pic_en_vol ») a vu les cinq requêtes en même temps.
 */
#include <stdio.h>
#include <string.h>

#include "commun.h"
#include "web.h"

/* ---- Appeler l'API (struct transfer : dans web.h) -------------------- */

/* Note le résultat des transferts que libcurl a terminés. */
static void collect_finished(CURLM *multi)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(multi, &left)) != NULL)
        transfer_finished(msg);
}

/* Lance les `count` transferts ENSEMBLE et attend qu'ils soient tous
 * finis : l'équivalent de asyncio.gather. La multi-poignée est créée par
 * ce thread, pour cette requête : comme les poignées simples, elle n'est
 * jamais partagée entre threads. Renvoie 0, ou -1 si libcurl a échoué. */
static int perform_together(struct transfer *t, size_t count)
{
    /* TODO: Créer une multi-poignée pour cette requête : elle n'appartient qu'à ce thread. */
    /*       (libcurl en fournit une qui suit plusieurs transferts ; en cas d'échec, */
    /*        renvoyer -1) */
    /* TODO: Lui confier les transferts d'un coup : ils partiront ensemble. */
    /*       (pour chacun : noter son heure de départ, pour la trace, puis l'ajouter) */
    /* TODO: Faire avancer tous les transferts, en dormant tant que rien n'arrive. */
    /*       (une boucle : faire avancer, relever les transferts finis avec */
    /*        collect_finished, puis dormir jusqu'à du nouveau (man curl_multi_poll) ; */
    /*        à la fin, retirer chaque poignée et libérer la multi-poignée) */
    (void)collect_finished;
    (void)t;
    (void)count;
    return -1;   /* à remplacer : la multi-poignée n'est pas encore écrite */
}

/* /comic et /comic2 : `count` bandes cherchées ensemble. */
static enum MHD_Result serve_comics(struct MHD_Connection *conn, size_t count)
{
    struct transfer t[COMIC_COUNT] = { 0 };
    double start = td6_now();
    size_t prepared = 0;
    enum MHD_Result queued;

    while (prepared < count && transfer_prepare(&t[prepared], NULL) == 0)
        prepared++;
    if (prepared < count)
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, "curl_easy_init a échoué");
    else if (perform_together(t, count) != 0)
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, "la multi-poignée de libcurl a échoué");
    else
        queued = answer_transfers(conn, start, t, count);
    for (size_t i = 0; i < count; i++)
        transfer_free(&t[i]);
    return queued;
}

/* ---- Le serveur -------------------------------------------------------- */

/* La page de chaque chemin : la « route » du cours (@app.route). Le
 * gestionnaire de web.c (handle_request) l'appelle dans le thread de la
 * connexion, une fois la requête vérifiée (en-têtes arrivés, corps ignoré,
 * GET ou HEAD). */
static enum MHD_Result route(struct MHD_Connection *conn, const char *url)
{
    if (strcmp(url, "/comic") == 0 || strcmp(url, "/comic2") == 0)
        return serve_comics(conn, COMIC_COUNT);
    return answer_error(conn, MHD_HTTP_NOT_FOUND,
                        "Page inconnue. Essayez /comic (cinq bandes, cherchées ensemble).");
}

/* ---- Le programme ----------------------------------------------------- */

int main(int argc, char **argv)
{
    web_program w = web_start(argc, argv, "Serveur web : /comic et /comic2 (cinq bandes xkcd, "
                                          "cherchées en même temps).");
    /*
     * Le mode de libmicrohttpd, choisi exprès, comme dans hello.c : un thread
     * par connexion. route attend encore (le temps d'UNE latence au lieu de
     * cinq, mais il attend) : avec un seul thread interne, ou un pool, un
     * client qui attend ferait attendre ceux qui partagent son thread.
     * Chaque thread de connexion a sa propre multi-poignée : rien de libcurl
     * n'est partagé entre threads.
     */
    struct MHD_Daemon *daemon =
        web_listen(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_THREAD_PER_CONNECTION, w.port, route);

    /* Servir jusqu'à Ctrl-C ou SIGTERM ; l'arrêt attend chaque thread de connexion. */
    return web_serve(&w, daemon, "/comic");
}
