/*
 * boucle.c — chapitre 03, pour aller plus loin : la boucle d'événements
 * écrite à la main.
 *
 * Ce que montre ce programme : ce que curl_multi_poll (et asyncio) font pour
 * nous. Ici, c'est NOTRE boucle qui attend le réseau, avec poll(), et qui
 * garde les deux listes du cours :
 *   - la liste d'attente : les sockets que libcurl nous a demandé de
 *     surveiller (par CURLMOPT_SOCKETFUNCTION), chacune avec sa tâche ;
 *   - la liste des prêtes : les sockets que poll() a trouvées prêtes à ce
 *     tour. La boucle rend la main à chaque tâche prête
 *     (curl_multi_socket_action) ; la tâche avance jusqu'à devoir attendre
 *     de nouveau, puis revient dans la liste d'attente.
 * libcurl a aussi besoin d'un minuteur (CURLMOPT_TIMERFUNCTION) : pour
 * démarrer les tâches et pour les délais dépassés. Un seul thread, aucun
 * verrou : une tâche n'est jamais interrompue au milieu de son travail.
 *
 * Construire et lancer :
 *     make run EXO=03 PROG=boucle SRC=solutions
 *     build/solutions/03_async/boucle [URL...]
 *
 * À observer : sur la sortie standard, les mêmes lignes « Read » et
 * « Downloaded » qu'asynchrone. Sur la sortie d'erreur, chaque passage
 * d'une tâche d'une liste à l'autre, par exemple
 *     tâche 3 (http://127.0.0.1:8606/jython) : en attente -> prête
 * (états : nouvelle, prête, en attente, terminée), puis le nombre de tours
 * de boucle : quelques dizaines pour 160 téléchargements.
 * Essayez : build/solutions/03_async/boucle 2>&1 >/dev/null | less
 */
#include <curl/curl.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commun.h"
#include "ligne.h"
#include "signaux.h"

/* Les états d'une tâche, dans l'ordre où elle les traverse. */
enum state { NEW, READY, WAITING, DONE };
static const char *const STATE_NAMES[] = { "nouvelle", "prête", "en attente", "terminée" };

/* Une tâche : un téléchargement. Un seul thread : rien n'est partagé entre
 * threads dans ce programme. */
typedef struct {
    size_t number;     /* 1, 2, ... dans l'ordre de la liste d'URL */
    const char *url;
    CURL *easy;        /* NULL une fois la tâche finie */
    size_t received;
    double begin;      /* pour td6_trace */
    enum state state;
} transfer;

/* Une socket de la liste d'attente. */
typedef struct {
    curl_socket_t fd;
    short events;      /* ce qu'on attend : POLLIN, POLLOUT ou les deux */
    transfer *owner;   /* la tâche qui attend (NULL : une connexion interne) */
} watch;

/* Tout l'état de la boucle. */
typedef struct {
    CURLM *multi;
    watch *waiting;    /* la liste d'attente */
    size_t n_waiting, capacity;
    double deadline;   /* échéance du minuteur de libcurl (< 0 : aucune) */
    int running;       /* tâches pas encore finies, selon libcurl */
    size_t turns;      /* tours de boucle, pour le bilan */
} event_loop;

/* Fait passer une tâche dans un nouvel état, et le dit sur stderr. */
static void set_state(transfer *t, enum state next)
{
    if (t == NULL || t->state == next)
        return;
    fprintf(stderr, "tâche %zu (%s) : %s -> %s\n", t->number, t->url,
            STATE_NAMES[t->state], STATE_NAMES[next]);
    t->state = next;
}

static size_t count_bytes(char *data, size_t size, size_t nmemb, void *userdata)
{
    transfer *t = userdata;

    (void)data;
    t->received += size * nmemb;
    return size * nmemb;
}

/* ---- La liste d'attente -------------------------------------------------- */

static watch *find_watch(event_loop *loop, curl_socket_t fd)
{
    for (size_t i = 0; i < loop->n_waiting; i++)
        if (loop->waiting[i].fd == fd)
            return &loop->waiting[i];
    return NULL;
}

/* Ajoute la socket à la liste d'attente, ou met à jour ce qu'on y attend. */
static void watch_socket(event_loop *loop, curl_socket_t fd, short events, transfer *owner)
{
    watch *w = find_watch(loop, fd);

    if (w == NULL) {
        if (loop->n_waiting == loop->capacity) {
            loop->capacity = loop->capacity * 2 + 16;
            loop->waiting = realloc(loop->waiting, loop->capacity * sizeof *loop->waiting);
            if (loop->waiting == NULL)
                td6_die(__FILE__, __LINE__, "realloc", ENOMEM);
        }
        w = &loop->waiting[loop->n_waiting++];
        w->fd = fd;
    }
    w->events = events;
    w->owner = owner;
}

/* Retire la socket de la liste (la dernière prend sa place). */
static void unwatch_socket(event_loop *loop, curl_socket_t fd)
{
    watch *w = find_watch(loop, fd);

    if (w != NULL)
        *w = loop->waiting[--loop->n_waiting];
}

