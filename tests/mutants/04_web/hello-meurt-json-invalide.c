/*
 * Mutant : la réponse de l'API est lue sans aucune vérification
 * (root["img"] en Python). Sur un JSON invalide, json_loadb renvoie NULL,
 * json_string_value aussi, et strdup(NULL) fait planter tout le serveur.
 * @echoue json_invalide
 * @echoue json_sans_img
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "commun.h"

#define DEFAULT_PORT 5000
#define COMIC_COUNT 5          /* bandes de /comic2 */
#define MAX_COMIC 300          /* on tire un numéro entre 1 et 300 */
#define MAX_BODY (1 << 20)     /* une réponse de l'API plus grosse est refusée */
#define ERROR_SIZE 512

/* ---- Ce que partagent les threads ------------------------------------ */

/* Base de l'API : écrite par main AVANT le démarrage du serveur, puis
 * seulement lue par les threads de connexion. Aucun verrou n'est donc
 * nécessaire (la création d'un thread « voit » tout ce qui précède). */
static char *g_api;

/* Graine du tirage au hasard : partagée par tous les threads de
 * connexion, et rand_r la modifie à chaque tirage. Le verrou empêche deux
 * threads de la modifier en même temps. */
static pthread_mutex_t g_random_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int g_random_seed;

/* Passe à true quand main reçoit Ctrl-C ou SIGTERM ; lu par les transferts
 * en cours, qui s'interrompent. Une variable atomique suffit : c'est un
 * simple drapeau, lu et écrit d'un seul coup. */
static atomic_bool g_stopping;

/* ---- Appeler l'API ---------------------------------------------------- */

/* Réponse de l'API, accumulée morceau par morceau. Privée à un transfert. */
struct buffer {
    char *data;
    size_t len;
};

/* Numéro de bande au hasard entre 1 et MAX_COMIC, sauf 404 : xkcd n'a
 * jamais publié de bande n°404 (cela compte si on élargit l'intervalle). */
static int random_comic_id(void)
{
    int n;

    Pthread_mutex_lock(&g_random_lock);
    do
        n = rand_r(&g_random_seed) % MAX_COMIC + 1;
    while (n == 404);
    Pthread_mutex_unlock(&g_random_lock);
    return n;
}

/* libcurl appelle cette fonction pour chaque morceau reçu : on l'ajoute à
 * la fin du tampon. Renvoyer 0 interrompt le transfert (trop gros, ou plus
 * de mémoire). */
static size_t collect_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    struct buffer *body = userdata;
    size_t n = size * nmemb;
    char *bigger;

    if (body->len + n > MAX_BODY)
        return 0;
    bigger = realloc(body->data, body->len + n + 1);
    if (bigger == NULL)
        return 0;
    memcpy(bigger + body->len, data, n);
    body->data = bigger;
    body->len += n;
    body->data[body->len] = '\0';
    return n;
}

/* libcurl appelle cette fonction régulièrement (au moins une fois par
 * seconde) pendant un transfert : une valeur non nulle l'interrompt. C'est
 * ainsi qu'un arrêt du serveur n'attend pas une API muette. */
static int stop_if_asked(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                         curl_off_t ultotal, curl_off_t ulnow)
{
    (void)clientp, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return atomic_load(&g_stopping) ? 1 : 0;
}

