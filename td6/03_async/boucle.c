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
 * Ce fichier est la boucle ; les tâches et la liste d'attente elles-mêmes
 * sont tenues par taches.c, le réglage des poignées par transferts.c.
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

#include "commun.h"
#include "ligne.h"
#include "telechargement.h"
#include "taches.h"   /* les tâches, la liste d'attente (pas la leçon) */

/* Tout l'état de la boucle. */
typedef struct {
    CURLM *multi;
    watch_list waiting; /* la liste d'attente (taches.h) */
    double deadline;    /* échéance du minuteur de libcurl (< 0 : aucune) */
    int running;        /* tâches pas encore finies, selon libcurl */
    size_t turns;       /* tours de boucle, pour le bilan */
} event_loop;

/* ---- Les deux fonctions que libcurl appelle ------------------------------ */

/* CURLMOPT_SOCKETFUNCTION : libcurl dit quelle socket surveiller, et pour
 * quoi (lire, écrire, les deux, ou plus rien). */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    event_loop *loop = userp;
    transfer *t = NULL;

    (void)socketp;
    /* TODO: Surveiller la socket pour ce que libcurl demande, ou l'oublier. */
    /*       (what dit quoi faire : oublier la socket, ou la surveiller en lecture, en */
    /*       écriture ou les deux, avec ses drapeaux poll() ; watch_socket et unwatch_socket, */
    /*       dans taches.h, tiennent la liste ; la tâche se retrouve comme dans asynchrone.c) */
    (void)easy;
    (void)fd;
    (void)what;
    (void)loop;
    (void)t;
    return 0;
}

/* CURLMOPT_TIMERFUNCTION : libcurl demande à être rappelé dans timeout_ms
 * millisecondes (-1 : plus de minuteur). */
static int on_timer(CURLM *multi, long timeout_ms, void *userp)
{
    event_loop *loop = userp;

    (void)multi;
    /* TODO: Retenir l'échéance : la boucle la passe à poll() comme délai. */
    /*       (une date en secondes sur l'horloge de td6_now ; -1 : libcurl n'en veut plus) */
    (void)loop;
    (void)timeout_ms;
    return 0;
}

/* ---- La boucle ------------------------------------------------------------ */

/* Un tour de boucle : attendre, puis rendre la main aux tâches prêtes.
 * Renvoie -1 si poll() ou libcurl échoue. */
static int run_one_turn(event_loop *loop)
{
    size_t n = loop->waiting.count, n_ready = 0;
    struct pollfd *fds = Calloc(n + 1, sizeof *fds);
    int rc = 0;

    for (size_t i = 0; i < n; i++) {
        fds[i].fd = loop->waiting.items[i].fd;
        fds[i].events = loop->waiting.items[i].events;
    }
    /* Dormir jusqu'à ce qu'une socket soit prête ou que le minuteur expire. */
    if (poll(fds, n, poll_timeout_ms(loop->deadline)) < 0 && errno != EINTR) {
        perror("poll");
        rc = -1;
        goto out_free_fds;
    }
    /* La liste des prêtes : on la garde dans fds[0..n_ready-1]. */
    for (size_t i = 0; i < n; i++) {
        if (fds[i].revents == 0)
            continue;
        watch *w = find_watch(&loop->waiting, fds[i].fd);
        set_state(w != NULL ? w->owner : NULL, READY);
        fds[n_ready++] = fds[i];
    }
    /* TODO: Rendre la main à chaque tâche prête : elle avance jusqu'à devoir attendre. */
    /*       (curl_multi_socket_action, une fois par socket prête, avec ce que poll() y a vu */
    /*       (socket_flags, dans taches.h, le traduit) ; rc = -1 si libcurl échoue) */
    /* TODO: Minuteur échu : libcurl démarre des tâches ou constate des délais dépassés. */
    /*       (s'il y a une échéance et qu'elle est passée : l'effacer d'abord, libcurl en */
    /*       reposera une ; puis curl_multi_socket_action sur la « socket » du minuteur) */
out_free_fds:
    free(fds);
    return rc;
}

/* Chaque tâche qui a de nouveau une socket à surveiller retourne dans la
 * liste d'attente. */
static void back_to_waiting(event_loop *loop)
{
    for (size_t i = 0; i < loop->waiting.count; i++) {
        transfer *t = loop->waiting.items[i].owner;

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
        if (loop->waiting.count == 0 && loop->deadline < 0) {
            fprintf(stderr, "Boucle bloquée : %d tâches en cours, mais ni socket à "
                    "surveiller ni minuteur.\n", loop->running);
            return failures + loop->running;
        }
        loop->turns++;
        if (run_one_turn(loop) != 0) {
            fprintf(stderr, "La boucle d'événements a échoué : arrêt.\n");
            return failures + 1;
        }
        failures += collect_finished(loop->multi);
        back_to_waiting(loop);
    }
    return failures;
}

/* Lance tous les téléchargements ensemble ; renvoie le nombre d'échecs. */
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
    /* TODO: Brancher notre boucle sur libcurl : ses sockets et son minuteur. */
    /*       (quatre options de curl_multi_setopt : nos deux fonctions, on_socket et */
    /*       on_timer, et pour chacune la donnée qu'elle recevra : la boucle) */
    (void)on_socket;
    (void)on_timer;
    /* Créer les tâches et les confier toutes à libcurl avant la boucle. */
    for (size_t i = 0; i < sites->count; i++) {
        if (add_transfer(loop.multi, &transfers[i], i + 1, sites->urls[i]) != 0)
            failures++;
        else
            loop.running++;
    }
    failures += run_event_loop(&loop);
    fprintf(stderr, "La boucle a fait %zu tours pour %zu tâches.\n", loop.turns, sites->count);
    /* Il ne reste des poignées que si la boucle s'est arrêtée en erreur. */
    cleanup_transfers(loop.multi, transfers, sites->count);
    curl_multi_cleanup(loop.multi);
    free(loop.waiting.items);
out_free_transfers:
    free(transfers);
    return failures;
}

/* ---- Ligne de commande (pas la leçon : voir commun/ligne.h) ------------ */

static const td6_command_line COMMAND_LINE = {
    .usage = "[URL...]",
    .help = "Télécharge toutes les URL en même temps, avec une boucle d'événements écrite\n"
            "à la main (poll) ; chaque changement d'état d'une tâche est écrit sur stderr.\n"
            TD6_SITES_HELP
            "  -h, --help   affiche cette aide\n",
    .shortopts = "",
};

int main(int argc, char **argv)
{
    url_list sites;
    double start;
    int failures, first = td6_operands(argc, argv, &COMMAND_LINE);

    /* Comme asynchrone.c : libcurl prêt, la liste, la durée, le bilan. */
    sites = td6_download_start(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites);
    return td6_download_end(&sites, start, failures);
}
