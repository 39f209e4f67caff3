/*
 * hello.c — chapitre 04 : un serveur web qui appelle une API, en bloquant.
 *
 * Ce que montre ce programme : la partie Flask du cours, en C. Un petit
 * serveur HTTP (libmicrohttpd) répond sur deux adresses :
 *     /comic    va chercher UNE bande xkcd au hasard sur l'API, puis renvoie
 *               une page avec le temps pris et l'image ;
 *     /comic2   va chercher CINQ bandes, l'une après l'autre : la page met
 *               cinq fois plus de temps à venir (c'est la version lente du
 *               cours).
 * Pendant l'appel à l'API (libcurl), le thread qui sert la requête attend,
 * bloqué. C'est pourquoi on donne à chaque connexion son propre thread :
 * un client qui attend ne fait pas attendre les autres.
 *
 * Construire et lancer :
 *     make run EXO=04                      (votre version, td6/)
 *     make run EXO=04 SRC=solutions        (la solution)
 *     build/solutions/04_web/hello [PORT]  (5000 par défaut ; 0 = port libre)
 * La première ligne affichée est l'adresse du serveur. Ouvrez
 * http://127.0.0.1:5000/comic puis /comic2 dans un navigateur ;
 * Ctrl-C arrête le serveur proprement.
 * L'API vient de $XKCD_API (par défaut $TD6_SERVER/xkcd, le serveur local).
 *
 * À observer : « Time taken » vaut environ une latence de l'API pour
 * /comic, et cinq pour /comic2. Le serveur local (/stats) n'a jamais vu
 * plus d'une requête de /comic2 à la fois.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commun.h"
#include "web.h"

/* ---- Appeler l'API (collect_bytes, configure_easy : dans web.c) ------ */

/* Lit `url` dans `body` avec la poignée `session`. Renvoie 0 si l'API a
 * répondu sans erreur, -1 sinon (la raison est dans `error`). */
static int fetch(CURL *session, const char *url, struct buffer *body, char *error,
                 size_t error_size)
{
    long status = 0;
    CURLcode rc;

    /* TODO: Lire la réponse de l'API : seul ce thread attend, les autres servent. */
    /*       (donner à la poignée l'adresse, et le tampon où collect_bytes range la */
    /*        réponse ; puis lancer le transfert, dont le code va dans rc) */
    (void)session, (void)body;   /* tant que le transfert n'est pas écrit */
    rc = CURLE_OK;
    if (rc != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", url, td6_curl_error(rc));
        return -1;
    }
    /* TODO: Un statut 400 ou plus est une panne de l'API, même si le transfert a réussi. */
    /*       (après le transfert, la poignée connaît le statut HTTP reçu : */
    /*        voir man curl_easy_getinfo) */
    if (status >= 400) {
        snprintf(error, error_size, "%s : l'API a répondu %ld", url, status);
        return -1;
    }
    return 0;
}

/* Choisit une bande au hasard et renvoie l'adresse de son image (à
 * libérer), ou NULL en cas d'échec. Équivalent de get_xkcd_image(). */
static char *get_xkcd_image(CURL *session, char *error, size_t error_size)
{
    char *url = random_comic_url();
    struct buffer body = { NULL, 0 };
    char *img = NULL;
    double begin = td6_now();

    if (fetch(session, url, &body, error, error_size) == 0)
        img = extract_img(&body, url, error, error_size);
    /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
    td6_trace("attente", url, begin, td6_now());
    free(body.data);
    free(url);
    return img;
}

/* Remplit imgs[0..count-1], une bande après l'autre, avec UNE poignée
 * créée par ce thread pour cette requête (elle n'est jamais partagée : la
 * règle de libcurl). Renvoie le nombre de bandes obtenues : on s'arrête à
 * la première panne, inutile d'attendre les suivantes. */
static size_t get_multiple_images(size_t count, char **imgs, char *error, size_t error_size)
{
    size_t got = 0;

    /* Chercher les bandes l'une après l'autre, avec une seule poignée. */
    CURL *session = curl_easy_init();
    if (session == NULL) {
        snprintf(error, error_size, "curl_easy_init a échoué");
        return 0;
    }
    configure_easy(session);
    while (got < count && (imgs[got] = get_xkcd_image(session, error, error_size)) != NULL)
        got++;
    curl_easy_cleanup(session);
    return got;
}

/* /comic (count = 1) et /comic2 (count = 5). */
static enum MHD_Result serve_comics(struct MHD_Connection *conn, size_t count)
{
    char *imgs[COMIC_COUNT] = { NULL };
    char error[ERROR_SIZE] = "";
    double start = td6_now();
    size_t got = get_multiple_images(count, imgs, error, sizeof error);

    return answer_images(conn, start, imgs, got, count, error);
}

/* ---- Le serveur -------------------------------------------------------- */

/* La page de chaque chemin : la « route » du cours (@app.route). Le
 * gestionnaire de web.c (handle_request) l'appelle dans le thread de la
 * connexion, une fois la requête vérifiée (en-têtes arrivés, corps ignoré,
 * GET ou HEAD). */
static enum MHD_Result route(struct MHD_Connection *conn, const char *url)
{
    if (strcmp(url, "/comic") == 0)
        return serve_comics(conn, 1);
    if (strcmp(url, "/comic2") == 0)
        return serve_comics(conn, COMIC_COUNT);
    return answer_error(conn, MHD_HTTP_NOT_FOUND,
                        "Page inconnue. Essayez /comic (une bande) ou /comic2 (cinq).");
}

/* Démarre le serveur sur 127.0.0.1:port (port 0 : un port libre). */
static struct MHD_Daemon *start_server(uint16_t port)
{
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    /*
     * Le mode de libmicrohttpd, à choisir exprès :
     *   - un seul thread interne (MHD_USE_INTERNAL_POLLING_THREAD seul) : il
     *     surveille toutes les connexions et appelle route. Mais route
     *     bloque pendant l'appel à l'API : tant qu'un client attend, tous
     *     les autres attendraient derrière lui ;
     *   - un pool de N threads (MHD_OPTION_THREAD_POOL_SIZE) : N clients
     *     lents suffiraient à tout bloquer, et chaque connexion attend
     *     derrière celles de son thread ;
     *   - un thread par connexion : chaque client bloque seulement le
     *     sien, au prix d'un thread par client.
     * Tel quel, le serveur n'a que le thread interne, et notre gestionnaire bloque.
     */
    /* TODO: Un thread par connexion : chaque requête peut bloquer sans gêner les autres. */
    /*       (un drapeau de plus dans flags : voir la liste des modes de */
    /*        MHD_start_daemon dans le manuel de libmicrohttpd) */
    return web_listen(flags, port, route);
}

/* ---- Le programme ----------------------------------------------------- */

int main(int argc, char **argv)
{
    web_program w = web_start(argc, argv, "Serveur web : /comic (une bande xkcd), /comic2 (cinq, "
                                          "l'une après l'autre).");

    /* Servir jusqu'à Ctrl-C ou SIGTERM ; l'arrêt attend chaque thread de connexion. */
    return web_serve(&w, start_server(w.port), "/comic ou /comic2");
}
