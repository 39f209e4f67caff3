/*
 * Tests du chapitre 04 : les serveurs web hello, hello2 et evenementiel.
 *
 * Chaque programme est lancé en arrière-plan sur un port libre (argument 0)
 * contre le serveur local, qui joue l'API xkcd. On l'interroge en HTTP
 * comme le ferait un navigateur, puis on juge :
 *   - les pages par leur contenu exact (nombre de <img>, adresse de chaque
 *     image, échappement HTML) et leur statut (200, 404, 405, 502) ;
 *   - la concurrence par ce que l'API a vu (/stats : pic de requêtes
 *     simultanées) et par le nombre de threads du processus (/proc) ;
 *   - l'arrêt : SIGTERM doit terminer le programme proprement (code 0).
 * Jamais de chronomètre : les durées vont dans make bench EXO=04.
 *
 * Le serveur local a des API entières en panne (/xkcd-500, /xkcd-invalide,
 * /xkcd-echappe, /xkcd-sans-img, /xkcd-lent) : on y pointe $XKCD_API, quel
 * que soit le numéro tiré au hasard par le programme.
 */
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "td6_test.h"

#define N_PROGS 3
static const char *const PROGS[N_PROGS] = { "hello", "hello2", "evenementiel" };

/* Ce que renvoie /xkcd-echappe : un « img » plein de caractères HTML. */
#define IMG_PIEGEE "https://imgs.example/\"><script>alert('x&y')</script>.png"

/* Nombre de bandes d'une page /comic : 1 pour hello, 5 pour les autres. */
static size_t comics_per_page(const char *prog)
{
    return strcmp(prog, "hello") == 0 ? 1 : 5;
}

/* ---- Lancer et arrêter un serveur ------------------------------------ */

/* Lance `prog 0` avec $XKCD_API = `api` (NULL : l'API normale du serveur
 * local) et les variables `extra` (NULL ou "NOM=valeur"). */
static td6_process start_prog(const char *prog, const char *api, const char *extra)
{
    static char api_var[256];
    const char *args[] = { "0", NULL };
    const char *env[3] = { NULL, NULL, NULL };
    size_t n = 0;

    if (api != NULL) {
        snprintf(api_var, sizeof api_var, "XKCD_API=%s", api);
        env[n++] = api_var;
    }
    if (extra != NULL)
        env[n++] = extra;
    td6_process p = td6_spawn(prog, args, env, 10);
    ck_assert_msg(strncmp(p.first_line, "http://127.0.0.1:", 17) == 0,
                  "%s : la première ligne affichée doit être l'adresse du serveur "
                  "(« http://127.0.0.1:PORT »), lue : « %s ». Affichez-la dès que le serveur "
                  "écoute, puis fflush(stdout).", prog, p.first_line);
    return p;
}

/* Adresse complète d'une page du programme lancé. */
static const char *page_url(const td6_process *p, const char *path)
{
    static char url[320];

    snprintf(url, sizeof url, "%s%s", p->first_line, path);
    return url;
}

/* API du serveur local avec un défaut donné ("/xkcd-500"...). */
static const char *faulty_api(const char *path)
{
    static char api[256];

    snprintf(api, sizeof api, "%s%s", td6_server_url(), path);
    return api;
}

static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text = NULL;
    size_t size = 0;

    if (f == NULL)
        return strdup("");
    FILE *out = open_memstream(&text, &size);
    int c;

    while ((c = fgetc(f)) != EOF)
        fputc(c, out);
    fclose(out);
    fclose(f);
    return text;
}

/* Envoie SIGTERM et attend une fin propre : code 0, pas de rapport de
 * sanitizer (fuite de mémoire comprise : LeakSanitizer parle à la sortie). */
static void finish(td6_process *p, const char *prog)
{
    int status = 0;
    bool ended = false;
    td6_result r = { 0 };

    ck_assert_msg(td6_alive(p), "%s s'est arrêté tout seul pendant le test : un serveur doit "
                  "tourner jusqu'à Ctrl-C ou SIGTERM (a-t-il planté ?).", prog);
    kill(p->pid, SIGTERM);
    for (int i = 0; i < (int)(td6_scaled(5) * 100) && !ended; i++) {
        if (waitpid(p->pid, &status, WNOHANG) == p->pid)
            ended = true;
        else
            usleep(10000);
    }
    r.err = read_text_file(p->err_path);
    if (ended)
        p->pid = -1;   /* déjà attendu : td6_kill n'a plus qu'à nettoyer */
    td6_kill(p);
    ck_assert_msg(ended, "%s ne s'est pas arrêté dans les 5 s après SIGTERM. Un serveur doit "
                  "s'arrêter proprement : attendre le signal (sigwait), puis MHD_stop_daemon "
                  "et tout libérer. Un appel à l'API en cours doit pouvoir s'interrompre.", prog);
    /* Un rapport de sanitizer d'abord : il dit pourquoi le code de sortie
     * n'est pas 0 (LeakSanitizer sort avec 23). */
    td6_require_clean(&r, prog);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "%s, arrêté par SIGTERM, doit finir normalement avec le code 0 ; %s %d. "
                  "Bloquez SIGINT et SIGTERM avant de créer des threads, attendez-les avec "
                  "sigwait, arrêtez le serveur puis quittez main par return 0. stderr : %.300s",
                  prog, WIFEXITED(status) ? "code de sortie" : "tué par le signal",
                  WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), r.err);
    free(r.err);
}

/* ---- Lire une page --------------------------------------------------- */

