/*
 * serveur.c — le serveur local qui remplace Internet pendant le TD6.
 *
 * Il imite les deux sites du cours (la page de Jython et la page « dice »)
 * ainsi que l'API de xkcd, avec une latence fixe et réglable. Il compte tout
 * ce qu'il voit (requêtes, connexions TCP, requêtes simultanées) : les tests
 * jugent ainsi la concurrence de vos programmes en lisant /stats, sans
 * chronomètre, donc sans dépendre de la vitesse de la machine.
 *
 * Construction et lancement :
 *     make serveur            (construit puis lance au premier plan)
 *     build/serveur/serveur [-p PORT] [-l LATENCE_MS] [-r N] [-a ADRESSE] [-v]
 * Par défaut : port 8606, latence 50 ms, adresse 127.0.0.1. Le port 0 prend
 * un port libre quelconque. La première ligne écrite sur la sortie standard
 * est exactement l'URL de base (par exemple http://127.0.0.1:8606) : les
 * scripts et les tests la lisent. Les autres messages vont sur stderr ;
 * -v affiche chaque requête. Ctrl-C (SIGINT) ou SIGTERM arrête proprement.
 *
 * Routes (GET et HEAD ; une autre méthode reçoit 405) :
 *     /                       petite page d'aide
 *     /jython                 page HTML de 10 782 octets exactement
 *     /dice                   page HTML de 277 octets exactement
 *     /xkcd/<n>/info.0.json   JSON à la manière de xkcd : num, title, img, alt
 *     /images/<n>.svg         petite image SVG « xkcd n°<n> »
 *     /stats                  JSON des compteurs (sans latence, non compté)
 *     /reset                  remet les compteurs à zéro (GET ou POST)
 * Un chemin inconnu reçoit 404. Toutes les réponses, sauf /stats et /reset,
 * attendent LATENCE_MS avant de partir : c'est le « temps de trajet » d'un
 * vrai réseau.
 *
 * ## /stats
 *
 *   {"requetes": R, "connexions": C, "pic_en_vol": P, "en_vol": E,
 *    "chemins": {"/jython": a, "/dice": b, "/xkcd": c, "/images": d,
 *                "autres": e}, "latence_ms": L, "horloge_ms": H,
 *    "premiere_ms": F, "derniere_ms": D, "attente_connexion_max_ms": A,
 *    "rendez_vous": V}
 *   - requetes : requêtes reçues (toutes sauf /stats et /reset), comptées
 *     dès leur arrivée ;
 *   - connexions : connexions TCP qui ont porté au moins une requête comptée
 *     (celles qui ne servent qu'à lire /stats ne comptent pas) ;
 *   - en_vol : requêtes en cours ; pic_en_vol : le maximum de en_vol ;
 *   - chemins : requêtes par famille (/xkcd-… compte dans « /xkcd ») ;
 *   - horloge_ms : l'horloge du serveur (monotone, en ms) au moment de la
 *     lecture ; premiere_ms et derniere_ms : sur cette horloge, l'arrivée
 *     de la première et de la dernière requête comptée (0 si aucune) ;
 *   - attente_connexion_max_ms : le plus long délai entre l'ouverture d'une
 *     connexion TCP et l'arrivée de sa première requête comptée.
 *   Ce ne sont pas des chronomètres sur le programme testé : c'est l'ordre
 *   et l'écart des événements vus par le serveur (une requête partie en
 *   retard sur la page qui l'a demandée, une requête écrite longtemps après
 *   sa connexion), que les tests comparent à la latence avec une large marge.
 * /reset remet tout à zéro sauf en_vol (le pic repart de en_vol).
 *
 * ## Le rendez-vous (-r N), pour des tests qui ne dépendent pas de la charge
 *
 * « Le serveur a vu 160 requêtes en vol ensemble » ne doit pas dépendre de
 * la vitesse de la machine : sur une machine très chargée, un programme
 * juste peut mettre plus d'une latence à envoyer ses 160 requêtes, et les
 * premières seraient déjà servies. Avec -r N, chaque requête comptée attend,
 * avant sa latence, que N requêtes soient en vol en même temps : le
 * rendez-vous est alors « formé » (pic_en_vol vaut au moins N, à coup sûr)
 * et toutes repartent. Un programme qui n'envoie jamais N requêtes ensemble
 * (séquentiel, pool trop petit) ne le forme jamais : au bout de
 * RENDEZ_VOUS_MAX_S secondes d'attente, le rendez-vous est « manqué » et
 * le serveur sert ensuite normalement ; le pic reste ce que le programme a fait. Le
 * verdict ne dépend donc que du programme. /stats dit « rendez_vous » :
 * 0 (pas demandé ou en cours), 1 (formé), -1 (manqué) ; /reset le relance,
 * et /reset?rendez_vous=N en arme un nouveau (0 : aucun) à partir de là.
 *
 * ## Identifiants spéciaux
 *
 * Pour tester qu'un programme résiste à une API défaillante :
 *   - 404  : réponse HTTP 404 (xkcd n'a jamais publié de bande n°404) ;
 *   - 9001 : JSON valide dont « img » contient " < > & ' (teste l'échappement
 *            HTML) : https://imgs.example/"><script>alert('x&y')</script>.png
 *   - 9002 : statut 200 mais JSON invalide (tronqué) ;
 *   - 9003 : statut 500, avec pourtant le JSON d'une bande (un client qui
 *            ne lit pas le statut croit avoir réussi) ;
 *   - 9004 : JSON valide sans champ « img » ;
 *   - 9005 : très lent, attend 30 s de plus avant de répondre normalement
 *            (pour tester les délais d'attente ; un arrêt du serveur
 *            l'interrompt aussitôt).
 * Comme un programme tire souvent un numéro au hasard, chaque défaut existe
 * aussi pour toute une API, quel que soit <n> : /xkcd-echappe/<n>/info.0.json
 * se comporte comme 9001, /xkcd-invalide/ comme 9002, /xkcd-500/ comme 9003,
 * /xkcd-sans-img/ comme 9004 et /xkcd-lent/ comme 9005. Il suffit de donner
 * à un programme http://127.0.0.1:PORT/xkcd-500 comme base d'API.
 *
 * Ce qu'il faut observer : lancez-le avec -v, puis un programme du TD6 dans
 * un autre terminal, et regardez /stats (curl http://127.0.0.1:8606/stats).
 * « pic_en_vol » dit combien de requêtes ont été servies EN MÊME TEMPS :
 * 1 pour un programme séquentiel, le nombre de threads pour un pool.
 * « connexions » dit combien de connexions TCP ont servi : une session qui
 * réutilise ses connexions (keep-alive) en ouvre bien moins que de requêtes.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "signaux.h"   /* commun/ : le blocage des signaux d'arrêt */
#include "ligne.h"   /* commun/ : la ligne de commande commune */

