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
#include <curl/curl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commun.h"
#include "web.h"

/* ---- Ce que partagent les threads ------------------------------------ */

/* ---- Appeler l'API ---------------------------------------------------- */

/* Un transfert : sa poignée, l'adresse lue et la réponse. Chaque transfert
 * appartient à une seule requête, donc à un seul thread. */
struct transfer {
    CURL *easy;
    char *url;
    struct buffer body;
    bool done;          /* libcurl l'a terminé (bien ou mal) */
    CURLcode result;    /* son résultat, valable si done */
    double begin;       /* pour td6_trace */
};

/* Prépare un transfert vers une bande au hasard, sans le lancer.
 * Renvoie 0, ou -1 si libcurl n'a pas pu créer la poignée. */
static int prepare_transfer(struct transfer *t)
{
    t->url = random_comic_url();
    t->easy = curl_easy_init();
    if (t->easy == NULL)
        return -1;
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, collect_bytes);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &t->body);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Programme à plusieurs threads : libcurl ne doit pas utiliser de
     * signaux (SIGALRM) pour ses délais. */
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_XFERINFOFUNCTION, stop_if_asked);
    curl_easy_setopt(t->easy, CURLOPT_NOPROGRESS, 0L);
    /* Pour retrouver le transfert quand libcurl dit qu'il est fini. */
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    return 0;
}

/* Note le résultat des transferts que libcurl a terminés. */
static void collect_finished(CURLM *multi)
{
    struct transfer *t;
    CURLMsg *msg;
    char *owner;
    int left;

    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &owner);
        t = (struct transfer *)owner;
        t->done = true;
        t->result = msg->data.result;
        /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
        td6_trace("attente", t->url, t->begin, td6_now());
    }
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

/* L'image d'un transfert terminé (copie à libérer), ou NULL si l'API a
 * échoué (la raison est dans `error`). */
static char *transfer_img(struct transfer *t, char *error, size_t error_size)
{
    long status = 0;

    if (!t->done) {
        snprintf(error, error_size, "%s : transfert jamais terminé", t->url);
        return NULL;
    }
    if (t->result != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", t->url, td6_curl_error(t->result));
        return NULL;
    }
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        snprintf(error, error_size, "%s : l'API a répondu %ld", t->url, status);
        return NULL;
    }
    return extract_img(&t->body, t->url, error, error_size);
}

/* Remplit imgs[0..count-1] avec `count` bandes cherchées EN MÊME TEMPS.
 * Renvoie le nombre de bandes obtenues (count si tout va bien). */
static size_t get_multiple_images(size_t count, char **imgs, char *error, size_t error_size)
{
    struct transfer t[COMIC_COUNT] = { 0 };
    size_t got = 0, prepared = 0;

    while (prepared < count && prepare_transfer(&t[prepared]) == 0)
        prepared++;
    if (prepared < count)
        snprintf(error, error_size, "curl_easy_init a échoué");
    else if (perform_together(t, count) != 0)
        snprintf(error, error_size, "la multi-poignée de libcurl a échoué");
    else
        while (got < count && (imgs[got] = transfer_img(&t[got], error, error_size)) != NULL)
            got++;
    for (size_t i = 0; i < count; i++) {
        if (t[i].easy != NULL)
            curl_easy_cleanup(t[i].easy);
        free(t[i].body.data);
        free(t[i].url);
    }
    return got;
}

/* /comic et /comic2 : `count` bandes cherchées ensemble. */
static enum MHD_Result serve_comics(struct MHD_Connection *conn, size_t count)
{
    char *imgs[COMIC_COUNT] = { NULL };
    char error[ERROR_SIZE] = "";
    double start = td6_now();
    size_t got = get_multiple_images(count, imgs, error, sizeof error);
    enum MHD_Result queued;

    if (got == count) {
        queued = answer_comics(conn, td6_now() - start, imgs, count);
    } else {
        fprintf(stderr, "hello2 : échec de l'API : %s\n", error);
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, error);
    }
    for (size_t i = 0; i < got; i++)
        free(imgs[i]);
    return queued;
}

/* ---- Le serveur -------------------------------------------------------- */

/* libmicrohttpd appelle cette fonction, dans le thread de la connexion,
 * plusieurs fois par requête : d'abord quand les en-têtes sont arrivés
 * (*req_cls vaut NULL), puis pour chaque morceau du corps éventuel, puis
 * une dernière fois, corps fini : c'est là qu'on répond. */
static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    static int headers_seen;   /* sa seule adresse sert de marque */

    enum MHD_Result result;

    (void)cls, (void)version, (void)upload_data;
    if (!request_ready(conn, method, upload_data_size, req_cls, &headers_seen, &result))
        return result;
    if (strcmp(url, "/comic") == 0 || strcmp(url, "/comic2") == 0)
        return serve_comics(conn, COMIC_COUNT);
    return answer_error(conn, MHD_HTTP_NOT_FOUND,
                        "Page inconnue. Essayez /comic (cinq bandes, cherchées ensemble).");
}

/* Démarre le serveur sur 127.0.0.1:port (port 0 : un port libre). */
static struct MHD_Daemon *start_server(uint16_t port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /*
     * Le mode de libmicrohttpd, choisi exprès, comme dans hello.c : un thread
     * par connexion. handle_request attend encore (le temps d'UNE latence au
     * lieu de cinq, mais il attend) : avec un seul thread interne, ou un pool,
     * un client qui attend ferait attendre ceux qui partagent son thread.
     * Chaque thread de connexion a sa propre multi-poignée : rien de libcurl
     * n'est partagé entre threads.
     */
    flags |= MHD_USE_THREAD_PER_CONNECTION;
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_END);
}

/* ---- Le programme ----------------------------------------------------- */

int main(int argc, char **argv)
{
    web_program w = web_start(argc, argv, "Serveur web : /comic et /comic2 (cinq bandes xkcd, "
                                          "cherchées en même temps).");
    struct MHD_Daemon *daemon = start_server(w.port);
    int sig;

    if (!web_announce(&w, daemon, "/comic"))
        return 1;
    sig = web_wait(&w);      /* jusqu'à Ctrl-C ou SIGTERM */
    MHD_stop_daemon(daemon); /* ferme tout et attend chaque thread de connexion */
    web_finish(&w, sig);
    return 0;
}