/* Remplace les entités HTML de `s` par leurs caractères, sur place. */
static void html_unescape(char *s)
{
    static const struct {
        const char *entity;
        char c;
    } known[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
                  { "&apos;", '\'' } };
    char *out = s;

    while (*s != '\0') {
        bool done = false;

        for (size_t i = 0; i < sizeof known / sizeof known[0] && !done; i++) {
            size_t len = strlen(known[i].entity);

            if (strncmp(s, known[i].entity, len) == 0) {
                *out++ = known[i].c;
                s += len;
                done = true;
            }
        }
        if (!done && s[0] == '&' && s[1] == '#') {   /* &#39; ou &#x27; */
            char *end;
            long code = s[2] == 'x' || s[2] == 'X' ? strtol(s + 3, &end, 16)
                                                   : strtol(s + 2, &end, 10);
            if (*end == ';' && code > 0 && code < 128) {
                *out++ = (char)code;
                s = end + 1;
                done = true;
            }
        }
        if (!done)
            *out++ = *s++;
    }
    *out = '\0';
}

/* Les adresses (décodées) des src="..." de chaque <img de la page. Renvoie
 * le nombre de <img ; srcs[i] vaut NULL si la balise n'a pas de src. */
static size_t img_sources(const char *html, char **srcs, size_t max)
{
    size_t n = 0;

    for (const char *at = strstr(html, "<img"); at != NULL; at = strstr(at + 4, "<img")) {
        const char *end_tag = strchr(at, '>');
        const char *src = strstr(at, "src=\"");

        if (n < max) {
            srcs[n] = NULL;
            if (src != NULL && (end_tag == NULL || src < end_tag)) {
                const char *end = strchr(src + 5, '"');

                if (end != NULL) {
                    srcs[n] = strndup(src + 5, (size_t)(end - src - 5));
                    html_unescape(srcs[n]);
                }
            }
        }
        n++;
    }
    return n;
}

/* Le premier « & » d'un attribut src="..." de `html` qui n'ouvre pas une
 * entité (&amp; &lt; &gt; &quot; &apos; &#...;), ou NULL. Un & laissé tel
 * quel est un & oublié par l'échappement. */
static const char *raw_ampersand(const char *html)
{
    static const char *const entities[] = { "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#" };

    for (const char *src = strstr(html, "src=\""); src != NULL; src = strstr(src + 5, "src=\"")) {
        const char *end = strchr(src + 5, '"');

        for (const char *a = src + 5; end != NULL && a < end; a++) {
            bool entity = false;

            if (*a != '&')
                continue;
            for (size_t k = 0; k < sizeof entities / sizeof entities[0] && !entity; k++)
                entity = strncmp(a, entities[k], strlen(entities[k])) == 0;
            if (!entity)
                return a;
        }
    }
    return NULL;
}

static void free_sources(char **srcs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(srcs[i]);
}

/* Vérifie qu'une page /comic contient `expected` images, chacune venue de
 * l'API du serveur local (http://.../images/<n>.svg, 1 <= n <= 300), et le
 * temps pris. */
static void check_comic_page(const td6_http *h, const char *prog, const char *path,
                             size_t expected)
{
    char *srcs[16];
    char prefix[200];
    const char *time_taken = strstr(h->body, "Time taken: ");

    ck_assert_msg(h->status == 200, "%s %s : statut 200 attendu, reçu %ld (%s).%s Page : %.300s",
                  prog, path, h->status, h->status == 0 ? h->error : "réponse HTTP",
                  h->status == 0 && (strstr(h->error, "returned nothing") != NULL
                                     || strstr(h->error, "reset") != NULL)
                      ? " Connexion fermée sans réponse : le programme a sans doute "
                        "planté en préparant la page (mémoire libérée deux fois, pointeur "
                        "NULL...) ; make sanitize EXO=04 montre où."
                      : "",
                  h->body);
    ck_assert_msg(time_taken != NULL,
                  "%s %s : la page doit afficher « Time taken: <secondes> », comme le cours. "
                  "Page : %.300s", prog, path, h->body);
    size_t n = img_sources(h->body, srcs, 16);
    ck_assert_msg(n == expected,
                  "%s %s : %zu image(s) attendue(s) (balises <img), %zu trouvée(s). Page : %.400s",
                  prog, path, expected, n, h->body);
    snprintf(prefix, sizeof prefix, "%s/images/", td6_server_url());
    for (size_t i = 0; i < n; i++) {
        int num = 0, used = 0;
        bool ok = srcs[i] != NULL && strncmp(srcs[i], prefix, strlen(prefix)) == 0
                  && sscanf(srcs[i] + strlen(prefix), "%d.svg%n", &num, &used) == 1
                  && srcs[i][strlen(prefix) + (size_t)used] == '\0' && num >= 1 && num <= 300;

        ck_assert_msg(ok, "%s %s : l'image n°%zu doit être le champ « img » renvoyé par l'API "
                      "(%s<n>.svg, n entre 1 et 300), trouvé src=\"%s\". Prenez-le tel quel "
                      "dans le JSON (json_object_get(..., \"img\")), et copiez la chaîne "
                      "avant json_decref : l'arbre libéré emporte ses chaînes (des octets "
                      "sans sens au début de l'adresse en sont le signe).", prog, path, i + 1,
                      prefix, srcs[i] != NULL ? srcs[i] : "(absent)");
    }
    free_sources(srcs, n < 16 ? n : 16);
}

/* Une page d'erreur : le bon statut, un court message, aucune image. */
static void check_error_page(const td6_http *h, const char *prog, const char *what,
                             long expected, const char *hint)
{
    ck_assert_msg(h->status == expected,
                  "%s, %s : statut %ld attendu, reçu %ld%s%s. %s", prog, what, expected,
                  h->status, h->status == 0 ? " (pas de réponse : " : "",
                  h->status == 0 ? h->error : "", hint);
    ck_assert_msg(h->len > 0 && strstr(h->body, "<img") == NULL,
                  "%s, %s : la réponse %ld doit porter un court message (en français) pour "
                  "la personne qui lit la page, et aucune image. Page : « %.200s »",
                  prog, what, expected, h->body);
}