#define PORT_PAR_DEFAUT 8606
#define LATENCE_PAR_DEFAUT 50       /* millisecondes */
#define LATENCE_MAX 3600000UL       /* une heure : au-delà, c'est une erreur */
#define ATTENTE_LENTE_MS 30000UL    /* attente supplémentaire du cas 9005 */
#define RENDEZ_VOUS_MAX_S 5         /* au-delà, le rendez-vous (-r) est manqué */
#define TRANCHE_MS 100              /* on vérifie le client toutes les 100 ms */
#define LIMITE_CONNEXIONS 1000
#define DELAI_INACTIVITE_S 60       /* connexion keep-alive muette : fermée */
#define NUMERO_MAX 999999L

#define TAILLE_JYTHON 10782         /* tailles des pages du cours */
#define TAILLE_DICE 277

#define TYPE_HTML "text/html; charset=utf-8"
#define TYPE_TEXTE "text/plain; charset=utf-8"
#define TYPE_JSON "application/json"
#define TYPE_SVG "image/svg+xml"

/* ------------------------------------------------------------------------ */
/* Configuration : écrite par main() avant le démarrage des threads, puis     */
/* seulement lue. Aucun verrou n'est donc nécessaire pour la lire.            */
/* ------------------------------------------------------------------------ */

struct config {
    uint16_t port;
    unsigned long latence_ms;
    const char *adresse;
    bool verbeux;
    struct sockaddr_storage sockaddr;  /* adresse d'écoute, déjà convertie */
    char url_base[80];                 /* http://ADRESSE:PORT, sans « / » final */
};

static struct config g_config = {
    .port = PORT_PAR_DEFAUT,
    .latence_ms = LATENCE_PAR_DEFAUT,
    .adresse = "127.0.0.1",
};

/* ------------------------------------------------------------------------ */
/* Statistiques.                                                              */
/*                                                                            */
/* Un seul mutex protège TOUS les compteurs, plutôt qu'une variable atomique  */
/* par compteur : les valeurs sont liées entre elles. Le pic doit être        */
/* comparé à en_vol au même instant, /stats doit montrer un instantané        */
/* cohérent (jamais « requetes » à jour mais « chemins » en retard) et        */
/* /reset doit tout remettre à zéro d'un seul coup. Le verrou n'est tenu que  */
/* quelques nanosecondes, à comparer aux 50 ms de latence : il ne coûte rien. */
/* ------------------------------------------------------------------------ */

enum chemin { CHEMIN_JYTHON, CHEMIN_DICE, CHEMIN_XKCD, CHEMIN_IMAGES,
              CHEMIN_AUTRES, NB_CHEMINS };

static const char *const g_noms_chemins[NB_CHEMINS] = {
    "/jython", "/dice", "/xkcd", "/images", "autres",
};

struct compteurs {
    unsigned long requetes;
    unsigned long connexions;
    unsigned long en_vol;
    unsigned long pic_en_vol;
    unsigned long par_chemin[NB_CHEMINS];
    double premiere_ms, derniere_ms;   /* arrivées, horloge du serveur */
    double attente_connexion_max_ms;
};

static struct {
    pthread_mutex_t verrou;
    struct compteurs c;
    unsigned long generation;  /* augmente à chaque /reset, commence à 1 */
    unsigned long rendez_vous; /* N du rendez-vous (-r, /reset?rendez_vous=N) */
} g_stats = {
    .verrou = PTHREAD_MUTEX_INITIALIZER,
    .generation = 1,
};

/* Contexte propre à une connexion TCP (et non à une requête) : la génération
 * de statistiques pendant laquelle elle a été comptée, 0 si jamais. Ainsi une
 * connexion qui ne sert qu'à lire /stats n'est pas comptée, et une connexion
 * comptée avant un /reset l'est de nouveau si elle resert après. */
struct contexte_connexion {
    unsigned long generation_comptee;
    double ouverte_ms;        /* ouverture de la connexion (horloge_ms) */
    bool requete_vue;         /* une requête comptée est déjà arrivée */
};

