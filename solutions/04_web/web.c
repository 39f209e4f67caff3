/*
 * web.c — chapitre 04 : ce que les trois serveurs web partagent (voir
 * web.h).
 */
#include "web.h"

#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commun.h"
#include "ligne.h"
#include "signaux.h"

#define DEFAULT_PORT 5000
#define MAX_COMIC 300          /* on tire un numéro entre 1 et 300 */
#define MAX_BODY (1 << 20)     /* une réponse de l'API plus grosse est refusée */

char *g_api;
atomic_bool g_stopping;

/* Graine du tirage au hasard : partagée par tous les threads, et rand_r la
 * modifie à chaque tirage. Le verrou empêche deux threads de la modifier en
 * même temps. */
static pthread_mutex_t g_random_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned int g_random_seed;

/* ---- Appeler l'API ---------------------------------------------------- */

/* Numéro de bande au hasard entre 1 et MAX_COMIC, sauf 404 : xkcd n'a
 * jamais publié de bande n°404 (cela compte si on élargit l'intervalle). */
char *random_comic_url(void)
{
    size_t len = strlen(g_api) + 32;
    char *url = Malloc(len);
    int n;

    Pthread_mutex_lock(&g_random_lock);
    do
        n = rand_r(&g_random_seed) % MAX_COMIC + 1;
    while (n == 404);
    Pthread_mutex_unlock(&g_random_lock);
    snprintf(url, len, "%s/%d/info.0.json", g_api, n);
    return url;
}

size_t collect_bytes(char *data, size_t size, size_t nmemb, void *userdata)
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

int stop_if_asked(void *clientp, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                  curl_off_t ulnow)
{
    (void)clientp, (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return atomic_load(&g_stopping) ? 1 : 0;
}

void configure_easy(CURL *easy)
{
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_bytes);
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Programme à plusieurs threads : libcurl ne doit pas utiliser de
     * signaux (SIGALRM) pour ses délais. */
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, stop_if_asked);
    curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
}

char *extract_img(const struct buffer *body, const char *url, char *error, size_t error_size)
{
    json_error_t parse_error;
    char *img = NULL;

    /* Analyser le JSON et y prendre « img », qui doit être une chaîne. */
    json_t *root = json_loadb(body->data, body->len, 0, &parse_error);
    if (root == NULL) {
        snprintf(error, error_size, "%s : JSON invalide (%s)", url, parse_error.text);
        return NULL;
    }
    json_t *field = json_object_get(root, "img");
    if (json_is_string(field))
        img = Strdup(json_string_value(field));
    else
        snprintf(error, error_size, "%s : pas de champ « img » (une chaîne) dans le JSON", url);
    json_decref(root);
    return img;
}

/* ---- Les transferts d'une multi-poignée ------------------------------ */

int transfer_prepare(struct transfer *t, void *owner)
{
    t->owner = owner;
    t->url = random_comic_url();
    t->easy = curl_easy_init();
    if (t->easy == NULL) {
        t->done = true;
        t->result = CURLE_FAILED_INIT;
        return -1;
    }
    configure_easy(t->easy);
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &t->body);
    /* Pour retrouver le transfert quand libcurl dit qu'il est fini. */
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    return 0;
}

struct transfer *transfer_finished(const CURLMsg *msg)
{
    struct transfer *t;
    char *owner;

    if (msg->msg != CURLMSG_DONE)
        return NULL;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &owner);
    t = (struct transfer *)owner;
    t->done = true;
    t->result = msg->data.result;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
    /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
    td6_trace("attente", t->url, t->begin, td6_now());
    return t;
}

void transfer_free(struct transfer *t)
{
    if (t->easy != NULL)
        curl_easy_cleanup(t->easy);
    t->easy = NULL;
    free(t->url);
    free(t->body.data);
}

/* L'image d'un transfert fini (copie à libérer), ou NULL si l'API a échoué
 * (la raison est dans `error`). */
static char *transfer_img(const struct transfer *t, char *error, size_t error_size)
{
    if (!t->done) {
        snprintf(error, error_size, "%s : transfert jamais terminé", t->url);
        return NULL;
    }
    if (t->result != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", t->url, td6_curl_error(t->result));
        return NULL;
    }
    /* Un statut 400 ou plus est une panne de l'API, même si le transfert a réussi. */
    if (t->status >= 400) {
        snprintf(error, error_size, "%s : l'API a répondu %ld", t->url, t->status);
        return NULL;
    }
    return extract_img(&t->body, t->url, error, error_size);
}

/* ---- Construire les réponses ----------------------------------------- */

#define PAGE_START "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">" \
                   "<title>%s</title></head><body>\n"
#define PAGE_END "</body></html>\n"

void html_escape(FILE *page, const char *text)
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
enum MHD_Result answer_error(struct MHD_Connection *conn, unsigned int status, const char *message)
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

enum MHD_Result answer_comics(struct MHD_Connection *conn, double seconds, char **imgs,
                              size_t count)
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

enum MHD_Result answer_images(struct MHD_Connection *conn, double start, char **imgs, size_t got,
                              size_t count, const char *error)
{
    enum MHD_Result queued;

    if (got == count) {
        queued = answer_comics(conn, td6_now() - start, imgs, count);
    } else {
        fprintf(stderr, "%s : échec de l'API : %s\n", program_invocation_short_name, error);
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, error);
    }
    for (size_t i = 0; i < got; i++)
        free(imgs[i]);
    return queued;
}