/* ---- Plusieurs clients à la fois -------------------------------------- */

typedef struct {
    char *data;
    size_t len;
} text;

static size_t keep_body(char *data, size_t size, size_t n, void *userdata)
{
    text *t = userdata;
    char *bigger = realloc(t->data, t->len + size * n + 1);

    if (bigger == NULL)
        return 0;
    memcpy(bigger + t->len, data, size * n);
    t->data = bigger;
    t->len += size * n;
    t->data[t->len] = '\0';
    return size * n;
}

/* Nombre de threads du processus `pid`, 0 s'il a disparu. */
static int thread_count(pid_t pid)
{
    long n = td6_thread_count(pid);

    return n < 0 ? 0 : (int)n;
}

/* `n` clients demandent `url` EN MÊME TEMPS (une multi-poignée libcurl
 * dans le test). Remplit replies[i] (statut et corps) ; si `watch` > 0,
 * compte les threads de ce processus pendant l'attente et renvoie le
 * maximum vu. */
static int get_many(const char *url, int n, td6_http *replies, pid_t watch)
{
    CURLM *multi;
    CURL **easy = calloc((size_t)n, sizeof *easy);
    text *bodies = calloc((size_t)n, sizeof *bodies);
    int running = 1, max_threads = 0;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    multi = curl_multi_init();
    ck_assert_msg(multi != NULL && easy != NULL && bodies != NULL, "test : plus de mémoire");
    for (int i = 0; i < n; i++) {
        easy[i] = curl_easy_init();
        curl_easy_setopt(easy[i], CURLOPT_URL, url);
        curl_easy_setopt(easy[i], CURLOPT_NOPROXY, "*");
        curl_easy_setopt(easy[i], CURLOPT_TIMEOUT_MS, (long)(td6_scaled(10) * 1000));
        curl_easy_setopt(easy[i], CURLOPT_WRITEFUNCTION, keep_body);
        curl_easy_setopt(easy[i], CURLOPT_WRITEDATA, &bodies[i]);
        curl_multi_add_handle(multi, easy[i]);
    }
    while (running > 0) {
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            break;
        if (watch > 0) {
            int t = thread_count(watch);

            max_threads = t > max_threads ? t : max_threads;
        }
        if (running > 0)
            curl_multi_poll(multi, NULL, 0, 10, NULL);
    }
    for (int i = 0; i < n; i++)
        replies[i] = (td6_http){ 0 };
    for (CURLMsg *msg; (msg = curl_multi_info_read(multi, &running)) != NULL;)
        for (int i = 0; i < n; i++)
            if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy[i]
                && msg->data.result != CURLE_OK)
                snprintf(replies[i].error, sizeof replies[i].error, "%s",
                         curl_easy_strerror(msg->data.result));
    for (int i = 0; i < n; i++) {
        curl_easy_getinfo(easy[i], CURLINFO_RESPONSE_CODE, &replies[i].status);
        replies[i].body = bodies[i].data != NULL ? bodies[i].data : strdup("");
        replies[i].len = bodies[i].len;
        curl_multi_remove_handle(multi, easy[i]);
        curl_easy_cleanup(easy[i]);
    }
    curl_multi_cleanup(multi);
    free(easy);
    free(bodies);
    return max_threads;
}

/* Statut d'une requête HEAD (sans corps : CURLOPT_NOBODY). */
static long head_status(const char *url)
{
    long status = 0;
    CURL *c;

    curl_global_init(CURL_GLOBAL_DEFAULT);
    c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(td6_scaled(10) * 1000));
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

/* Un premier client, seul : la page doit être juste avant qu'on en lance
 * plusieurs à la fois. Les statistiques de l'API sont remises à zéro. */
static void first_client(td6_process *p, const char *prog)
{
    td6_http h = td6_get(page_url(p, "/comic"), 5);

    check_comic_page(&h, prog, "/comic (un premier client, seul)", comics_per_page(prog));
    td6_http_free(&h);
    td6_server_reset();
}

/* Démarre `prog` contre une API à 300 ms, sert un premier client seul, puis
 * `clients` clients EN MÊME TEMPS ; chaque page doit être juste, et le
 * programme toujours debout (`crash_hint` : pourquoi il a pu planter).
 * Renvoie ce que l'API a vu de ces clients-là. */
static td6_stats serve_together(td6_process *p, const char *prog, int clients,
                                const char *crash_hint)
{
    td6_http replies[32];
    char what[64];

    ck_assert(clients <= 32);
    td6_server_start(300);
    *p = start_prog(prog, NULL, NULL);
    first_client(p, prog);
    /* Rendez-vous à 6 : si les appels de clients différents peuvent se
     * chevaucher, le pic dépasse 5 à coup sûr, même sur une machine
     * chargée ; sinon il ne le dépasse jamais (serveur -r). */
    td6_server_reset_rendezvous(6);
    get_many(page_url(p, "/comic"), clients, replies, 0);
    ck_assert_msg(td6_alive(p), "%s a planté quand %d clients sont arrivés ensemble. %s", prog,
                  clients, crash_hint);
    snprintf(what, sizeof what, "/comic (%d clients à la fois)", clients);
    for (int i = 0; i < clients; i++) {
        check_comic_page(&replies[i], prog, what, comics_per_page(prog));
        td6_http_free(&replies[i]);
    }
    return td6_server_stats();
}

/* ---- Les pages, quand tout va bien ------------------------------------- */

/* Lance `prog` (le serveur local est déjà démarré) et lui demande `path`,
 * seul client : la page doit montrer `images` bandes. Renvoie ce que l'API
 * a vu ; le programme tourne encore (*p). */