/* L'horloge du serveur, en ms (monotone : ne recule jamais). */
static double horloge_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Marques posées dans *con_cls (le contexte d'une requête) : leurs adresses
 * suffisent, inutile d'allouer quoi que ce soit pour chaque requête. */
static char g_marque_comptee;   /* requête comptée : à décompter à la fin */
static char g_marque_interne;   /* /stats ou /reset : jamais comptée */

/* ------------------------------------------------------------------------ */
/* Arrêt. Les requêtes qui attendent dorment sur une variable de condition    */
/* plutôt que dans sleep() : à l'arrêt, un seul pthread_cond_broadcast les    */
/* réveille toutes, et l'arrêt n'attend jamais la fin d'une latence (ni les   */
/* 30 s du cas 9005).                                                         */
/* ------------------------------------------------------------------------ */

static struct {
    pthread_mutex_t verrou;
    pthread_cond_t reveil;
    bool demande;
    /* Le rendez-vous (-r) : 0 en cours, 1 formé, -1 manqué. Sous ce même
     * verrou, avec la même variable de condition : le réveil qui annonce
     * l'arrêt annonce aussi le rendez-vous formé. */
    int rendez_vous;
} g_arret = { .verrou = PTHREAD_MUTEX_INITIALIZER };

/* Pages du cours, construites une fois au démarrage (donc avant les threads)
 * puis seulement lues. Elles ne sont pas terminées par '\0' : leur taille est
 * celle du tableau, à l'octet près. */
static char g_page_jython[TAILLE_JYTHON];
static char g_page_dice[TAILLE_DICE];

/* ======================================================================== */
/* Construction des pages                                                     */
/* ======================================================================== */

static const char g_debut_jython[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"fr\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<title>Jython — copie locale pour le TD6</title>\n"
    "<style>body{font-family:sans-serif;max-width:42em;margin:2em auto;"
    "line-height:1.5}code{background:#eee;padding:0 .2em}</style>\n"
    "</head>\n"
    "<body>\n"
    "<h1>Jython (copie locale)</h1>\n"
    "<p>Cette page remplace <code>https://www.jython.org</code>, le premier "
    "des deux sites que le cours télécharge quatre-vingts fois. Elle est servie "
    "par le serveur local du TD6 : vos programmes fonctionnent sans Internet, "
    "et chaque téléchargement dure le même temps, fixé par l'option "
    "<code>-l</code> du serveur.</p>\n"
    "<h2>Pourquoi 10 782 octets ?</h2>\n"
    "<p>C'est la taille de la page d'origine au moment où le cours a été "
    "écrit. Vos programmes affichent <code>Read 10782 from …</code> comme "
    "dans le cours ; le reste de la page est du remplissage.</p>\n"
    "<h2>Ce que le serveur mesure</h2>\n"
    "<ul>\n"
    "<li><b>requetes</b> : le nombre de requêtes reçues ;</li>\n"
    "<li><b>connexions</b> : le nombre de connexions TCP qui ont porté au "
    "moins une requête. Une session qui garde ses connexions ouvertes "
    "(<i>keep-alive</i>) en ouvre peu ;</li>\n"
    "<li><b>pic_en_vol</b> : le plus grand nombre de requêtes servies en "
    "même temps. Un programme séquentiel n'en a jamais plus d'une en vol ; "
    "un pool de cinq threads en a cinq.</li>\n"
    "</ul>\n"
    "<p>Lisez-les avec <code>curl http://127.0.0.1:8606/stats</code> et "
    "remettez-les à zéro avec <code>curl http://127.0.0.1:8606/reset</code>."
    "</p>\n"
    "<h2>Les exercices</h2>\n"
    "<ol>\n"
    "<li><b>Séquentiel</b> : une requête après l'autre. Le temps total est "
    "le nombre de pages multiplié par la latence.</li>\n"
    "<li><b>Threads</b> : plusieurs téléchargements à la fois. Pendant "
    "qu'un thread attend le réseau, les autres avancent.</li>\n"
    "<li><b>Asynchrone</b> : un seul thread, beaucoup de transferts en "
    "cours, grâce à l'interface « multi » de libcurl.</li>\n"
    "<li><b>Web</b> : un petit serveur qui interroge l'API de xkcd, d'abord "
    "en bloquant, puis sans bloquer.</li>\n"
    "<li><b>Processus</b> : un calcul qui occupe le processeur. En C, les "
    "threads s'exécutent vraiment en parallèle : il n'y a pas de GIL.</li>\n"
    "<li><b>Application partielle</b> : passer à une fonction des "
    "arguments fixés d'avance.</li>\n"
    "</ol>\n"
    "<h2>À retenir</h2>\n"
    "<p>Attendre le réseau n'occupe pas le processeur. Dix requêtes "
    "lancées ensemble durent à peu près le temps d'une seule ; dix calculs "
    "lancés ensemble sur une machine à deux cœurs durent cinq fois le temps "
    "d'un seul. Choisir entre threads, asynchrone et processus, c'est "
    "d'abord savoir ce que l'on attend.</p>\n";

static const char g_debut_dice[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"fr\">\n"
    "<head><meta charset=\"utf-8\"><title>Dé</title></head>\n"
    "<body>\n"
    "<h1>Lancer de dé</h1>\n"
    "<p>Résultat : 4 (choisi par un lancer de dé honnête, "
    "garanti aléatoire).</p>\n";

static const char g_fin_page[] = "</body>\n</html>\n";

/* Remplit `page` (exactement `taille` octets) avec `debut`, un commentaire
 * HTML de remplissage, puis la fin du document. Le remplissage n'utilise que
 * de l'ASCII : on peut le couper n'importe où sans casser un caractère UTF-8
 * (« é » occupe deux octets). */
static void construire_page(char *page, size_t taille, const char *debut)
{
    static const char ouvre[] = "<!-- ", ferme[] = " -->\n";
    static const char motif[] =
        "Remplissage pour obtenir la taille exacte de la page du cours. ";
    size_t ld = strlen(debut), lf = strlen(g_fin_page);
    size_t fixe = ld + strlen(ouvre) + strlen(ferme) + lf;

    if (fixe > taille) {   /* erreur de programmation : texte trop long */
        fprintf(stderr, "serveur : page trop longue (%zu octets pour %zu)\n",
                fixe, taille);
        exit(EXIT_FAILURE);
    }
    size_t n = taille - fixe, pos = 0;
    memcpy(page + pos, debut, ld);
    pos += ld;
    memcpy(page + pos, ouvre, strlen(ouvre));
    pos += strlen(ouvre);
    for (size_t i = 0; i < n; i++)
        page[pos++] = motif[i % (sizeof motif - 1)];
    memcpy(page + pos, ferme, strlen(ferme));
    pos += strlen(ferme);
    memcpy(page + pos, g_fin_page, lf);
}

static const char g_page_accueil[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"fr\">\n"
    "<head><meta charset=\"utf-8\"><title>Serveur du TD6</title></head>\n"
    "<body>\n"
    "<h1>Serveur de test du TD6</h1>\n"
    "<ul>\n"
    "<li><a href=\"/jython\">/jython</a> : page de 10 782 octets</li>\n"
    "<li><a href=\"/dice\">/dice</a> : page de 277 octets</li>\n"
    "<li><a href=\"/xkcd/353/info.0.json\">/xkcd/353/info.0.json</a> : "
    "API à la manière de xkcd</li>\n"
    "<li><a href=\"/images/353.svg\">/images/353.svg</a> : image</li>\n"
    "<li><a href=\"/stats\">/stats</a> : compteurs (JSON)</li>\n"
    "<li><a href=\"/reset\">/reset</a> : remise à zéro des compteurs</li>\n"
    "</ul>\n"
    "</body>\n"
    "</html>\n";

/* ======================================================================== */
/* Statistiques                                                               */
/* ======================================================================== */

/* Range une URL dans l'une des familles de /stats. */
static enum chemin classer(const char *url)
{
    if (strcmp(url, "/jython") == 0)
        return CHEMIN_JYTHON;
    if (strcmp(url, "/dice") == 0)
        return CHEMIN_DICE;
    if (strncmp(url, "/xkcd/", 6) == 0 || strncmp(url, "/xkcd-", 6) == 0)
        return CHEMIN_XKCD;
    if (strncmp(url, "/images/", 8) == 0)
        return CHEMIN_IMAGES;
    return CHEMIN_AUTRES;
}

/* Change l'état du rendez-vous et réveille ceux qui l'attendent (formé :
 * une fois pour toutes jusqu'au prochain /reset ; manqué : de même). */
static void rendez_vous_fixer(int etat)
{
    pthread_mutex_lock(&g_arret.verrou);
    if (etat == 0 || g_arret.rendez_vous == 0)
        g_arret.rendez_vous = etat;
    pthread_cond_broadcast(&g_arret.reveil);
    pthread_mutex_unlock(&g_arret.verrou);
}

static int rendez_vous_etat(void)
{
    pthread_mutex_lock(&g_arret.verrou);
    int etat = g_arret.rendez_vous;
    pthread_mutex_unlock(&g_arret.verrou);
    return etat;
}

/* Lit le contexte de la connexion TCP qui porte la requête. */
static struct contexte_connexion *contexte_de(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

/* Arrivée d'une requête comptée : appelée une seule fois par requête, au
 * premier appel du gestionnaire (les en-têtes viennent d'être lus). */
static void stats_arrivee(struct MHD_Connection *conn, enum chemin chemin)
{
    struct contexte_connexion *ctx = contexte_de(conn);
    double maintenant = horloge_ms();

    pthread_mutex_lock(&g_stats.verrou);
    if (g_stats.c.requetes == 0)
        g_stats.c.premiere_ms = maintenant;
    g_stats.c.derniere_ms = maintenant;
    if (ctx != NULL && !ctx->requete_vue) {
        ctx->requete_vue = true;
        if (maintenant - ctx->ouverte_ms > g_stats.c.attente_connexion_max_ms)
            g_stats.c.attente_connexion_max_ms = maintenant - ctx->ouverte_ms;
    }
    g_stats.c.requetes++;
    g_stats.c.par_chemin[chemin]++;
    g_stats.c.en_vol++;
    if (g_stats.c.en_vol > g_stats.c.pic_en_vol)
        g_stats.c.pic_en_vol = g_stats.c.en_vol;
    bool forme = g_stats.rendez_vous > 0 && g_stats.c.en_vol >= g_stats.rendez_vous;
    /* Première requête comptée sur cette connexion depuis le dernier
     * /reset : c'est une connexion de plus. */
    if (ctx != NULL && ctx->generation_comptee != g_stats.generation) {
        ctx->generation_comptee = g_stats.generation;
        g_stats.c.connexions++;
    }
    pthread_mutex_unlock(&g_stats.verrou);
    if (forme)
        rendez_vous_fixer(1);
}

/* Fin d'une requête comptée, quelle qu'en soit la raison (réponse envoyée,
 * client parti, serveur arrêté) : elle n'est plus « en vol ». */
static void stats_depart(void)
{
    pthread_mutex_lock(&g_stats.verrou);
    g_stats.c.en_vol--;
    pthread_mutex_unlock(&g_stats.verrou);
}

/* Remise à zéro. en_vol n'est pas touché : des requêtes sont peut-être en
 * cours, et leur fin le décrémentera. Le pic repart donc de en_vol.
 * rendez_vous ≥ 0 : le nouveau N du rendez-vous (0 : plus de rendez-vous) ;
 * < 0 : inchangé. */
static void stats_remettre_a_zero(long rendez_vous)
{
    pthread_mutex_lock(&g_stats.verrou);
    if (rendez_vous >= 0)
        g_stats.rendez_vous = (unsigned long) rendez_vous;
    g_stats.c.requetes = 0;
    g_stats.c.connexions = 0;
    g_stats.c.pic_en_vol = g_stats.c.en_vol;
    memset(g_stats.c.par_chemin, 0, sizeof g_stats.c.par_chemin);
    g_stats.c.premiere_ms = g_stats.c.derniere_ms = 0;
    g_stats.c.attente_connexion_max_ms = 0;
    g_stats.generation++;
    pthread_mutex_unlock(&g_stats.verrou);
    rendez_vous_fixer(0);
}

/* Copie cohérente des compteurs, prise sous le verrou. */
static struct compteurs stats_instantane(void)
{
    struct compteurs copie;

    pthread_mutex_lock(&g_stats.verrou);
    copie = g_stats.c;
    pthread_mutex_unlock(&g_stats.verrou);
    return copie;
}

/* Écrit /stats en JSON. Que des nombres et des noms fixes : snprintf suffit,
 * aucun texte venu de l'extérieur n'est à échapper. */
static int stats_en_json(char *tampon, size_t taille)
{
    struct compteurs s = stats_instantane();

    return snprintf(tampon, taille,
        "{\"requetes\": %lu, \"connexions\": %lu, \"pic_en_vol\": %lu, "
        "\"en_vol\": %lu, \"chemins\": {\"%s\": %lu, \"%s\": %lu, "
        "\"%s\": %lu, \"%s\": %lu, \"%s\": %lu}, \"latence_ms\": %lu, "
        "\"horloge_ms\": %.3f, \"premiere_ms\": %.3f, \"derniere_ms\": %.3f, "
        "\"attente_connexion_max_ms\": %.3f, \"rendez_vous\": %d}\n",
        s.requetes, s.connexions, s.pic_en_vol, s.en_vol,
        g_noms_chemins[0], s.par_chemin[0], g_noms_chemins[1], s.par_chemin[1],
        g_noms_chemins[2], s.par_chemin[2], g_noms_chemins[3], s.par_chemin[3],
        g_noms_chemins[4], s.par_chemin[4], g_config.latence_ms, horloge_ms(),
        s.premiere_ms, s.derniere_ms, s.attente_connexion_max_ms, rendez_vous_etat());
}

/* ======================================================================== */
/* Attente interruptible                                                      */
/* ======================================================================== */

static struct timespec instant_plus(struct timespec t, unsigned long ms)
{
    t.tv_sec += (time_t) (ms / 1000);
    t.tv_nsec += (long) (ms % 1000) * 1000000L;
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec++;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

static bool avant(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec < b->tv_sec
        || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Dort jusqu'à `echeance` (horloge monotone) ou jusqu'à la demande d'arrêt.
 * Renvoie true si l'arrêt est demandé. Le drapeau est testé sous le verrou
 * AVANT de dormir : un broadcast ne peut donc pas être perdu. */
static bool dormir_jusqua(const struct timespec *echeance)
{
    int rc = 0;

    pthread_mutex_lock(&g_arret.verrou);
    while (!g_arret.demande && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&g_arret.reveil, &g_arret.verrou,
                                    echeance);
    bool arret = g_arret.demande;
    pthread_mutex_unlock(&g_arret.verrou);
    return arret;
}

/* Le client a-t-il raccroché ? On regarde sans consommer (MSG_PEEK) et sans
 * bloquer : 0 octet lu signifie « fin de connexion ». */
static bool client_parti(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    char octet;

    if (info == NULL)
        return false;
    ssize_t n = recv(info->connect_fd, &octet, 1, MSG_PEEK | MSG_DONTWAIT);
    return n == 0
        || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* Attend `ms` millisecondes. Renvoie false si l'attente est abandonnée : le
 * serveur s'arrête, ou le client est parti (inutile de faire attendre un
 * thread pour personne, et en_vol redescend aussitôt). Une longue attente se
 * fait par tranches de TRANCHE_MS, entre lesquelles on regarde si le client
 * est toujours là ; une attente courte (la latence habituelle) ne regarde
 * jamais. La durée totale reste la même. */
static bool attendre(struct MHD_Connection *conn, unsigned long ms)
{
    struct timespec maintenant, fin;

    clock_gettime(CLOCK_MONOTONIC, &maintenant);
    fin = instant_plus(maintenant, ms);
    while (avant(&maintenant, &fin)) {
        struct timespec tranche = instant_plus(maintenant, TRANCHE_MS);
        if (dormir_jusqua(avant(&fin, &tranche) ? &fin : &tranche))
            return false;
        clock_gettime(CLOCK_MONOTONIC, &maintenant);
        if (avant(&maintenant, &fin) && client_parti(conn))
            return false;
    }
    return true;
}

/* Le rendez-vous (-r N, voir en tête) : attend qu'il soit formé, au plus
 * RENDEZ_VOUS_MAX_S secondes ; passé ce délai, il est manqué pour tout le monde.
 * Renvoie false si l'attente est abandonnée (arrêt, client parti). */
static bool attendre_rendez_vous(struct MHD_Connection *conn)
{
    struct timespec maintenant, fin;

    pthread_mutex_lock(&g_stats.verrou);
    bool demande = g_stats.rendez_vous > 0;
    pthread_mutex_unlock(&g_stats.verrou);
    if (!demande)
        return true;
    clock_gettime(CLOCK_MONOTONIC, &maintenant);
    fin = instant_plus(maintenant, RENDEZ_VOUS_MAX_S * 1000UL);
    while (rendez_vous_etat() == 0) {
        if (!avant(&maintenant, &fin)) {
            rendez_vous_fixer(-1);
            break;
        }
        /* Réveillé par le rendez-vous formé (broadcast) ou par tranches,
         * pour voir si le client est encore là. */
        struct timespec tranche = instant_plus(maintenant, TRANCHE_MS);
        pthread_mutex_lock(&g_arret.verrou);
        if (g_arret.rendez_vous == 0 && !g_arret.demande)
            pthread_cond_timedwait(&g_arret.reveil, &g_arret.verrou,
                                   avant(&fin, &tranche) ? &fin : &tranche);
        bool arret = g_arret.demande;
        pthread_mutex_unlock(&g_arret.verrou);
        if (arret || client_parti(conn))
            return false;
        clock_gettime(CLOCK_MONOTONIC, &maintenant);
    }
    return true;
}

/* ======================================================================== */
/* Réponses                                                                   */
/* ======================================================================== */

/* Ce que le gestionnaire sait de la requête en cours. */
struct requete {
    struct MHD_Connection *conn;
    const char *url;
    const char *methode;
};

/* Une réponse à envoyer. `a_liberer` : le corps vient de malloc() et
 * libmicrohttpd le libérera avec free() une fois envoyé ; sinon il est
 * statique et ne doit pas être libéré. */
struct reponse {
    unsigned statut;
    const char *type;
    const char *corps;
    size_t taille;
    bool a_liberer;
    const char *allow;   /* en-tête Allow, pour une réponse 405 */
};

static enum MHD_Result envoyer(const struct requete *rq,
                               const struct reponse *rep)
{
    enum MHD_ResponseMemoryMode mode =
        rep->a_liberer ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rep->taille, (void *) rep->corps, mode);

    if (r == NULL) {
        if (rep->a_liberer)
            free((void *) rep->corps);
        return MHD_NO;   /* plus de mémoire : on ferme la connexion */
    }
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, rep->type);
    if (rep->allow != NULL)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rep->allow);
    enum MHD_Result ok = MHD_queue_response(rq->conn, rep->statut, r);
    MHD_destroy_response(r);   /* MHD garde sa propre référence */
    if (g_config.verbeux)
        fprintf(stderr, "%s %s -> %u (%zu octets)\n",
                rq->methode, rq->url, rep->statut, rep->taille);
    return ok;
}

/* Réponse texte courte et statique (messages d'erreur). */
static enum MHD_Result envoyer_texte(const struct requete *rq, unsigned statut,
                                     const char *texte)
{
    return envoyer(rq, &(struct reponse) {
        .statut = statut, .type = TYPE_TEXTE,
        .corps = texte, .taille = strlen(texte) });
}

/* Corps construit par malloc() (asprintf, json_dumps) : NULL veut dire que la
 * mémoire a manqué. */
static enum MHD_Result envoyer_alloue(const struct requete *rq, unsigned statut,
                                      const char *type, char *corps)
{
    if (corps == NULL)
        return envoyer_texte(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
                             "Erreur interne : mémoire insuffisante.\n");
    return envoyer(rq, &(struct reponse) {
        .statut = statut, .type = type, .corps = corps,
        .taille = strlen(corps), .a_liberer = true });
}

static enum MHD_Result refuser_methode(const struct requete *rq,
                                       const char *allow)
{
    static const char texte[] = "Méthode non autorisée sur ce chemin.\n";

    return envoyer(rq, &(struct reponse) {
        .statut = MHD_HTTP_METHOD_NOT_ALLOWED, .type = TYPE_TEXTE,
        .corps = texte, .taille = sizeof texte - 1, .allow = allow });
}

static enum MHD_Result introuvable(const struct requete *rq)
{
    return envoyer_texte(rq, MHD_HTTP_NOT_FOUND,
                         "Page introuvable sur le serveur du TD6.\n");
}

/* Attente abandonnée (client parti, arrêt) : pas de réponse, MHD_NO ferme
 * la connexion. */
static enum MHD_Result abandonner(const struct requete *rq)
{
    if (g_config.verbeux)
        fprintf(stderr, "%s %s : abandonnée (client parti ou arrêt)\n",
                rq->methode, rq->url);
    return MHD_NO;
}

static bool est_lecture(const char *methode)
{
    return strcmp(methode, MHD_HTTP_METHOD_GET) == 0
        || strcmp(methode, MHD_HTTP_METHOD_HEAD) == 0;
}

/* ======================================================================== */
/* API xkcd et images                                                         */
/* ======================================================================== */

/* Comportements de l'API : normal, ou l'un des défauts simulés. Les défauts
 * sont dans l'ordre des identifiants 9001 à 9005 : analyser_api() en
 * dépend. */
enum mode_api { API_NORMALE, API_ECHAPPE, API_INVALIDE, API_ERREUR_500,
                API_SANS_IMG, API_LENTE };

/* Préfixe d'URL → comportement imposé à toute l'API. */
static const struct {
    const char *prefixe;
    enum mode_api mode;
} g_prefixes_api[] = {
    { "/xkcd/", API_NORMALE },
    { "/xkcd-echappe/", API_ECHAPPE },
    { "/xkcd-invalide/", API_INVALIDE },
    { "/xkcd-500/", API_ERREUR_500 },
    { "/xkcd-sans-img/", API_SANS_IMG },
    { "/xkcd-lent/", API_LENTE },
};

#define IMG_PIEGEE "https://imgs.example/\"><script>alert('x&y')</script>.png"

/* Lit un numéro de 1 à NUMERO_MAX, sans zéro initial, au début de `s`.
 * Renvoie -1 si ce n'en est pas un ; sinon *suite pointe juste après les
 * chiffres. (strtol accepterait aussi « +5 », « 0x1F » ou des espaces.) */
static long lire_numero(const char *s, const char **suite)
{
    long n = 0;

    if (*s < '1' || *s > '9')
        return -1;
    while (*s >= '0' && *s <= '9') {
        n = n * 10 + (*s++ - '0');
        if (n > NUMERO_MAX)
            return -1;
    }
    *suite = s;
    return n;
}

/* Le JSON d'une bande dessinée. jansson échappe les guillemets et les
 * barres obliques inverses : on ne fabrique jamais à la main un JSON qui
 * contient du texte quelconque (ici, l'URL piégée de 9001). */
static char *json_bande(long n, enum mode_api mode)
{
    char titre[64], alt[160], *img = NULL;
    json_t *obj = json_object();

    snprintf(titre, sizeof titre, "Bande dessinée n°%ld", n);
    snprintf(alt, sizeof alt, "Texte alternatif de la bande dessinée n°%ld, "
             "servie par le serveur local du TD6.", n);
    if (mode == API_ECHAPPE)
        img = strdup(IMG_PIEGEE);
    else if (asprintf(&img, "%s/images/%ld.svg", g_config.url_base, n) < 0)
        img = NULL;
    if (obj == NULL || img == NULL) {
        json_decref(obj);
        free(img);
        return NULL;
    }
    json_object_set_new(obj, "num", json_integer(n));
    json_object_set_new(obj, "title", json_string(titre));
    if (mode != API_SANS_IMG)
        json_object_set_new(obj, "img", json_string(img));
    json_object_set_new(obj, "alt", json_string(alt));
    char *texte = json_dumps(obj, 0);   /* {"num": 1, "title": ...} */
    json_decref(obj);
    free(img);
    return texte;
}

/* Répond pour la bande n°n selon le mode demandé. */
static enum MHD_Result repondre_bande(const struct requete *rq, long n,
                                     enum mode_api mode)
{
    char *corps;

    switch (mode) {
    case API_INVALIDE:   /* JSON tronqué : l'analyseur doit échouer */
        if (asprintf(&corps, "{\"num\": %ld, \"img\": ", n) < 0)
            corps = NULL;
        return envoyer_alloue(rq, MHD_HTTP_OK, TYPE_JSON, corps);
    case API_ERREUR_500:   /* une bande qui a l'air juste : seul le statut dit la panne */
        return envoyer_alloue(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, TYPE_JSON,
                              json_bande(n, API_NORMALE));
    case API_LENTE:      /* la latence normale est déjà passée */
        if (!attendre(rq->conn, ATTENTE_LENTE_MS))
            return abandonner(rq);
        break;
    default:
        break;
    }
    return envoyer_alloue(rq, MHD_HTTP_OK, TYPE_JSON, json_bande(n, mode));
}

/* Route /xkcd…/<n>/info.0.json. Renvoie false si l'URL n'en est pas une. */
static bool analyser_api(const char *url, long *n, enum mode_api *mode)
{
    size_t nb = sizeof g_prefixes_api / sizeof g_prefixes_api[0];

    for (size_t i = 0; i < nb; i++) {
        size_t lp = strlen(g_prefixes_api[i].prefixe);
        const char *suite;
        if (strncmp(url, g_prefixes_api[i].prefixe, lp) != 0)
            continue;
        *n = lire_numero(url + lp, &suite);
        if (*n < 0 || strcmp(suite, "/info.0.json") != 0)
            return false;
        *mode = g_prefixes_api[i].mode;
        /* Dans l'API normale, quelques numéros simulent un défaut. */
        if (*mode == API_NORMALE && *n >= 9001 && *n <= 9005)
            *mode = (enum mode_api) (API_ECHAPPE + (*n - 9001));
        return true;
    }
    return false;
}

static enum MHD_Result servir_api(const struct requete *rq, long n,
                                  enum mode_api mode)
{
    if (!est_lecture(rq->methode))
        return refuser_methode(rq, "GET, HEAD");
    if (mode == API_NORMALE && n == 404)
        return envoyer_texte(rq, MHD_HTTP_NOT_FOUND,
                             "La bande dessinée n°404 n'existe pas.\n");
    return repondre_bande(rq, n, mode);
}

/* Route /images/<n>.svg : une petite image, pour que les pages du chapitre
 * web affichent quelque chose sans Internet. */
static enum MHD_Result servir_image(const struct requete *rq, long n)
{
    char *svg;

    if (!est_lecture(rq->methode))
        return refuser_methode(rq, "GET, HEAD");
    if (asprintf(&svg,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" "
        "height=\"120\" viewBox=\"0 0 200 120\">\n"
        "<rect x=\"1\" y=\"1\" width=\"198\" height=\"118\" fill=\"#fff\" "
        "stroke=\"#000\" stroke-width=\"2\"/>\n"
        "<circle cx=\"30\" cy=\"40\" r=\"9\" fill=\"none\" stroke=\"#000\"/>\n"
        "<path d=\"M30 49 V80 M30 58 L18 70 M30 58 L42 70 M30 80 L20 100 "
        "M30 80 L40 100\" stroke=\"#000\" fill=\"none\"/>\n"
        "<text x=\"120\" y=\"58\" font-family=\"sans-serif\" font-size=\"20\" "
        "text-anchor=\"middle\">xkcd n°%ld</text>\n"
        "<text x=\"120\" y=\"82\" font-family=\"sans-serif\" font-size=\"11\" "
        "text-anchor=\"middle\">image locale du TD6</text>\n"
        "</svg>\n", n) < 0)
        svg = NULL;
    return envoyer_alloue(rq, MHD_HTTP_OK, TYPE_SVG, svg);
}

/* ======================================================================== */
/* Aiguillage                                                                 */
/* ======================================================================== */

static enum MHD_Result servir_page(const struct requete *rq, const char *page,
                                   size_t taille)
{
    if (!est_lecture(rq->methode))
        return refuser_methode(rq, "GET, HEAD");
    return envoyer(rq, &(struct reponse) {
        .statut = MHD_HTTP_OK, .type = TYPE_HTML,
        .corps = page, .taille = taille });
}

/* Routes « Internet » : appelées une fois la latence écoulée. */
static enum MHD_Result servir_contenu(const struct requete *rq)
{
    const char *url = rq->url, *suite = NULL;
    long n = 0;
    enum mode_api mode = API_NORMALE;

    if (strcmp(url, "/") == 0)
        return servir_page(rq, g_page_accueil, strlen(g_page_accueil));
    if (strcmp(url, "/jython") == 0)
        return servir_page(rq, g_page_jython, sizeof g_page_jython);
    if (strcmp(url, "/dice") == 0)
        return servir_page(rq, g_page_dice, sizeof g_page_dice);
    if (analyser_api(url, &n, &mode))
        return servir_api(rq, n, mode);
    if (strncmp(url, "/images/", 8) == 0
        && (n = lire_numero(url + 8, &suite)) > 0
        && strcmp(suite, ".svg") == 0)
        return servir_image(rq, n);
    return introuvable(rq);
}

/* Routes internes /stats et /reset : ni latence ni comptage. */
static enum MHD_Result servir_interne(const struct requete *rq)
{
    char json[512];

    if (strcmp(rq->url, "/stats") == 0) {
        if (!est_lecture(rq->methode))
            return refuser_methode(rq, "GET, HEAD");
        int n = stats_en_json(json, sizeof json);
        return envoyer_alloue(rq, MHD_HTTP_OK, TYPE_JSON,
                              n > 0 ? strndup(json, (size_t) n) : NULL);
    }
    if (strcmp(rq->methode, MHD_HTTP_METHOD_GET) != 0
        && strcmp(rq->methode, MHD_HTTP_METHOD_POST) != 0)
        return refuser_methode(rq, "GET, POST");
    /* /reset?rendez_vous=N : un rendez-vous à partir de maintenant (un
     * test sert d'abord un client seul, puis arme le rendez-vous). */
    const char *n = MHD_lookup_connection_value(rq->conn, MHD_GET_ARGUMENT_KIND,
                                                "rendez_vous");
    char *fin = NULL;
    long rendez_vous = n != NULL ? strtol(n, &fin, 10) : -1;
    if (n != NULL && (fin == n || *fin != '\0' || rendez_vous < 0
                      || rendez_vous > LIMITE_CONNEXIONS))
        return envoyer(rq, &(struct reponse) {
            .statut = MHD_HTTP_BAD_REQUEST, .type = TYPE_TEXTE,
            .corps = "rendez_vous : un entier de 0 à 1000\n",
            .taille = sizeof "rendez_vous : un entier de 0 à 1000\n" - 1 });
    stats_remettre_a_zero(rendez_vous);
    static const char ok[] = "{\"ok\": true}\n";
    return envoyer(rq, &(struct reponse) {
        .statut = MHD_HTTP_OK, .type = TYPE_JSON,
        .corps = ok, .taille = sizeof ok - 1 });
}

static bool est_interne(const char *url)
{
    return strcmp(url, "/stats") == 0 || strcmp(url, "/reset") == 0;
}

/* Gestionnaire appelé par libmicrohttpd, dans le thread de la connexion.
 * Il est appelé plusieurs fois par requête :
 *   1. en-têtes reçus (*con_cls vaut NULL) : on compte la requête ;
 *   2. éventuellement, pour chaque morceau du corps (POST) : on le jette en
 *      indiquant qu'il est consommé (*taille_envoi = 0) ;
 *   3. requête complète (*taille_envoi == 0) : on attend puis on répond.
 * Attendre ici ne bloque que cette connexion : chacune a son thread. */
static enum MHD_Result gerer_requete(void *cls, struct MHD_Connection *conn,
                                     const char *url, const char *methode,
                                     const char *version, const char *envoi,
                                     size_t *taille_envoi, void **con_cls)
{
    (void) cls, (void) version, (void) envoi;
    struct requete rq = { .conn = conn, .url = url, .methode = methode };

    if (*con_cls == NULL) {
        bool interne = est_interne(url);
        if (!interne)
            stats_arrivee(conn, classer(url));
        *con_cls = interne ? &g_marque_interne : &g_marque_comptee;
        return MHD_YES;
    }
    if (*taille_envoi != 0) {
        *taille_envoi = 0;
        return MHD_YES;
    }
    if (*con_cls == &g_marque_interne)
        return servir_interne(&rq);
    if (!attendre_rendez_vous(conn) || !attendre(conn, g_config.latence_ms))
        return abandonner(&rq);
    return servir_contenu(&rq);
}

/* Fin d'une requête, quelle qu'en soit l'issue : si elle était comptée,
 * elle n'est plus en vol. */
static void requete_terminee(void *cls, struct MHD_Connection *conn,
                             void **con_cls,
                             enum MHD_RequestTerminationCode raison)
{
    (void) cls, (void) conn, (void) raison;
    if (*con_cls == &g_marque_comptee)
        stats_depart();
    *con_cls = NULL;
}

/* Ouverture et fermeture d'une connexion TCP : on lui attache (puis on
 * libère) son contexte. */
static void notifier_connexion(void *cls, struct MHD_Connection *conn,
                               void **contexte,
                               enum MHD_ConnectionNotificationCode quoi)
{
    (void) cls, (void) conn;
    if (quoi == MHD_CONNECTION_NOTIFY_STARTED) {
        struct contexte_connexion *ctx = calloc(1, sizeof *ctx);

        if (ctx != NULL)
            ctx->ouverte_ms = horloge_ms();
        *contexte = ctx;
    } else if (quoi == MHD_CONNECTION_NOTIFY_CLOSED) {
        free(*contexte);
        *contexte = NULL;
    }
}

/* Messages de libmicrohttpd (en anglais), affichés seulement avec -v. */
static void journal_mhd(void *cls, const char *format, va_list args)
{
    (void) cls;
    fputs("serveur : libmicrohttpd dit : ", stderr);
    vfprintf(stderr, format, args);
}

/* ======================================================================== */
/* Ligne de commande                                                          */
/* ======================================================================== */

/* Les règles communes à tous les programmes du TD (commun/ligne.h) :
 * -h/--help sur la sortie standard, erreurs en français, code 2. */
static const td6_command_line LIGNE_DE_COMMANDE = {
    .usage = "[-p PORT] [-l LATENCE_MS] [-r N] [-a ADRESSE] [-v]",
    .help = "Le serveur local qui remplace Internet pendant le TD (voir /stats).\n"
            "  -p PORT        port d'écoute, de 0 à 65535 (" TD6_TEXT(PORT_PAR_DEFAUT)
            " par défaut ; 0 : un port libre)\n"
            "  -l LATENCE_MS  attente avant chaque réponse, en ms (" TD6_TEXT(LATENCE_PAR_DEFAUT)
            " par défaut)\n"
            "  -r N           rendez-vous : chaque réponse attend d'abord que N requêtes\n"
            "                 soient en vol ensemble (" TD6_TEXT(RENDEZ_VOUS_MAX_S) " s au plus ; pour les tests)\n"
            "  -a ADRESSE     adresse IP d'écoute (127.0.0.1 par défaut)\n"
            "  -v             affiche chaque requête\n"
            "  -h, --help     affiche cette aide\n",
    .shortopts = "p:l:r:a:v",
};

/* Convertit l'adresse (IPv4 ou IPv6, numérique) en sockaddr. */
static bool lire_adresse(const char *texte, struct sockaddr_storage *sa)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *) sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *) sa;

    memset(sa, 0, sizeof *sa);
    if (inet_pton(AF_INET, texte, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, texte, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        return true;
    }
    return false;
}

static void lire_options(int argc, char **argv)
{
    int opt;

    while ((opt = td6_getopt(argc, argv, &LIGNE_DE_COMMANDE)) != -1) {
        switch (opt) {
        case 'p':
            g_config.port = (uint16_t) td6_cli_long("-p", optarg, 0, 65535);
            break;
        case 'l':
            g_config.latence_ms = (unsigned long) td6_cli_long("-l", optarg, 0, LATENCE_MAX);
            break;
        case 'r':
            g_stats.rendez_vous = (unsigned long) td6_cli_long("-r", optarg, 0, LIMITE_CONNEXIONS);
            break;
        case 'a':
            g_config.adresse = optarg;
            break;
        case 'v':
            g_config.verbeux = true;
            break;
        }
    }
    if (optind < argc)
        td6_cli_error("argument en trop « %s »", argv[optind]);
    if (!lire_adresse(g_config.adresse, &g_config.sockaddr))
        td6_cli_error("adresse IP invalide « %s »", g_config.adresse);
}

/* ======================================================================== */
/* Démarrage et arrêt                                                         */
/* ======================================================================== */

/* Explique en français pourquoi bind() a échoué. */
static void expliquer_echec_ecoute(int err)
{
    fprintf(stderr, "serveur : impossible d'écouter sur %s port %u : ",
            g_config.adresse, (unsigned) g_config.port);
    if (err == EADDRINUSE)
        fputs("ce port est déjà utilisé (un autre serveur tourne-t-il ? "
              "essayez -p 0).\n", stderr);
    else if (err == EACCES)
        fputs("permission refusée (les ports < 1024 sont réservés).\n", stderr);
    else if (err == EADDRNOTAVAIL)
        fputs("cette adresse n'appartient pas à cette machine.\n", stderr);
    else
        fprintf(stderr, "erreur système n°%d (%s).\n", err, strerror(err));
}

static socklen_t taille_sockaddr(const struct sockaddr_storage *sa)
{
    return sa->ss_family == AF_INET ? sizeof(struct sockaddr_in)
                                    : sizeof(struct sockaddr_in6);
}

/* Ouvre nous-mêmes la socket d'écoute, puis la confie à libmicrohttpd.
 * Deux raisons : bind() nous donne la vraie cause d'un échec (port déjà
 * pris...), et le port réel est connu AVANT que le moindre thread ne
 * démarre, donc l'URL de base est écrite avant d'être lue par les threads
 * (pas de course sur g_config). Renvoie -1 après avoir expliqué l'échec. */
static int ouvrir_ecoute(void)
{
    struct sockaddr_storage *sa = &g_config.sockaddr;
    int fd = socket(sa->ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    0), oui = 1;
    socklen_t lg = taille_sockaddr(sa);

    if (sa->ss_family == AF_INET)
        ((struct sockaddr_in *) sa)->sin_port = htons(g_config.port);
    else
        ((struct sockaddr_in6 *) sa)->sin6_port = htons(g_config.port);
    /* SO_REUSEADDR : relancer le serveur aussitôt après l'avoir arrêté,
     * sans attendre que les anciennes connexions quittent TIME_WAIT. */
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &oui, sizeof oui)
        || bind(fd, (struct sockaddr *) sa, lg) != 0
        || listen(fd, SOMAXCONN) != 0
        || getsockname(fd, (struct sockaddr *) sa, &lg) != 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        expliquer_echec_ecoute(err);
        return -1;
    }
    g_config.port = ntohs(sa->ss_family == AF_INET
                          ? ((struct sockaddr_in *) sa)->sin_port
                          : ((struct sockaddr_in6 *) sa)->sin6_port);
    return fd;
}