/* ---- Les deux fonctions que libcurl appelle ------------------------------ */

/* CURLMOPT_SOCKETFUNCTION : libcurl dit quelle socket surveiller, et pour
 * quoi (lire, écrire, les deux, ou plus rien). */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    event_loop *loop = userp;
    transfer *t = NULL;

    (void)socketp;
    /* Surveiller la socket pour ce que libcurl demande, ou l'oublier. */
    if (what == CURL_POLL_REMOVE) {
        unwatch_socket(loop, fd);
        return 0;
    }
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&t);
    watch_socket(loop, fd,
                 (short)((what & CURL_POLL_IN ? POLLIN : 0) | (what & CURL_POLL_OUT ? POLLOUT : 0)),
                 t);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION : libcurl demande à être rappelé dans timeout_ms
 * millisecondes (-1 : plus de minuteur). */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    event_loop *loop = userp;

    (void)multi;
    /* Retenir l'échéance : la boucle la passe à poll() comme délai. */
    loop->deadline = timeout_ms < 0 ? -1 : td6_now() + timeout_ms / 1000.0;
    return 0;
}

/* ---- La boucle ------------------------------------------------------------ */

/* Délai à donner à poll() : jusqu'à l'échéance du minuteur, 1 s au plus. */
static int poll_timeout_ms(const event_loop *loop)
{
    double left;

    if (loop->deadline < 0)
        return 1000;
    left = (loop->deadline - td6_now()) * 1000.0;
    if (left <= 0)
        return 0;
    return left > 1000 ? 1000 : (int)left + 1;
}

/* Ce que poll() a vu sur une socket, traduit pour curl_multi_socket_action. */
static int socket_flags(short revents)
{
    return (revents & (POLLIN | POLLHUP) ? CURL_CSELECT_IN : 0) |
           (revents & POLLOUT ? CURL_CSELECT_OUT : 0) |
           (revents & (POLLERR | POLLNVAL) ? CURL_CSELECT_ERR : 0);
}

/* Affiche le résultat d'une tâche finie ; 0 si la page est lue, -1 sinon. */
static int download_site(transfer *t, CURLcode rc)
{
    long status = 0;

    if (rc != CURLE_OK) {
        fprintf(stderr, "Échec de %s : %s\n", t->url, td6_curl_error(rc));
        return -1;
    }
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 400) {
        fprintf(stderr, "Échec de %s : le serveur a répondu %ld\n", t->url, status);
        return -1;
    }
    printf("Read %zu from %s\n", t->received, t->url);
    return 0;
}

/* Traite les tâches finies depuis le dernier appel ; renvoie les échecs. */
static int collect_finished(event_loop *loop)
{
    int failures = 0, left;
    CURLMsg *msg;

    while ((msg = curl_multi_info_read(loop->multi, &left)) != NULL) {
        transfer *t = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        set_state(t, DONE);
        if (download_site(t, msg->data.result) != 0)
            failures++;
        td6_trace("attente", t->url, t->begin, td6_now());
        curl_multi_remove_handle(loop->multi, t->easy);
        curl_easy_cleanup(t->easy);
        t->easy = NULL;
    }
    return failures;
}

/* Un tour de boucle : attendre, puis rendre la main aux tâches prêtes.
 * Renvoie -1 si poll() ou libcurl échoue. */
static int run_one_turn(event_loop *loop)
{
    size_t n = loop->n_waiting, n_ready = 0;
    struct pollfd *fds = Calloc(n + 1, sizeof *fds);
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        fds[i].fd = loop->waiting[i].fd;
        fds[i].events = loop->waiting[i].events;
    }
    /* Dormir jusqu'à ce qu'une socket soit prête ou que le minuteur expire. */
    if (poll(fds, n, poll_timeout_ms(loop)) < 0 && errno != EINTR) {
        perror("poll");
        rc = -1;
        goto out_free_fds;
    }
    /* La liste des prêtes : on la garde dans fds[0..n_ready-1]. */
    for (size_t i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        watch *w = find_watch(loop, fds[i].fd);
        set_state(w != NULL ? w->owner : NULL, READY);
        fds[n_ready++] = fds[i];
    }
    /* Rendre la main à chaque tâche prête : elle avance jusqu'à devoir attendre. */
    for (size_t i = 0; i < n_ready && rc == 0; i++)
        if (curl_multi_socket_action(loop->multi, fds[i].fd, socket_flags(fds[i].revents),
                                     &loop->running) != CURLM_OK)
            rc = -1;
    /* Minuteur échu : libcurl démarre des tâches ou constate des délais dépassés. */
    if (rc == 0 && loop->deadline >= 0 && td6_now() >= loop->deadline) {
        loop->deadline = -1;
        if (curl_multi_socket_action(loop->multi, CURL_SOCKET_TIMEOUT, 0, &loop->running) !=
            CURLM_OK)
            rc = -1;
    }
out_free_fds:
    free(fds);
    return rc;
}

/* Chaque tâche qui a de nouveau une socket à surveiller retourne dans la
 * liste d'attente. */