static td6_stats one_page(td6_process *p, const char *prog, const char *path, size_t images)
{
    *p = start_prog(prog, NULL, NULL);
    td6_http h = td6_get(page_url(p, path), 5);

    check_comic_page(&h, prog, path, images);
    td6_http_free(&h);
    return td6_server_stats();
}

TD6_TEST(hello_une_image, 20, "hello /comic : une image, celle que l'API a donnée")
{
    td6_process p;

    td6_server_start(2);
    td6_stats st = one_page(&p, "hello", "/comic", 1);
    ck_assert_msg(st.xkcd == 1, "hello /comic : l'API doit être appelée une fois, elle l'a été "
                  "%ld fois. L'adresse lue est $XKCD_API/<n>/info.0.json.", st.xkcd);
    finish(&p, "hello");
}

TD6_TEST(hello_cinq_en_serie, 20, "hello /comic2 : cinq images, cherchées l'une après l'autre")
{
    td6_process p;

    td6_server_start(20);
    td6_stats st = one_page(&p, "hello", "/comic2", 5);
    ck_assert_msg(st.xkcd == 5, "hello /comic2 : cinq appels à l'API attendus, %ld vus.",
                  st.xkcd);
    ck_assert_msg(st.peak == 1, "hello /comic2 est la version lente du cours : une bande "
                  "APRÈS l'autre. L'API a pourtant vu %ld requêtes en même temps.", st.peak);
    finish(&p, "hello");
}

TD6_TEST(hello_plusieurs_clients, 20,
         "hello sert 4 clients à la fois, tous ensemble (un thread par connexion)")
{
    enum { CLIENTS = 4 };
    td6_http replies[CLIENTS];

    /* Un rendez-vous de 4 après le premier client : les 4 appels à l'API
     * d'un serveur qui sert les 4 clients ensemble se retrouvent en vol
     * ensemble à coup sûr, même sur une machine chargée ; un serveur qui en
     * sert moins à la fois n'y arrive jamais. */
    td6_server_start(300);
    td6_process p = start_prog("hello", NULL, NULL);
    first_client(&p, "hello");
    td6_server_reset_rendezvous(CLIENTS);
    get_many(page_url(&p, "/comic"), CLIENTS, replies, 0);
    for (int i = 0; i < CLIENTS; i++) {
        check_comic_page(&replies[i], "hello", "/comic (4 clients à la fois)", 1);
        td6_http_free(&replies[i]);
    }
    long peak = td6_server_stats().peak;
    ck_assert_msg(peak >= 2,
                  "4 clients ont demandé /comic en même temps, mais l'API n'a jamais vu plus "
                  "d'une requête à la fois : votre serveur sert un client APRÈS l'autre. Le "
                  "gestionnaire bloque pendant curl_easy_perform ; avec le seul thread interne "
                  "de libmicrohttpd, tous les clients attendent derrière lui. Donnez un thread "
                  "à chaque connexion (MHD_USE_THREAD_PER_CONNECTION).");
    ck_assert_msg(peak == CLIENTS,
                  "4 clients ont demandé /comic en même temps ; l'API a vu au plus %ld de leurs "
                  "appels à la fois, 4 attendus : les clients en trop attendent qu'un thread "
                  "se libère. Un pool de threads de taille fixe (MHD_OPTION_THREAD_POOL_SIZE) "
                  "ne sert que ce nombre de clients bloqués à la fois ; un thread par "
                  "connexion (MHD_USE_THREAD_PER_CONNECTION) les sert tous.", peak);
    finish(&p, "hello");
}

TD6_TEST(hello2_cinq_en_parallele, 20, "hello2 /comic : cinq images, cherchées en même temps")
{
    /* Rendez-vous à 5 : les cinq appels lancés ensemble sont en vol
     * ensemble à coup sûr, quelle que soit la charge de la machine. */
    td6_process p;

    td6_server_start_rendezvous(200, 5);
    td6_stats st = one_page(&p, "hello2", "/comic", 5);
    ck_assert_msg(st.xkcd == 5, "hello2 /comic : cinq appels à l'API attendus, %ld vus.",
                  st.xkcd);
    ck_assert_msg(st.peak == 5,
                  "hello2 /comic doit lancer ses cinq appels ENSEMBLE (comme asyncio.gather) : "
                  "l'API aurait dû en voir 5 en même temps, elle en a vu au plus %ld. "
                  "Ajoutez les cinq poignées à la multi-poignée AVANT de faire avancer les "
                  "transferts (curl_multi_perform / curl_multi_poll), pas une par une.", st.peak);
    td6_http h = td6_get(page_url(&p, "/comic2"), 5);
    check_comic_page(&h, "hello2", "/comic2", 5);
    td6_http_free(&h);
    finish(&p, "hello2");
}

/* hello2 sert chaque client dans son thread, avec SA multi-poignée : 10
 * clients à la fois, 50 appels à l'API en vol ensemble. Une multi-poignée
 * partagée par tous les threads (libcurl l'interdit) mélange les transferts
 * des uns et des autres, ou plante. */
TD6_TEST(hello2_plusieurs_clients, 30, "hello2 : 10 clients à la fois, chacun sa multi-poignée")
{
    enum { CLIENTS = 10 };
    td6_process p;
    td6_stats st = serve_together(&p, "hello2", CLIENTS,
                                  "Chaque thread (donc chaque connexion) doit avoir SA "
                                  "multi-poignée : une poignée libcurl, simple ou multi, ne sert "
                                  "jamais à deux threads en même temps.");

    ck_assert_msg(st.xkcd == 5 * CLIENTS,
                  "hello2, 10 clients à la fois : %d appels à l'API attendus (5 par page), %ld "
                  "vus. Une multi-poignée partagée entre threads mélange les transferts : "
                  "créez-en une par requête.", 5 * CLIENTS, st.xkcd);
    ck_assert_msg(st.peak > 5,
                  "hello2, 10 clients à la fois : l'API n'a jamais vu plus de %ld appels "
                  "ensemble ; ceux des différents clients doivent se chevaucher (un thread "
                  "par connexion).", st.peak);
    finish(&p, "hello2");
}