/* Réglages communs à tous les transferts d'une poignée. */
static void configure_session(CURL *session)
{
    curl_easy_setopt(session, CURLOPT_WRITEFUNCTION, collect_bytes);
    curl_easy_setopt(session, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Programme à plusieurs threads : libcurl ne doit pas utiliser de
     * signaux (SIGALRM) pour ses délais. */
    curl_easy_setopt(session, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(session, CURLOPT_XFERINFOFUNCTION, stop_if_asked);
    curl_easy_setopt(session, CURLOPT_NOPROGRESS, 0L);
}

/* Lit `url` dans `body` avec la poignée `session`. Renvoie 0 si l'API a
 * répondu sans erreur, -1 sinon (la raison est dans `error`). */
static int fetch(CURL *session, const char *url, struct buffer *body, char *error,
                 size_t error_size)
{
    long status = 0;
    CURLcode rc;

    /* Lire la réponse de l'API : seul ce thread attend, les autres servent. */
    curl_easy_setopt(session, CURLOPT_URL, url);
    curl_easy_setopt(session, CURLOPT_WRITEDATA, body);
    rc = curl_easy_perform(session);
    if (rc != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", url, td6_curl_error(rc));
        return -1;
    }
    /* Un statut 400 ou plus est une panne de l'API, même si le transfert a réussi. */
    curl_easy_getinfo(session, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        snprintf(error, error_size, "%s : l'API a répondu %ld", url, status);
        return -1;
    }
    return 0;
}

/* Prend le champ « img » dans la réponse JSON de l'API. Renvoie une copie
 * à libérer, ou NULL (la raison est dans `error`). */
static char *extract_img(const struct buffer *body, const char *url, char *error,
                         size_t error_size)
{
    json_error_t parse_error;
    char *img = NULL;

    json_t *root = json_loadb(body->data, body->len, 0, &parse_error);
    const char *value = json_string_value(json_object_get(root, "img"));

    (void)url, (void)error, (void)error_size;
    img = strdup(value);   /* strdup(NULL) : plantage */
    json_decref(root);
    return img;
}

/* Choisit une bande au hasard et renvoie l'adresse de son image (à
 * libérer), ou NULL en cas d'échec. Équivalent de get_xkcd_image(). */
static char *get_xkcd_image(CURL *session, char *error, size_t error_size)
{
    size_t len = strlen(g_api) + 32;
    char *url = Malloc(len);
    struct buffer body = { NULL, 0 };
    char *img = NULL;
    double begin = td6_now();

    snprintf(url, len, "%s/%d/info.0.json", g_api, random_comic_id());
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
    configure_session(session);
    while (got < count && (imgs[got] = get_xkcd_image(session, error, error_size)) != NULL)
        got++;
    curl_easy_cleanup(session);
    return got;
}

/* ---- Construire les réponses ----------------------------------------- */

#define PAGE_START "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">" \
                   "<title>%s</title></head><body>\n"
#define PAGE_END "</body></html>\n"

/* Écrit `text` dans la page en remplaçant les caractères qui ont un sens
 * en HTML : sans cela, une valeur venue de l'API pourrait fermer l'attribut
 * src et injecter sa propre balise (<script> ...). */
static void html_escape(FILE *page, const char *text)
{
    /* Remplacer les cinq caractères spéciaux du HTML par leurs entités. */
    for (const char *c = text; *c != '\0'; c++) {
        switch (*c) {
        case '&': fputs("&amp;", page); break;
        case '<': fputs("&lt;", page); break;
        case '>': fputs("&gt;", page); break;
        case '"': fputs("&quot;", page); break;
        case '\'': fputs("&#39;", page); break;
        default: fputc(*c, page);
        }
    }
}

/* Envoie `html` (alloué par malloc ; libmicrohttpd le libérera) avec le
 * statut donné. */
static enum MHD_Result answer(struct MHD_Connection *conn, unsigned int status, char *html,
                              size_t size)
{
    struct MHD_Response *response =
        MHD_create_response_from_buffer(size, html, MHD_RESPMEM_MUST_FREE);
    enum MHD_Result queued;

    if (response == NULL) {
        free(html);
        return MHD_NO;   /* ferme la connexion */
    }
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "text/html; charset=utf-8");
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    queued = MHD_queue_response(conn, status, response);
    MHD_destroy_response(response);   /* libmicrohttpd garde sa propre référence */
    return queued;
}

/* Une courte page d'erreur en français. */
static enum MHD_Result answer_error(struct MHD_Connection *conn, unsigned int status,
                                    const char *message)
{
    char *html = NULL, title[32];
    size_t size = 0;
    FILE *page = open_memstream(&html, &size);

    if (page == NULL)
        return MHD_NO;
    snprintf(title, sizeof title, "Erreur %u", status);
    fprintf(page, PAGE_START "<h1>%s</h1>\n<p>", "fr", title, title);
    html_escape(page, message);
    fputs("</p>\n" PAGE_END, page);
    if (fclose(page) != 0) {
        free(html);
        return MHD_NO;
    }
    return answer(conn, status, html, size);
}

/* La page du cours : le temps pris, puis les images. */
static enum MHD_Result answer_comics(struct MHD_Connection *conn, double seconds,
                                    char **imgs, size_t count)
{
    char *html = NULL;
    size_t size = 0;
    FILE *page = open_memstream(&html, &size);

    if (page == NULL)
        return MHD_NO;
    fprintf(page, PAGE_START "Time taken: %.3f<br><br>\n", "en", "xkcd", seconds);
    for (size_t i = 0; i < count; i++) {
        fputs("<img src=\"", page);
        html_escape(page, imgs[i]);
        fputs("\" alt=\"xkcd\"><br><br>\n", page);
    }
    fputs(PAGE_END, page);
    if (fclose(page) != 0) {
        free(html);
        return MHD_NO;
    }
    return answer(conn, MHD_HTTP_OK, html, size);
}

/* /comic (count = 1) et /comic2 (count = 5). */
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
        fprintf(stderr, "hello : échec de l'API : %s\n", error);
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

    (void)cls, (void)version, (void)upload_data;
    if (*req_cls == NULL) {
        *req_cls = &headers_seen;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {   /* un corps (POST...) : on l'ignore */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return answer_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "Méthode refusée : ce serveur n'accepte que GET et HEAD.");
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
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /*
     * Le mode de libmicrohttpd, choisi exprès :
     *   - un seul thread interne (MHD_USE_INTERNAL_POLLING_THREAD seul) : il
     *     surveille toutes les connexions et appelle handle_request. Mais
     *     handle_request bloque pendant l'appel à l'API : tant qu'un client
     *     attend, tous les autres attendraient derrière lui ;
     *   - un pool de N threads (MHD_OPTION_THREAD_POOL_SIZE) : N clients
     *     lents suffiraient à tout bloquer, et chaque connexion attend
     *     derrière celles de son thread ;
     *   - un thread par connexion : chaque client bloque seulement le sien.
     * Notre gestionnaire bloque, c'est donc le troisième. Le prix : un
     * thread (et sa pile) par client connecté ; voir evenementiel.c pour
     * servir beaucoup de clients sans cela.
     */
    /* Un thread par connexion : chaque requête peut bloquer sans gêner les autres. */
    flags |= MHD_USE_THREAD_PER_CONNECTION;
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_END);
}

