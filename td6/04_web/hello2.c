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
#define COMIC_COUNT 5          /* bandes de /comic et de /comic2 */
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
    size_t len = strlen(g_api) + 32;

    t->url = Malloc(len);
    snprintf(t->url, len, "%s/%d/info.0.json", g_api, random_comic_id());
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
    /*       (CURLM *multi = curl_multi_init() ; NULL : renvoyer -1) */
    /* TODO: Lui confier les transferts d'un coup : ils partiront ensemble. */
    /*       (pour chaque i : t[i].begin = td6_now() ; curl_multi_add_handle) */
    /* TODO: Faire avancer tous les transferts, en dormant tant que rien n'arrive. */
    /*       (tant qu'il en reste : curl_multi_perform(multi, &running), */
    /*        collect_finished(multi), puis curl_multi_poll(multi, NULL, 0, 1000, NULL) ; */
    /*        à la fin : curl_multi_remove_handle pour chacun, curl_multi_cleanup) */
    /* En attendant : l'un après l'autre, comme hello /comic2. C'est juste, mais lent. */
    (void)collect_finished;
    for (size_t i = 0; i < count; i++) {
        t[i].begin = td6_now();
        t[i].result = curl_easy_perform(t[i].easy);
        t[i].done = true;
        td6_trace("attente", t[i].url, t[i].begin, td6_now());
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
        fprintf(stderr, "hello2 : impossible d'écouter sur 127.0.0.1:%u "
                "(port déjà pris ?)\n", port);
        free(g_api);
        curl_global_cleanup();
        return 1;
    }
    port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    printf("http://127.0.0.1:%u\n", port);   /* première ligne : l'adresse */
    fflush(stdout);
    fprintf(stderr, "Ouvrez http://127.0.0.1:%u/comic ; API : %s ; "
            "Ctrl-C pour arrêter.\n", port, g_api);

    sigwait(&stop_signals, &sig);
    atomic_store(&g_stopping, true);   /* les transferts en cours s'interrompent */
    MHD_stop_daemon(daemon);           /* ferme tout et attend chaque thread de connexion */
    fprintf(stderr, "hello2 : arrêté (%s).\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    free(g_api);
    curl_global_cleanup();
    return 0;
}