/* Attendre l'API ne doit rien coûter : deux pages /comic à 1 s de latence,
 * soit au moins 2 s d'attente. Le programme juste dort dans curl_multi_poll
 * (~0,05 s de processeur, surtout au démarrage) ; une boucle qui rappelle
 * curl_multi_perform sans dormir brûle autant de processeur qu'on lui en
 * laisse (0,3 s et plus sur une machine chargée). Borne : 7,5 % de
 * l'attente. Temps processeur (/proc/<pid>/stat), pas un chronomètre. */
TD6_TEST(hello2_attente_sans_calcul, 30,
         "hello2 : attendre l'API ne consomme presque pas de processeur")
{
    enum { PAGES = 2, LATENCY_MS = 1000 };
    double waited = PAGES * LATENCY_MS / 1000.0, bound = waited * 0.075, before, used;

    td6_server_start(LATENCY_MS);
    td6_process p = start_prog("hello2", NULL, NULL);
    before = td6_cpu_seconds(p.pid);
    for (int i = 0; i < PAGES; i++) {
        td6_http h = td6_get(page_url(&p, "/comic"), 10);

        check_comic_page(&h, "hello2", "/comic", 5);
        td6_http_free(&h);
    }
    used = td6_cpu_seconds(p.pid) - before;
    ck_assert_msg(before >= 0 && used <= bound,
                  "hello2 : %.2f s de temps processeur pour %d pages qui attendent l'API (au "
                  "moins %.1f s d'attente) ; au plus %.2f s attendu. Attendre le réseau ne doit "
                  "rien coûter : dormez dans curl_multi_poll entre deux curl_multi_perform, au "
                  "lieu de rappeler curl_multi_perform sans arrêt (attente active).", used,
                  PAGES, waited, bound);
    finish(&p, "hello2");
}

/* ---- Le serveur événementiel ------------------------------------------- */

enum { MANY = 20 };

/* Quand une page arrive, ses appels à l'API partent aussitôt : le fil
 * libcurl, endormi dans curl_multi_poll, doit être réveillé
 * (curl_multi_wakeup). Sans réveil, il ne voit la nouvelle page qu'à la fin
 * de son attente (jusqu'à 1 s). On le juge sur l'horloge du serveur local :
 * l'écart entre le moment où le test va demander la page (horloge_ms juste
 * avant) et l'arrivée du premier appel à l'API (premiere_ms). Cinq pages
 * l'une après l'autre ; la somme des écarts doit rester sous 5 fois la
 * latence de l'API (500 ms) : le programme juste en met quelques ms par page
 * (un peu plus sur une machine chargée), celui qui n'est pas réveillé des
 * centaines. Ce n'est pas un chronomètre posé sur le programme : c'est
 * l'ordre et l'écart de deux événements vus par le serveur, avec une marge
 * de 10 fois. */
TD6_TEST(evenementiel_reveil, 30,
         "evenementiel : les appels à l'API d'une page partent dès son arrivée "
         "(curl_multi_wakeup)")
{
    enum { PAGES = 5, LATENCY_MS = 100 };
    double total = 0, worst = 0;

    td6_server_start(LATENCY_MS);
    td6_process p = start_prog("evenementiel", NULL, NULL);
    first_client(&p, "evenementiel");
    for (int i = 0; i < PAGES; i++) {
        td6_server_reset();
        double mark = td6_server_stats().clock_ms;
        td6_http h = td6_get(page_url(&p, "/comic"), 10);

        check_comic_page(&h, "evenementiel", "/comic", 5);
        td6_http_free(&h);
        td6_stats st = td6_server_stats();
        double lag = st.first_ms - mark;

        ck_assert_msg(st.xkcd == 5, "evenementiel /comic : 5 appels à l'API attendus, %ld vus.",
                      st.xkcd);
        total += lag;
        worst = lag > worst ? lag : worst;
    }
    ck_assert_msg(total <= PAGES * LATENCY_MS,
                  "evenementiel : entre la demande d'une page et le premier appel à l'API, le "
                  "serveur a vu %.0f ms en tout pour %d pages (jusqu'à %.0f ms pour une), au "
                  "plus %d ms attendues. La page attend que le fil libcurl se réveille : "
                  "après avoir confié la connexion suspendue au fil libcurl, réveillez-le "
                  "(curl_multi_wakeup), sinon il dort dans curl_multi_poll jusqu'à la fin de "
                  "son délai.", total, PAGES, worst, PAGES * LATENCY_MS);
    finish(&p, "evenementiel");
}

TD6_TEST(evenementiel_vingt_clients, 30,
         "evenementiel : 20 clients servis, leurs appels à l'API se chevauchent")
{
    td6_process p;
    td6_stats st = serve_together(&p, "evenementiel", MANY,
                                  "Le fil libcurl est seul à toucher la multi-poignée ; les "
                                  "autres threads lui confient les pages par une file gardée "
                                  "par un verrou.");

    ck_assert_msg(st.xkcd == 5 * MANY, "20 clients × 5 bandes : %d appels à l'API attendus, "
                  "%ld vus.", 5 * MANY, st.xkcd);
    ck_assert_msg(st.peak > 5,
                  "20 clients attendaient en même temps, mais l'API n'a jamais vu plus de %ld "
                  "requêtes simultanées : les appels d'un client n'ont pas chevauché ceux des "
                  "autres (environ 100 attendus). Le fil libcurl doit confier à la même "
                  "multi-poignée les transferts de TOUTES les requêtes arrivées, sans attendre "
                  "que les précédentes soient finies.", st.peak);
    finish(&p, "evenementiel");
}