/* ---- Le programme ----------------------------------------------------- */

static void usage(const char *prog)
{
    fprintf(stderr, "usage : %s [PORT]   (PORT de 0 à 65535, %d par défaut ; "
            "0 = un port libre)\n", prog, DEFAULT_PORT);
    exit(2);
}

/* Le port demandé en argument, ou DEFAULT_PORT. */
static uint16_t parse_port(int argc, char **argv)
{
    long port = DEFAULT_PORT;
    char *end;

    if (argc > 2)
        usage(argv[0]);
    if (argc == 2) {
        errno = 0;
        port = strtol(argv[1], &end, 10);
        if (errno != 0 || end == argv[1] || *end != '\0' || port < 0 || port > 65535)
            usage(argv[0]);
    }
    return (uint16_t)port;
}

/* $XKCD_API sans « / » final, ou l'API du serveur local. */
static char *api_base(void)
{
    const char *env = getenv("XKCD_API");
    size_t len = env != NULL && *env != '\0' ? strlen(env) + 1 : strlen(td6_server()) + 6;
    char *base = Malloc(len);

    if (env != NULL && *env != '\0')
        snprintf(base, len, "%s", env);
    else
        snprintf(base, len, "%s/xkcd", td6_server());
    len = strlen(base);
    while (len > 0 && base[len - 1] == '/')
        base[--len] = '\0';
    return base;
}

/* SIGINT et SIGTERM sont bloqués AVANT la création du moindre thread (les
 * threads héritent du masque) ; main les attend ensuite avec sigwait. Aucun
 * code ne tourne donc dans un gestionnaire de signal. */
static sigset_t block_stop_signals(void)
{
    sigset_t stop_signals;

    signal(SIGPIPE, SIG_IGN);   /* écrire à un client parti ne tue pas le serveur */
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    return stop_signals;
}

int main(int argc, char **argv)
{
    uint16_t port = parse_port(argc, argv);
    sigset_t stop_signals = block_stop_signals();
    struct MHD_Daemon *daemon;
    int sig;

    /* Une fois par programme, avant tout thread. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    json_object_seed(0);   /* jansson tire sa graine ici, pas dans deux threads à la fois */
    g_api = api_base();
    g_random_seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();

    daemon = start_server(port);
    if (daemon == NULL) {
        fprintf(stderr, "hello : impossible d'écouter sur 127.0.0.1:%u "
                "(port déjà pris ?)\n", port);
        free(g_api);
        curl_global_cleanup();
        return 1;
    }
    port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    printf("http://127.0.0.1:%u\n", port);   /* première ligne : l'adresse */
    fflush(stdout);
    fprintf(stderr, "Ouvrez http://127.0.0.1:%u/comic ou /comic2 ; API : %s ; "
            "Ctrl-C pour arrêter.\n", port, g_api);

    sigwait(&stop_signals, &sig);
    atomic_store(&g_stopping, true);   /* les transferts en cours s'interrompent */
    MHD_stop_daemon(daemon);           /* ferme tout et attend chaque thread de connexion */
    fprintf(stderr, "hello : arrêté (%s).\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    free(g_api);
    curl_global_cleanup();
    return 0;
}