/* L'URL de base : http://ADRESSE:PORT (crochets autour d'une IPv6). */
static void calculer_url_base(void)
{
    const struct sockaddr_storage *sa = &g_config.sockaddr;
    const void *ip = sa->ss_family == AF_INET
        ? (const void *) &((const struct sockaddr_in *) sa)->sin_addr
        : (const void *) &((const struct sockaddr_in6 *) sa)->sin6_addr;
    char texte[INET6_ADDRSTRLEN];

    inet_ntop(sa->ss_family, ip, texte, sizeof texte);
    snprintf(g_config.url_base, sizeof g_config.url_base,
             sa->ss_family == AF_INET ? "http://%s:%u" : "http://[%s]:%u",
             texte, (unsigned) g_config.port);
}

/* Un thread par connexion : la latence est une simple attente dans le
 * gestionnaire, et l'attente d'une requête ne retarde jamais une autre.
 * MHD_USE_POLL : chaque thread surveille sa socket avec poll(), qui accepte
 * des descripteurs au-delà de 1024, contrairement à select().
 * MHD_USE_ITC : un canal interne réveille aussitôt le thread d'écoute quand
 * on arrête le serveur. */
static struct MHD_Daemon *demarrer_mhd(int ecoute)
{
    unsigned int options = MHD_USE_INTERNAL_POLLING_THREAD
                         | MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL
                         | MHD_USE_ITC;

