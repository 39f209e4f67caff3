/*
 * asynchrone.c — chapitre 03 : tout télécharger en même temps, dans un seul
 * thread, avec l'interface « multi » de libcurl.
 *
 * Ce que montre ce programme : la version asyncio du cours, sans asyncio.
 * Chaque URL devient une poignée « easy » (une tâche), ajoutée à UNE poignée
 * « multi » (la boucle d'événements et la session à la fois : elle partage
 * ses connexions entre les tâches, comme la ClientSession d'aiohttp). Une
 * boucle appelle curl_multi_perform (faire avancer toutes les tâches qui
 * peuvent avancer, sans jamais attendre) puis curl_multi_poll (dormir
 * jusqu'à ce qu'une socket ait du nouveau). Un seul thread : rien n'est
 * partagé entre threads, il n'y a ni verrou ni join.
 *
 * Construire et lancer :
 *     make run EXO=03                  (votre version, td6/)
 *     make run EXO=03 SRC=solutions    (la solution)
 *     build/solutions/03_async/asynchrone [-m CONNEXIONS] [URL...]
 * -m CONNEXIONS limite le nombre de connexions simultanées (1 à 10 000) ; sans -m,
 * toutes les URL partent en même temps.
 *
 * À observer : 160 lignes « Read ... » dans l'ordre où les réponses
 * arrivent (pas forcément celui de la liste), puis une durée proche d'UNE
 * latence du serveur (50 ms par défaut), contre 8 s pour le chapitre 01.
 * Dans /stats, « pic_en_vol » vaut 160 : toutes les requêtes étaient en
 * vol en même temps. Avec -m 10, il vaut 10 et « connexions » aussi.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "commun.h"
#include "ligne.h"
#include "telechargement.h"
#include "transferts.h"

/* Limite de -m (td6_cli_long refuse au-delà). */
#define MAX_CONNECTIONS 10000

/* Une tâche : tout ce qu'on sait d'un téléchargement. Le programme n'a
 * qu'un thread : ces données ne sont jamais touchées par deux threads. */
typedef struct {
    const char *url;
    CURL *easy;        /* sa poignée ; NULL une fois le téléchargement fini */
    size_t received;   /* octets reçus jusqu'ici (compté par libcurl) */
    double begin;      /* pour td6_trace */
} transfer;

/* Crée la poignée d'une tâche, prête à partir (l'équivalent de
 * asyncio.ensure_future : la tâche existe, elle ne tourne pas encore).
 * Renvoie -1 si libcurl n'a pas pu la créer. */
static int prepare_transfer(transfer *t, const char *url)
{
    t->url = url;
    t->received = 0;
    t->begin = td6_now();
    /* Réglée comme au chapitre 01 (voir transferts.h) : URL, octets
     * comptés dans t->received, délai. */
    t->easy = new_download(url, &t->received);
    if (t->easy == NULL)
        return -1;
    /* TODO: Attacher la tâche à sa poignée, pour la retrouver quand elle finit. */
    /*       (une option de curl_easy_setopt garde dans la poignée un pointeur à nous) */
    return 0;
}

/* Une tâche vient de finir : affiche son résultat, la retire de la boucle
 * et libère sa poignée. Renvoie 0 si la page est lue, -1 sinon. */
static int finish_transfer(CURLM *multi, CURLMsg *msg)
{
    transfer *t = NULL;
    int rc = -1;

    /* TODO: Retrouver la tâche attachée à la poignée (CURLOPT_PRIVATE). */
    /*       (curl_easy_getinfo relit ce pointeur ; la poignée finie est dans msg) */
    /* TODO: Afficher son résultat : msg->data.result est celui de CETTE tâche. */
    /*       (download_site, déjà écrite dans transferts.c, l'affiche et dit s'il a échoué ; */
    /*       puis td6_trace, pour make images, du début de la tâche à maintenant) */
    /* TODO: Retirer la tâche de la boucle, puis libérer sa poignée. */
    /*       (de la poignée multi d'abord, puis la poignée elle-même ; et l'oublier dans t : */
    /*       la fin de download_all_sites libère celles qui restent) */
    (void)multi;
    (void)msg;
    (void)t;
    return rc;
}

/* Traite chaque tâche finie depuis le dernier appel. Renvoie le nombre
 * d'échecs parmi elles. */
static int collect_finished(CURLM *multi)
{
    int failures = 0;

    /* TODO: Lire un à un les messages des tâches finies (CURLMSG_DONE). */
    /*       (curl_multi_info_read rend un message à la fois, jusqu'à NULL ; seuls ceux de */
    /*       type CURLMSG_DONE sont des fins de tâche, à confier à finish_transfer) */
    (void)multi;
    (void)finish_transfer;
    return failures;
}

