/*
 * Mutant : le fil libcurl ne prend une nouvelle requête que lorsque la
 * précédente est finie. Chaque client a bien ses cinq bandes ensemble,
 * mais les clients passent l'un après l'autre : l'API ne voit jamais plus
 * de cinq appels à la fois.
 * @echoue evenementiel_vingt_clients
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
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

/* Base de l'API : écrite par main AVANT le démarrage des threads, puis
 * seulement lue. Aucun verrou n'est donc nécessaire. */
static char *g_api;

/* Graine du tirage au hasard : seul le fil libcurl tire des numéros, elle
 * lui est donc privée (pas de verrou). */
static unsigned int g_random_seed;

/* Réponse de l'API, accumulée morceau par morceau. Privée à un transfert. */
struct buffer {
    char *data;
    size_t len;
};

/* Un appel à l'API. Créé, lancé et fermé par le fil libcurl. */
struct transfer {
    CURL *easy;         /* NULL une fois le transfert fini */
    char *url;
    struct buffer body;
    CURLcode result;    /* résultat de libcurl */
    long status;        /* statut HTTP de l'API */
    double begin;       /* pour td6_trace */
    struct job *job;    /* la requête à laquelle il appartient */
};

/*
 * Une requête /comic, de son arrivée à sa réponse. Elle passe de main en
 * main, jamais à deux threads à la fois :
 *   1. le thread de libmicrohttpd la remplit, suspend la connexion et la
 *      publie dans la file (sous le verrou de g_loop) ;
 *   2. le fil libcurl la prend, lance et suit ses transferts, puis reprend
 *      la connexion (MHD_resume_connection) ;
 *   3. le thread de libmicrohttpd, rappelé, lit les résultats et répond.
 * Les passages de main (verrou, reprise) garantissent que chacun voit ce
 * que le précédent a écrit.
 */
struct job {
    struct MHD_Connection *conn;
    size_t count;
    double start;
    size_t pending;              /* transferts pas encore finis */
    const char *failure;         /* non NULL : abandonnée (arrêt du serveur...) */
    bool done;                   /* ses transferts sont finis : on peut répondre */
    struct transfer transfers[COMIC_COUNT];
    struct job *next;            /* file d'arrivée, puis liste des requêtes en cours */
};

/* Ce que partagent le thread de libmicrohttpd et le fil libcurl. */
static struct {
    pthread_mutex_t lock;   /* protège `arrivals` et `stopping` */
    struct job *arrivals;   /* requêtes suspendues, pas encore prises par le fil libcurl */
    bool stopping;          /* main demande l'arrêt */
    CURLM *multi;           /* créée par main avant les threads ; seul le fil libcurl
                             * s'en sert, sauf curl_multi_wakeup, permise à tous */
} g_loop = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* ---- Le fil libcurl ------------------------------------------------- */

/* Numéro de bande au hasard entre 1 et MAX_COMIC, sauf 404 : xkcd n'a
 * jamais publié de bande n°404 (cela compte si on élargit l'intervalle). */
static int random_comic_id(void)
{
    int n;

    do
        n = rand_r(&g_random_seed) % MAX_COMIC + 1;
    while (n == 404);
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

/* Prépare un transfert vers une bande au hasard, sans le lancer.
 * Renvoie 0, ou -1 si libcurl n'a pas pu créer la poignée. */
static int prepare_transfer(struct transfer *t, struct job *job)
{
    size_t len = strlen(g_api) + 32;

    t->job = job;
    t->url = Malloc(len);
    snprintf(t->url, len, "%s/%d/info.0.json", g_api, random_comic_id());
    t->easy = curl_easy_init();
    if (t->easy == NULL)
        return -1;
    curl_easy_setopt(t->easy, CURLOPT_URL, t->url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, collect_bytes);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &t->body);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Programme à plusieurs threads : pas de signaux (SIGALRM) pour les délais. */
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    /* Pour retrouver le transfert quand libcurl dit qu'il est fini. */
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    return 0;
}

/* Enlève `job` de la liste `list`. */
static void unlink_job(struct job **list, struct job *job)
{
    while (*list != job)
        list = &(*list)->next;
    *list = job->next;
    job->next = NULL;
}