    if (g_config.sockaddr.ss_family == AF_INET6)
        options |= MHD_USE_IPv6;
    if (g_config.verbeux)
        options |= MHD_USE_ERROR_LOG;
    return MHD_start_daemon(options, g_config.port, NULL, NULL,
        &gerer_requete, NULL,
        MHD_OPTION_EXTERNAL_LOGGER, &journal_mhd, NULL,   /* en premier */
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket) ecoute,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int) LIMITE_CONNEXIONS,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int) DELAI_INACTIVITE_S,
        MHD_OPTION_NOTIFY_COMPLETED, &requete_terminee, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, &notifier_connexion, NULL,
        MHD_OPTION_END);
}

/* Une connexion ouverte = un descripteur de fichier. La limite courante est
 * souvent 1024 : on la relève si le système le permet, pour pouvoir
 * accepter LIMITE_CONNEXIONS connexions sans erreur. */
static void relever_limite_fichiers(void)
{
    struct rlimit lim;
    rlim_t voulu = LIMITE_CONNEXIONS + 100;

    if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= voulu)
        return;
    lim.rlim_cur = lim.rlim_max < voulu ? lim.rlim_max : voulu;
    setrlimit(RLIMIT_NOFILE, &lim);   /* échec sans gravité */
}

/* Le réveil des attentes utilise l'horloge monotone : un changement de
 * l'heure système ne doit pas allonger ni raccourcir la latence. */