enum MHD_Result answer_transfers(struct MHD_Connection *conn, double start,
                                 const struct transfer *t, size_t count)
{
    char *imgs[COMIC_COUNT] = { NULL };
    char error[ERROR_SIZE] = "";
    size_t got = 0;

    while (got < count && got < COMIC_COUNT
           && (imgs[got] = transfer_img(&t[got], error, sizeof error)) != NULL)
        got++;
    return answer_images(conn, start, imgs, got, count, error);
}

bool request_ready(struct MHD_Connection *conn, const char *method, size_t *upload_data_size,
                   void **req_cls, void *first, enum MHD_Result *result)
{
    *result = MHD_YES;
    if (*req_cls == NULL) {   /* en-têtes arrivés : on répondra au dernier appel */
        *req_cls = first;
        return false;
    }
    if (*upload_data_size != 0) {   /* un corps (POST...) : on l'ignore */
        *upload_data_size = 0;
        return false;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
        *result = answer_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                               "Méthode refusée : ce serveur n'accepte que GET et HEAD.");
        return false;
    }
    return true;
}

/* ---- Le serveur de hello et hello2 ------------------------------------ */

/* La route du serveur : écrite par web_listen AVANT le démarrage du
 * serveur, puis seulement lue par ses threads (comme g_api). */
static web_route g_route;

/* libmicrohttpd appelle cette fonction, dans le thread de la connexion,
 * plusieurs fois par requête : d'abord quand les en-têtes sont arrivés
 * (*req_cls vaut NULL), puis pour chaque morceau du corps éventuel, puis
 * une dernière fois, corps fini : c'est là que la route répond. */
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
    return g_route(conn, url);
}

struct MHD_Daemon *web_listen(unsigned int flags, uint16_t port, web_route route)
{
    g_route = route;
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, web_loopback(port),
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_END);
}

int web_serve(web_program *w, struct MHD_Daemon *daemon, const char *routes)
{
    int sig;

    if (!web_announce(w, daemon, routes))
        return 1;
    sig = web_wait(w);        /* jusqu'à Ctrl-C ou SIGTERM */
    MHD_stop_daemon(daemon);  /* ferme tout et attend chaque thread de connexion */
    web_finish(w, sig);
    return 0;
}

/* ---- Le programme ----------------------------------------------------- */

/* Le port demandé en argument, ou DEFAULT_PORT. */
static uint16_t parse_port(int argc, char **argv, const char *about)
{
    char help[1024];
    const td6_command_line cl = { "[PORT]", help, "", NULL };
    int first;

    /* L'aide dépend du programme (about) : écrite avant de lire la ligne. */
    snprintf(help, sizeof help,
             "%s\n"
             "  PORT         le port d'écoute sur 127.0.0.1, de 0 à 65535 (par défaut %d ;\n"
             "               0 = un port libre, affiché sur la première ligne)\n"
             "  -h, --help   cette aide\n"
             "L'API vient de $XKCD_API (par défaut $TD6_SERVER/xkcd, le serveur local).\n",
             about, DEFAULT_PORT);
    first = td6_operands(argc, argv, &cl);
    if (argc - first > 1)
        td6_cli_error("un seul argument attendu (PORT), pas %d", argc - first);
    if (argc - first == 0)
        return DEFAULT_PORT;
    return (uint16_t)td6_cli_long("PORT", argv[first], 0, 65535);
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

web_program web_start(int argc, char **argv, const char *about)
{
    web_program w = { program_invocation_short_name, parse_port(argc, argv, about),
                      td6_block_stop_signals() };

    /* Une fois par programme, avant tout thread. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "%s : curl_global_init a échoué\n", w.prog);
        exit(1);
    }
    json_object_seed(0);   /* jansson tire sa graine ici, pas dans deux threads à la fois */
    g_api = api_base();
    g_random_seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
    return w;
}

bool web_announce(web_program *w, struct MHD_Daemon *daemon, const char *routes)
{
    if (daemon == NULL) {
        fprintf(stderr, "%s : impossible d'écouter sur 127.0.0.1:%u (port déjà pris ?)\n",
                w->prog, w->port);
        free(g_api);
        curl_global_cleanup();
        return false;
    }
    w->port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    printf("http://127.0.0.1:%u\n", w->port);   /* première ligne : l'adresse */
    fflush(stdout);
    fprintf(stderr, "Ouvrez http://127.0.0.1:%u%s ; API : %s ; Ctrl-C pour arrêter.\n", w->port,
            routes, g_api);
    return true;
}

const struct sockaddr *web_loopback(uint16_t port)
{
    static struct sockaddr_in addr;

    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);   /* les octets du port dans l'ordre du réseau */
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return (const struct sockaddr *)&addr;
}

int web_wait(web_program *w)
{
    int sig;

    sigwait(&w->stop_signals, &sig);
    atomic_store(&g_stopping, true);   /* les transferts en cours s'interrompent */
    return sig;
}

void web_finish(web_program *w, int sig)
{
    fprintf(stderr, "%s : arrêté (%s).\n", w->prog, sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    free(g_api);
    curl_global_cleanup();
}