static void back_to_waiting(event_loop *loop)
{
    for (size_t i = 0; i < loop->n_waiting; i++) {
        transfer *t = loop->waiting[i].owner;

        if (t != NULL && t->state != DONE && t->easy != NULL)
            set_state(t, WAITING);
    }
}

/* Tourne jusqu'à ce que toutes les tâches soient finies ; renvoie le nombre
 * d'échecs. */
static int run_event_loop(event_loop *loop)
{
    int failures = 0;

    while (loop->running > 0) {
        /* Ni socket à surveiller ni minuteur : plus rien ne réveillerait la
         * boucle (libcurl n'est-il pas branché sur elle ?). */
        if (loop->n_waiting == 0 && loop->deadline < 0) {
            fprintf(stderr, "Boucle bloquée : %d tâches en cours, mais ni socket à "
                    "surveiller ni minuteur.\n", loop->running);
            return failures + loop->running;
        }
        loop->turns++;
        if (run_one_turn(loop) != 0) {
            fprintf(stderr, "La boucle d'événements a échoué : arrêt.\n");
            return failures + 1;
        }
        failures += collect_finished(loop);
        back_to_waiting(loop);
    }
    return failures;
}

/* Crée la tâche n° i+1 et la confie à la boucle ; -1 si impossible. */
static int add_transfer(event_loop *loop, transfer *t, size_t i, const char *url)
{
    t->number = i + 1;
    t->url = url;
    t->state = NEW;
    t->begin = td6_now();
    t->easy = curl_easy_init();
    if (t->easy == NULL) {
        fprintf(stderr, "Échec de %s : curl_easy_init a échoué\n", url);
        return -1;
    }
    curl_easy_setopt(t->easy, CURLOPT_URL, url);
    curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, count_bytes);
    curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, t);
    curl_easy_setopt(t->easy, CURLOPT_TIMEOUT_MS, td6_timeout_ms());
    /* Pas de signaux : sans cette option, libcurl installe puis retire un
     * gestionnaire de SIGPIPE à chaque appel : des milliers d'appels
     * système pour rien avec 160 URL. SIGPIPE est ignoré une fois pour
     * toutes dans main. */
    curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    curl_multi_add_handle(loop->multi, t->easy);
    /* Une tâche neuve a du travail à faire : elle est prête. */
    set_state(t, READY);
    loop->running++;
    return 0;
}

static int download_all_sites(const url_list *sites)
{
    transfer *transfers = Calloc(sites->count, sizeof *transfers);
    event_loop loop = { .deadline = -1 };
    int failures = 0;

    loop.multi = curl_multi_init();
    if (loop.multi == NULL) {
        fprintf(stderr, "curl_multi_init a échoué\n");
        failures = (int)sites->count;
        goto out_free_transfers;
    }
    /* Brancher notre boucle sur libcurl : ses sockets et son minuteur. */
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(loop.multi, CURLMOPT_SOCKETDATA, &loop);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(loop.multi, CURLMOPT_TIMERDATA, &loop);
    for (size_t i = 0; i < sites->count; i++)
        if (add_transfer(&loop, &transfers[i], i, sites->urls[i]) != 0)
            failures++;
    failures += run_event_loop(&loop);
    fprintf(stderr, "La boucle a fait %zu tours pour %zu tâches.\n", loop.turns, sites->count);
    /* Il ne reste des poignées que si la boucle s'est arrêtée en erreur. */
    for (size_t i = 0; i < sites->count; i++) {
        if (transfers[i].easy != NULL) {
            curl_multi_remove_handle(loop.multi, transfers[i].easy);
            curl_easy_cleanup(transfers[i].easy);
        }
    }
    curl_multi_cleanup(loop.multi);
    free(loop.waiting);
out_free_transfers:
    free(transfers);
    return failures;
}

/* ---- Ligne de commande (pas la leçon : voir commun/ligne.h) ------------ */

static const td6_command_line COMMAND_LINE = {
    .usage = "[URL...]",
    .help = "Télécharge toutes les URL en même temps, avec une boucle d'événements écrite\n"
            "à la main (poll) ; chaque changement d'état d'une tâche est écrit sur stderr.\n"
            "Sans URL : les 160 pages du cours, depuis $TD6_SERVER.\n"
            "  -h, --help   affiche cette aide\n",
    .shortopts = "",
};

int main(int argc, char **argv)
{
    url_list sites;
    double start, duration;
    int failures, first = td6_operands(argc, argv, &COMMAND_LINE);

    /* CURLOPT_NOSIGNAL : SIGPIPE est à ignorer ici (voir signaux.h). */
    td6_ignore_sigpipe();
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        fprintf(stderr, "curl_global_init a échoué\n");
        return 1;
    }
    sites = td6_sites(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites);
    duration = td6_now() - start;
    printf("Downloaded %zu in %.3f seconds\n", sites.count, duration);
    td6_sites_free(&sites);
    curl_global_cleanup();
    return failures == 0 ? 0 : 1;
}