static void preparer_arret(void)
{
    pthread_condattr_t attr;

    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&g_arret.reveil, &attr);
    pthread_condattr_destroy(&attr);
}

/* Demande l'arrêt et réveille toutes les requêtes qui attendent. */
static void demander_arret(void)
{
    pthread_mutex_lock(&g_arret.verrou);
    g_arret.demande = true;
    pthread_cond_broadcast(&g_arret.reveil);
    pthread_mutex_unlock(&g_arret.verrou);
}

int main(int argc, char **argv)
{
    lire_options(argc, argv);
    construire_page(g_page_jython, sizeof g_page_jython, g_debut_jython);
    construire_page(g_page_dice, sizeof g_page_dice, g_debut_dice);
    json_object_seed(0);   /* graine de jansson fixée avant les threads */
    relever_limite_fichiers();
    preparer_arret();
    /* SIGINT et SIGTERM bloqués dans tous les threads, attendus par sigwait
     * plus bas (voir commun/signaux.h) ; SIGPIPE ignoré. */
    sigset_t signaux = td6_block_stop_signals();

    int ecoute = ouvrir_ecoute();
    if (ecoute < 0)
        return 1;
    calculer_url_base();   /* avant les threads, qui la liront */
    struct MHD_Daemon *d = demarrer_mhd(ecoute);
    if (d == NULL) {
        close(ecoute);
        fprintf(stderr, "serveur : libmicrohttpd n'a pas pu démarrer "
                "(relancez avec -v pour ses messages).\n");
        return 1;
    }
    printf("%s\n", g_config.url_base);   /* première ligne : l'URL de base */
    fflush(stdout);
    fprintf(stderr, "Serveur de test TD6 sur %s : latence %lu ms — "
            "Ctrl-C pour arrêter\n", g_config.url_base, g_config.latence_ms);

    int sig;
    sigwait(&signaux, &sig);
    demander_arret();      /* d'abord réveiller les requêtes qui attendent, */
    MHD_stop_daemon(d);    /* puis attendre la fin de tous les threads */

    struct compteurs s = stats_instantane();
    fprintf(stderr, "Serveur arrêté (%s). Bilan : %lu requêtes, %lu "
            "connexions, au plus %lu en même temps.\n",
            sig == SIGINT ? "Ctrl-C" : "SIGTERM",
            s.requetes, s.connexions, s.pic_en_vol);
    pthread_cond_destroy(&g_arret.reveil);
    return 0;
}