/* La boucle d'événements : tourne jusqu'à ce qu'il n'y ait plus de tâche
 * en cours. Renvoie le nombre d'échecs, ou -1 si la boucle elle-même a
 * échoué. */
static int run_event_loop(CURLM *multi)
{
    int running = 1, failures = 0;

    while (running > 0) {
        CURLMcode mc = CURLM_OK;

        /* TODO: Faire avancer chaque tâche qui peut avancer, sans attendre. */
        /*       (curl_multi_perform dit aussi combien de tâches tournent encore : il remplace */
        /*       « running = 0; ») */
        running = 0;
        if (mc == CURLM_OK)
            failures += collect_finished(multi);
        /* TODO: Dormir jusqu'à ce qu'une socket ait du nouveau (ou 1 s au plus). */
        /*       (curl_multi_poll, sans descripteur à nous ; seulement s'il reste des tâches) */
        if (mc != CURLM_OK) {
            fprintf(stderr, "La boucle libcurl a échoué : %s\n", curl_multi_strerror(mc));
            return -1;
        }
    }
    return failures;
}

/* Lance tous les téléchargements ensemble, au plus `max` connexions à la
 * fois (0 : pas de limite). Renvoie le nombre d'échecs. */
static int download_all_sites(const url_list *sites, long max)
{
    transfer *transfers = Calloc(sites->count, sizeof *transfers);
    int failures = 0, loop;
    /* TODO: Créer UNE poignée multi : la boucle d'événements et la session partagée. */
    /*       (curl_multi_init ; si elle vaut NULL, le dire et sauter à out_free_transfers) */
    CURLM *multi = NULL;

    /* TODO: Avec -m CONNEXIONS, limiter le nombre de connexions simultanées. */
    /*       (une option de curl_multi_setopt limite le total des connexions ; sans -m, */
    /*       max vaut 0 : pas de limite) */
    (void)max;
    for (size_t i = 0; i < sites->count; i++) {
        if (prepare_transfer(&transfers[i], sites->urls[i]) != 0) {
            failures++;
            continue;
        }
        /* TODO: Confier la tâche à la boucle : elle partira au premier tour. */
        /*       (curl_multi_add_handle) */
    }
    loop = run_event_loop(multi);
    failures += loop < 0 ? 1 : loop;
    /* Normalement tout est déjà libéré ; il reste des poignées seulement
     * si la boucle s'est arrêtée en erreur. */
    for (size_t i = 0; i < sites->count; i++) {
        if (transfers[i].easy != NULL) {
            curl_multi_remove_handle(multi, transfers[i].easy);
            curl_easy_cleanup(transfers[i].easy);
        }
    }
    /* TODO: Libérer la poignée multi, une fois toutes les tâches retirées. */
    /*       (curl_multi_cleanup) */
    /* (Ce saut ne sert qu'à faire compiler le squelette, qui n'utilise pas
     *  encore l'étiquette ; vous pourrez l'effacer.) */
    goto out_free_transfers;
out_free_transfers:
    free(transfers);
    return failures;
}

/* ---- Ligne de commande (pas la leçon : voir commun/ligne.h) ------------ */

/* Lit -m CONNEXIONS ; renvoie l'indice de la première URL dans argv. */
static int parse_options(int argc, char **argv, long *max)
{
    static const td6_command_line command_line = {
        .usage = "[-m CONNEXIONS] [URL...]",
        .help = "Télécharge toutes les URL en même temps, dans un seul thread (poignée multi).\n"
                TD6_SITES_HELP
                "  -m CONNEXIONS  connexions simultanées au plus, de 1 à " TD6_TEXT(MAX_CONNECTIONS)
                " (sans -m : aucune limite)\n"
                "  -h, --help     affiche cette aide\n",
        .shortopts = "m:",
    };
    int opt;

    *max = 0;
    while ((opt = td6_getopt(argc, argv, &command_line)) != -1)
        if (opt == 'm')
            *max = td6_cli_long("-m", optarg, 1, MAX_CONNECTIONS);
    return optind;
}

int main(int argc, char **argv)
{
    url_list sites;
    double start;
    long max;
    int failures, first = parse_options(argc, argv, &max);

    /* libcurl prêt (SIGPIPE ignoré, voir telechargement.h), la liste d'URL. */
    sites = td6_download_start(argc, argv, first);
    start = td6_now();
    failures = download_all_sites(&sites, max);
    /* « Downloaded ... », puis libcurl arrêté. */
    return td6_download_end(&sites, start, failures);
}