TD6_TEST(evenementiel_peu_de_threads, 30, "evenementiel : 20 clients servis avec au plus 4 threads")
{
    td6_http replies[MANY];

    td6_server_start(300);
    td6_process p = start_prog("evenementiel", NULL, NULL);
    first_client(&p, "evenementiel");
    int threads = get_many(page_url(&p, "/comic"), MANY, replies, p.pid);
    for (int i = 0; i < MANY; i++) {
        ck_assert_msg(replies[i].status == 200, "evenementiel : le client n°%d a reçu le statut "
                      "%ld au lieu de 200.", i + 1, replies[i].status);
        td6_http_free(&replies[i]);
    }
    ck_assert_msg(threads >= 1 && threads <= 4,
                  "Pendant que 20 clients attendaient, evenementiel avait jusqu'à %d threads. "
                  "Un serveur événementiel en garde quelques-uns quel que soit le nombre de "
                  "clients (ici 3 : main, le thread de libmicrohttpd, le fil libcurl). Un thread "
                  "par connexion (MHD_USE_THREAD_PER_CONNECTION) ou un gestionnaire qui attend "
                  "l'API n'est pas événementiel : suspendez la connexion.", threads);
    finish(&p, "evenementiel");
}

/* ---- Sous ThreadSanitizer et AddressSanitizer ---------------------------- */

/* Chaque serveur compilé avec un sanitizer (make test le construit), 4
 * clients à la fois puis SIGTERM ; finish() lit sa sortie d'erreur et
 * échoue sur le moindre rapport.
 *   - ThreadSanitizer : aucune variable partagée entre threads sans verrou
 *     (une multi-poignée ou une file commune, un compteur...). io_sync=0 :
 *     par défaut, TSan tient une écriture sur n'importe quelle socket pour
 *     une synchronisation avec toute lecture d'une autre socket ; deux
 *     threads qui font du réseau entre leurs accès à une même variable
 *     paraîtraient alors ordonnés, ou non, selon le hasard de la course. Sans
 *     cela, seuls les verrous, les atomiques et la création des threads
 *     ordonnent : le verdict ne dépend plus de l'exécution. 300 ms de
 *     latence : les 4 clients sont tous arrivés bien avant qu'un premier
 *     ait sa page, même sur une machine chargée (sous ASan, 50 ms suffisent).
 *   - AddressSanitizer (et LeakSanitizer, à la sortie) : ni accès hors
 *     des bornes ou après free, ni fuite de mémoire (un arbre JSON, une
 *     poignée ou une page jamais libérés). */
static void sanitized_server(const char *prog, const char *variable)
{
    enum { CLIENTS = 4 };
    td6_http replies[CLIENTS];
    const char *tool = strcmp(variable, "TD6_BIN_TSAN") == 0 ? "ThreadSanitizer"
                                                              : "AddressSanitizer";

    setenv("TSAN_OPTIONS", "halt_on_error=0 second_deadlock_stack=1 io_sync=0", 1);
    td6_use_sanitized(variable);
    td6_server_start(strcmp(variable, "TD6_BIN_TSAN") == 0 ? 300 : 50);
    td6_process p = start_prog(prog, NULL, NULL);
    first_client(&p, prog);   /* un programme muet échoue ici, vite */
    get_many(page_url(&p, "/comic"), CLIENTS, replies, 0);
    for (int i = 0; i < CLIENTS; i++) {
        ck_assert_msg(replies[i].status == 200, "%s (%s) : le client n°%d a reçu le statut %ld "
                      "au lieu de 200 (%s).", prog, tool, i + 1, replies[i].status,
                      replies[i].error);
        td6_http_free(&replies[i]);
    }
    finish(&p, prog);
}

TD6_TEST(tsan_hello, 60, "hello : ThreadSanitizer, aucune course de données (4 clients)")
{
    sanitized_server("hello", "TD6_BIN_TSAN");
}

TD6_TEST(tsan_hello2, 60, "hello2 : ThreadSanitizer, aucune course de données (4 clients)")
{
    sanitized_server("hello2", "TD6_BIN_TSAN");
}

TD6_TEST(tsan_evenementiel, 60,
         "evenementiel : ThreadSanitizer, aucune course de données (4 clients)")
{
    sanitized_server("evenementiel", "TD6_BIN_TSAN");
}

TD6_TEST(asan_hello, 60, "hello et hello2 sous AddressSanitizer : ni erreur de mémoire, ni fuite")
{
    sanitized_server("hello", "TD6_BIN_ASAN");
    sanitized_server("hello2", "TD6_BIN_ASAN");
}

TD6_TEST(asan_evenementiel, 60,
         "evenementiel sous AddressSanitizer : ni erreur de mémoire, ni fuite")
{
    sanitized_server("evenementiel", "TD6_BIN_ASAN");
}

/* ---- API en panne --------------------------------------------------- */

/* Une panne de l'API : où la trouver (`api` : un chemin du serveur local,
 * qui joue la panne, ou une URL), une variable d'environnement en plus pour
 * le programme (ou NULL), ce que dit l'échec et où regarder. */
typedef struct {
    const char *api, *extra, *what, *hint;
} api_failure;