/* Les transferts de `job` sont tous finis : on rend la connexion à
 * libmicrohttpd. Après cet appel, le fil libcurl ne touche plus à `job`. */
static void finish_job(struct job *job)
{
    job->done = true;
    /* Toutes ses bandes sont là : reprendre la connexion, sa réponse partira. */
    MHD_resume_connection(job->conn);
}

/* Lance les transferts d'une requête arrivée ; elle rejoint `active`. */
static void start_transfers(struct job *job, struct job **active)
{
    for (size_t i = 0; i < job->count; i++) {
        struct transfer *t = &job->transfers[i];

        if (prepare_transfer(t, job) != 0) {
            t->result = CURLE_FAILED_INIT;
            continue;
        }
        t->begin = td6_now();
        /* Confier chaque transfert à la multi-poignée : ils avancent tous ensemble. */
        curl_multi_add_handle(g_loop.multi, t->easy);
        job->pending++;
    }
    if (job->pending == 0) {   /* rien n'a pu partir : répondre tout de suite */
        finish_job(job);
        return;
    }
    job->next = *active;
    *active = job;
}

/* Ferme un transfert fini (ou abandonné) et le retire de la multi-poignée. */
static void close_transfer(struct transfer *t)
{
    curl_multi_remove_handle(g_loop.multi, t->easy);
    curl_easy_cleanup(t->easy);
    t->easy = NULL;
    /* Pour `make images` (sans effet si TD6_TRACE n'est pas défini). */
    td6_trace("attente", t->url, t->begin, td6_now());
}

/* Note le résultat des transferts finis ; une requête dont tous les
 * transferts sont finis quitte `active` et sa connexion est reprise. */
static void collect_finished(struct job **active)
{
    struct transfer *t;
    CURLMsg *msg;
    char *owner;
    int left;

    while ((msg = curl_multi_info_read(g_loop.multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &owner);
        t = (struct transfer *)owner;
        t->result = msg->data.result;   /* msg ne vaut plus rien après close_transfer */
        curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->status);
        close_transfer(t);
        if (--t->job->pending == 0) {
            unlink_job(active, t->job);
            finish_job(t->job);
        }
    }
}

/* Abandonne toutes les requêtes en cours (arrêt du serveur, ou panne de la
 * multi-poignée) : leurs connexions sont reprises avec un message. */
static void abort_all(struct job **active, const char *why)
{
    while (*active != NULL) {
        struct job *job = *active;

        for (size_t i = 0; i < job->count; i++)
            if (job->transfers[i].easy != NULL)
                close_transfer(&job->transfers[i]);
        job->failure = why;
        unlink_job(active, job);
        finish_job(job);
    }
}

/* Prend d'un coup toutes les requêtes arrivées, et dit si l'arrêt est
 * demandé. Le verrou n'est tenu que le temps d'échanger deux pointeurs. */
static struct job *take_arrivals(bool *stopping)
{
    struct job *arrived;

    Pthread_mutex_lock(&g_loop.lock);
    arrived = g_loop.arrivals;
    if (arrived != NULL) {   /* une seule à la fois */
        g_loop.arrivals = arrived->next;
        arrived->next = NULL;
    }
    *stopping = g_loop.stopping;
    Pthread_mutex_unlock(&g_loop.lock);
    return arrived;
}

/* Le fil libcurl : une boucle d'événements pour TOUS les appels à l'API.
 * curl_multi_poll dort jusqu'à ce qu'une réponse arrive, qu'un délai
 * expire, ou que curl_multi_wakeup le réveille (nouvelle requête, arrêt). */
static void *fetch_loop(void *unused)
{
    struct job *active = NULL;   /* requêtes en cours : privé à ce fil */
    bool stopping = false;
    int running;

    (void)unused;
    for (;;) {
        struct job *arrived = NULL;

        if (active == NULL) {
            arrived = take_arrivals(&stopping);
        } else {
            Pthread_mutex_lock(&g_loop.lock);
            stopping = g_loop.stopping;
            Pthread_mutex_unlock(&g_loop.lock);
        }

        while (arrived != NULL) {
            struct job *job = arrived;

            arrived = job->next;
            start_transfers(job, &active);
        }
        if (stopping)
            break;
        CURLMcode mc = curl_multi_perform(g_loop.multi, &running);
        collect_finished(&active);
        if (mc == CURLM_OK)
            mc = curl_multi_poll(g_loop.multi, NULL, 0, 1000, NULL);
        if (mc != CURLM_OK) {
            fprintf(stderr, "evenementiel : libcurl : %s\n", curl_multi_strerror(mc));
            abort_all(&active, "La multi-poignée de libcurl a échoué.");
        }
    }
    abort_all(&active, "Le serveur s'arrête.");
    for (struct job *left; (left = take_arrivals(&stopping)) != NULL;) {
        start_transfers(left, &active);
        abort_all(&active, "Le serveur s'arrête.");
    }
    return NULL;
}