static const api_failure API_REFUSED = {
    "http://127.0.0.1:1/xkcd", NULL, "API injoignable (connexion refusée)",
    "Quand curl_easy_perform échoue, répondez 502 (Bad Gateway) tout de suite : l'erreur "
    "vient du serveur d'en face, pas du vôtre. Ne réessayez pas sans fin : le client "
    "attendrait pour toujours."
};
static const api_failure API_SILENT = {
    "/xkcd-lent", "TD6_TIMEOUT_MS=300", "API qui ne répond pas (délai 300 ms)",
    "Sans délai, le client attend aussi longtemps que l'API. Réglez CURLOPT_TIMEOUT_MS à "
    "td6_timeout_ms() ($TD6_TIMEOUT_MS), puis répondez 502."
};
static const api_failure API_500 = {
    "/xkcd-500", NULL, "API qui répond 500",
    "Un statut >= 400 de l'API est une panne, même si son corps a l'air d'une bande (celui "
    "de /xkcd-500 en est une) : lisez le statut avec "
    "curl_easy_getinfo(CURLINFO_RESPONSE_CODE) et répondez 502."
};
static const api_failure API_BAD_JSON = {
    "/xkcd-invalide", NULL, "API qui renvoie du JSON invalide",
    "json_loadb renvoie NULL sur un JSON invalide : vérifiez-le avant de chercher « img », "
    "et répondez 502 au lieu de planter."
};
static const api_failure API_NO_IMG = {
    "/xkcd-sans-img", NULL, "JSON sans champ « img »",
    "json_object_get renvoie NULL si le champ manque : vérifiez avec json_is_string, et "
    "répondez 502."
};

/* Pour chaque programme : l'API est en panne (`f`) ; deux requêtes /comic
 * doivent recevoir 502, et le serveur doit rester debout. */
static void check_api_failure(const api_failure *f)
{
    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        td6_process p = start_prog(PROGS[i], f->api[0] == '/' ? faulty_api(f->api) : f->api,
                                   f->extra);

        for (int k = 0; k < 2; k++) {
            td6_http h = td6_get(page_url(&p, "/comic"), 5);

            check_error_page(&h, PROGS[i], f->what, 502, f->hint);
            td6_http_free(&h);
        }
        finish(&p, PROGS[i]);
    }
}

TD6_TEST(api_refusee, 40, "API injoignable : 502, et le serveur continue")
{
    check_api_failure(&API_REFUSED);
}

TD6_TEST(api_muette, 40, "API muette : 502 au bout du délai, et le serveur continue")
{
    check_api_failure(&API_SILENT);
}

TD6_TEST(api_500, 40, "API qui répond 500 : 502, et le serveur continue")
{
    check_api_failure(&API_500);
}

TD6_TEST(json_invalide, 40, "JSON invalide : 502, sans planter")
{
    check_api_failure(&API_BAD_JSON);
}

TD6_TEST(json_sans_img, 40, "JSON sans « img » : 502, sans planter")
{
    check_api_failure(&API_NO_IMG);
}

TD6_TEST(img_echappee, 40, "un « img » plein de \" < > & ' est échappé dans la page")
{
    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        td6_process p = start_prog(PROGS[i], faulty_api("/xkcd-echappe"), NULL);
        td6_http h = td6_get(page_url(&p, "/comic"), 5);
        char *srcs[8];
        size_t want = comics_per_page(PROGS[i]);

        ck_assert_msg(h.status == 200, "%s : statut 200 attendu avec /xkcd-echappe, reçu %ld.",
                      PROGS[i], h.status);
        ck_assert_msg(strstr(h.body, "<script") == NULL,
                      "%s : l'« img » de l'API contient « \"><script>... » et il se retrouve "
                      "tel quel dans la page : n'importe quelle API pourrait injecter du code "
                      "dans vos pages. Échappez & < > \" ' (&amp; &lt; &gt; &quot; &#39;). "
                      "Page : %.300s", PROGS[i], h.body);
        const char *amp = raw_ampersand(h.body);
        ck_assert_msg(amp == NULL,
                      "%s : un « & » de l'« img » de l'API se retrouve tel quel dans la page "
                      "(« %.20s... ») : il doit devenir &amp;, sinon « a&amp;b » dans l'API "
                      "s'afficherait « a&b ». Échappez & en premier parmi & < > \" '. "
                      "Page : %.300s", PROGS[i], amp, h.body);
        size_t n = img_sources(h.body, srcs, 8);
        ck_assert_msg(n == want, "%s : %zu balise(s) <img attendue(s), %zu trouvée(s). "
                      "Page : %.300s", PROGS[i], want, n, h.body);
        for (size_t k = 0; k < n; k++)
            ck_assert_msg(srcs[k] != NULL && strcmp(srcs[k], IMG_PIEGEE) == 0,
                          "%s : une fois décodé, src doit redonner exactement l'« img » de "
                          "l'API (%s) ; lu : %s. Échappez chacun des cinq caractères & < > "
                          "\" ' (et rien d'autre).", PROGS[i], IMG_PIEGEE,
                          srcs[k] != NULL ? srcs[k] : "(pas de src)");
        free_sources(srcs, n < 8 ? n : 8);
        td6_http_free(&h);
        finish(&p, PROGS[i]);
    }
}

/* ---- Requêtes mal formées -------------------------------------------- */

TD6_TEST(chemin_inconnu, 40, "chemin inconnu : 404, sans appeler l'API")
{
    static const char *const paths[] = { "/", "/inconnu", "/comic/3", "/comic3" };

    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        td6_process p = start_prog(PROGS[i], NULL, NULL);

        td6_server_reset();
        for (size_t k = 0; k < sizeof paths / sizeof paths[0]; k++) {
            td6_http h = td6_get(page_url(&p, paths[k]), 5);
            char what[64];

            snprintf(what, sizeof what, "GET %s", paths[k]);
            check_error_page(&h, PROGS[i], what, 404,
                             "Seules /comic et /comic2 existent : comparez le chemin en "
                             "entier (strcmp), et répondez 404 à tout le reste.");
            td6_http_free(&h);
        }
        td6_stats st = td6_server_stats();
        ck_assert_msg(st.xkcd == 0, "%s : une page inconnue ne doit pas appeler l'API "
                      "(%ld appels vus).", PROGS[i], st.xkcd);
        finish(&p, PROGS[i]);
    }
}

TD6_TEST(methode_refusee, 40, "POST, PUT, DELETE : 405 ; HEAD : 200")
{
    static const char *const methods[] = { "POST", "DELETE", "PUT" };

    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        td6_process p = start_prog(PROGS[i], NULL, NULL);

        for (size_t k = 0; k < sizeof methods / sizeof methods[0]; k++) {
            td6_http h = td6_request(methods[k], page_url(&p, "/comic"), 5);
            char what[64];

            snprintf(what, sizeof what, "%s /comic", methods[k]);
            check_error_page(&h, PROGS[i], what, 405,
                             "Seules GET et HEAD sont acceptées : comparez la méthode "
                             "(MHD_HTTP_METHOD_GET, MHD_HTTP_METHOD_HEAD) et répondez 405 "
                             "(Method Not Allowed) aux autres.");
            td6_http_free(&h);
        }
        long head = head_status(page_url(&p, "/comic"));
        ck_assert_msg(head == 200, "%s : HEAD /comic doit répondre 200 comme GET (sans corps) ; "
                      "reçu %ld.", PROGS[i], head);
        finish(&p, PROGS[i]);
    }
}

/* ---- Arguments, démarrage et arrêt ------------------------------------- */

/* Un port TCP libre sur 127.0.0.1 (libre à l'instant : on le rend aussitôt)
 * dont les deux octets diffèrent : 0x1F1F lu à l'envers reste 0x1F1F, et
 * un htons oublié passerait inaperçu. */
static int free_port(void)
{
    int port = 0;

    for (int tries = 0; tries < 100 && (port == 0 || (port >> 8) == (port & 0xff)); tries++) {
        struct sockaddr_in addr = { .sin_family = AF_INET };
        socklen_t len = sizeof addr;
        int fd = socket(AF_INET, SOCK_STREAM, 0);

        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ck_assert_msg(fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0
                      && getsockname(fd, (struct sockaddr *)&addr, &len) == 0,
                      "test : pas de port libre (%s)", strerror(errno));
        close(fd);
        port = ntohs(addr.sin_port);
    }
    return port;
}

TD6_TEST(port_donne, 40, "le port donné en argument est celui où le serveur écoute")
{
    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        char port[16], expected[64];
        const char *args[] = { port, NULL };

        snprintf(port, sizeof port, "%d", free_port());
        snprintf(expected, sizeof expected, "http://127.0.0.1:%s", port);
        td6_process p = td6_spawn(PROGS[i], args, NULL, 10);
        ck_assert_msg(strcmp(p.first_line, expected) == 0,
                      "%s %s : la première ligne doit être « %s », lue « %s ». Le serveur "
                      "doit écouter sur le port demandé : dans la struct sockaddr_in, le port "
                      "s'écrit dans l'ordre des octets du réseau (htons), sinon %s devient "
                      "un autre port.", PROGS[i], port, expected, p.first_line, port);
        td6_http h = td6_get(page_url(&p, "/inconnu"), 5);
        ck_assert_msg(h.status == 404, "%s %s : le serveur doit écouter sur ce port (404 "
                      "attendu pour /inconnu, reçu %ld).", PROGS[i], port, h.status);
        td6_http_free(&h);
        finish(&p, PROGS[i]);
    }
}

TD6_TEST(arret_propre, 60, "SIGTERM pendant un appel à l'API : arrêt propre et rapide, code 0")
{
    td6_server_start(2);
    for (int i = 0; i < N_PROGS; i++) {
        /* Une API muette (30 s) et le délai par défaut (10 s) : au moment de
         * SIGTERM, un appel à l'API est en cours. */
        td6_process p = start_prog(PROGS[i], faulty_api("/xkcd-lent"), NULL);
        CURLM *multi;
        CURL *client;
        int running = 1;

        curl_global_init(CURL_GLOBAL_DEFAULT);
        multi = curl_multi_init();
        client = curl_easy_init();
        curl_easy_setopt(client, CURLOPT_URL, page_url(&p, "/comic"));
        curl_easy_setopt(client, CURLOPT_NOPROXY, "*");
        curl_easy_setopt(client, CURLOPT_TIMEOUT_MS, (long)(td6_scaled(8) * 1000));
        curl_easy_setopt(client, CURLOPT_WRITEFUNCTION, keep_body);
        text body = { 0 };
        curl_easy_setopt(client, CURLOPT_WRITEDATA, &body);
        curl_multi_add_handle(multi, client);
        /* Attendre que l'API ait reçu l'appel du programme. */
        for (int k = 0; k < 300 && td6_server_stats().in_flight == 0; k++) {
            curl_multi_perform(multi, &running);
            curl_multi_poll(multi, NULL, 0, 10, NULL);
        }
        ck_assert_msg(td6_server_stats().in_flight > 0,
                      "%s : /comic n'a pas appelé l'API en 3 s.", PROGS[i]);
        finish(&p, PROGS[i]);
        /* Le client doit avoir sa réponse, ou sa connexion fermée, sans attendre. */
        while (running > 0 && curl_multi_perform(multi, &running) == CURLM_OK)
            curl_multi_poll(multi, NULL, 0, 10, NULL);
        curl_multi_remove_handle(multi, client);
        curl_easy_cleanup(client);
        curl_multi_cleanup(multi);
        free(body.data);
    }
}

TD6_CLI_TESTS("hello", "PORT");
TD6_CLI_TESTS("hello2", "PORT");
TD6_CLI_TESTS("evenementiel", "PORT");