/* ---- Le thread de libmicrohttpd ------------------------------------- */

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
static char *transfer_img(const struct transfer *t, char *error, size_t error_size)
{
    if (t->result != CURLE_OK) {
        snprintf(error, error_size, "%s : %s", t->url, td6_curl_error(t->result));
        return NULL;
    }
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

/* La connexion a été reprise : les transferts de `job` sont finis. */
static enum MHD_Result answer_job(struct MHD_Connection *conn, struct job *job)
{
    char *imgs[COMIC_COUNT] = { NULL };
    char error[ERROR_SIZE] = "";
    size_t got = 0;
    enum MHD_Result queued;

    if (job->failure != NULL)
        return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, job->failure);
    while (got < job->count
           && (imgs[got] = transfer_img(&job->transfers[got], error, sizeof error)) != NULL)
        got++;
    if (got == job->count) {
        queued = answer_comics(conn, td6_now() - job->start, imgs, got);
    } else {
        fprintf(stderr, "evenementiel : échec de l'API : %s\n", error);
        queued = answer_error(conn, MHD_HTTP_BAD_GATEWAY, error);
    }
    for (size_t i = 0; i < got; i++)
        free(imgs[i]);
    return queued;
}

/* Première fois qu'on voit la requête : on la confie au fil libcurl et on
 * rend la main tout de suite. Rien ici n'attend le réseau. */
static enum MHD_Result start_job(struct MHD_Connection *conn, struct job *job, size_t count)
{
    job->conn = conn;
    job->count = count;
    job->start = td6_now();
    Pthread_mutex_lock(&g_loop.lock);
    if (g_loop.stopping) {   /* le fil libcurl est parti : répondre tout de suite */
        Pthread_mutex_unlock(&g_loop.lock);
        return answer_error(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "Le serveur s'arrête.");
    }
    /* Suspendre la connexion : libmicrohttpd la met de côté, son thread reste libre. */
    MHD_suspend_connection(conn);
    /* La confier au fil libcurl : la mettre dans la file, puis le réveiller. */
    job->next = g_loop.arrivals;
    g_loop.arrivals = job;
    Pthread_mutex_unlock(&g_loop.lock);
    curl_multi_wakeup(g_loop.multi);
    return MHD_YES;   /* pas de réponse pour l'instant : elle partira à la reprise */
}

/* libmicrohttpd appelle cette fonction, toujours dans SON thread :
 * d'abord quand les en-têtes sont arrivés (*req_cls vaut NULL), puis pour
 * chaque morceau du corps éventuel, puis corps fini, et encore une fois
 * après une reprise. */
static enum MHD_Result handle_request(void *cls, struct MHD_Connection *conn, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **req_cls)
{
    struct job *job = *req_cls;

    (void)cls, (void)version, (void)upload_data;
    if (job == NULL) {   /* libérée par request_completed */
        *req_cls = Calloc(1, sizeof(struct job));
        return MHD_YES;
    }
    if (*upload_data_size != 0) {   /* un corps (POST...) : on l'ignore */
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return answer_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                            "Méthode refusée : ce serveur n'accepte que GET et HEAD.");
    if (strcmp(url, "/comic") != 0 && strcmp(url, "/comic2") != 0)
        return answer_error(conn, MHD_HTTP_NOT_FOUND,
                            "Page inconnue. Essayez /comic (cinq bandes, cherchées ensemble).");
    if (job->done)
        return answer_job(conn, job);
    return start_job(conn, job, COMIC_COUNT);
}

/* Fin d'une requête, quelle qu'en soit l'issue : on libère sa mémoire. Le
 * fil libcurl n'y touche plus (il a repris la connexion, ou il est arrêté). */
static void request_completed(void *cls, struct MHD_Connection *conn, void **req_cls,
                              enum MHD_RequestTerminationCode why)
{
    struct job *job = *req_cls;

    (void)cls, (void)conn, (void)why;
    if (job == NULL)
        return;
    for (size_t i = 0; i < COMIC_COUNT; i++) {
        free(job->transfers[i].url);
        free(job->transfers[i].body.data);
    }
    free(job);
    *req_cls = NULL;
}

/* Démarre le serveur sur 127.0.0.1:port (port 0 : un port libre). */
static struct MHD_Daemon *start_server(uint16_t port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port) };
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    /*
     * Le mode de libmicrohttpd, choisi exprès : UN thread interne surveille
     * toutes les connexions (avec epoll ou poll, MHD_USE_AUTO choisit).
     * C'est possible parce que handle_request ne bloque jamais : il suspend
     * la connexion et rend la main. MHD_ALLOW_SUSPEND_RESUME donne ce droit,
     * et ajoute un canal de réveil pour qu'une connexion reprise par un
     * autre thread soit servie aussitôt. (Avec un thread par connexion, la
     * suspension n'existe pas : il n'y aurait rien à libérer.)
     */
    /* Un seul thread pour toutes les connexions, et le droit de les suspendre. */
    flags |= MHD_ALLOW_SUSPEND_RESUME;
    return MHD_start_daemon(flags, port, NULL, NULL, handle_request, NULL,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
                            MHD_OPTION_NOTIFY_COMPLETED, request_completed, NULL,
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

/* Demande l'arrêt au fil libcurl et attend qu'il ait fini : il abandonne
 * ses transferts et reprend toutes les connexions suspendues (libmicrohttpd
 * interdit de s'arrêter tant qu'il en reste). */
static void stop_fetcher(pthread_t fetcher)
{
    Pthread_mutex_lock(&g_loop.lock);
    g_loop.stopping = true;
    Pthread_mutex_unlock(&g_loop.lock);
    curl_multi_wakeup(g_loop.multi);
    Pthread_join(fetcher, NULL);
}

int main(int argc, char **argv)
{
    uint16_t port = parse_port(argc, argv);
    sigset_t stop_signals = block_stop_signals();
    struct MHD_Daemon *daemon;
    pthread_t fetcher;
    int sig;

    /* Une fois par programme, avant tout thread. */
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    json_object_seed(0);   /* jansson tire sa graine ici, pas dans deux threads à la fois */
    g_api = api_base();
    g_random_seed = (unsigned int)time(NULL) ^ (unsigned int)getpid();
    g_loop.multi = curl_multi_init();
    if (g_loop.multi == NULL) {
        fprintf(stderr, "curl_multi_init a échoué\n");
        goto out_free_api;
    }
    Pthread_create(&fetcher, NULL, fetch_loop, NULL);

    daemon = start_server(port);
    if (daemon == NULL) {
        fprintf(stderr, "evenementiel : impossible d'écouter sur 127.0.0.1:%u "
                "(port déjà pris ?)\n", port);
        goto out_stop_fetcher;
    }
    port = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
    printf("http://127.0.0.1:%u\n", port);   /* première ligne : l'adresse */
    fflush(stdout);
    fprintf(stderr, "Ouvrez http://127.0.0.1:%u/comic ; API : %s ; "
            "Ctrl-C pour arrêter.\n", port, g_api);

    sigwait(&stop_signals, &sig);
    /* D'abord le fil libcurl (il reprend toutes les connexions suspendues),
     * puis le serveur (qui ferme tout et attend son thread). */
    stop_fetcher(fetcher);
    MHD_stop_daemon(daemon);
    curl_multi_cleanup(g_loop.multi);
    fprintf(stderr, "evenementiel : arrêté (%s).\n", sig == SIGINT ? "Ctrl-C" : "SIGTERM");
    free(g_api);
    curl_global_cleanup();
    return 0;

out_stop_fetcher:
    stop_fetcher(fetcher);
    curl_multi_cleanup(g_loop.multi);
out_free_api:
    free(g_api);
    curl_global_cleanup();
    return 1;
}
