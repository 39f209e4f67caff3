/*
 * outils03.c — aides partagées par les tests du chapitre 03 (voir
 * outils03.h).
 */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outils03.h"

/* ---- Lignes « Read », dans n'importe quel ordre -------------------------- */

/* 1 si l'URL finit par « /<path> ». */
static bool ends_with_path(const char *url, const char *path)
{
    size_t u = strlen(url), p = strlen(path);

    return u > p && url[u - p - 1] == '/' && strcmp(url + u - p, path) == 0;
}

/* La ligne « expected » manque : la cause la plus probable dépend de ce
 * que le serveur a vu. S'il a reçu moins de requêtes pour ce chemin que de
 * lignes attendues, la tâche n'est jamais partie (la liste d'URL n'est pas
 * la bonne) ; sinon, sa réponse est arrivée mais n'a pas été affichée. */
static void missing_read(const char *prog, const char *expected, const expected_read *reads,
                         size_t n_reads, size_t n_lines)
{
    const char *path = strstr(expected, "/jython") != NULL ? "jython" : "dice";
    td6_stats st = td6_server_stats();
    long want = 0, seen = strcmp(path, "jython") == 0 ? st.jython : st.dice;

    for (size_t i = 0; i < n_reads; i++)
        want += ends_with_path(reads[i].url, path);
    ck_assert_msg(seen >= want,
                  "%s : il manque une ligne « %s », et pour cause : le serveur n'a reçu que "
                  "%ld requête(s) /%s sur les %ld attendues. Cette tâche n'est jamais partie. "
                  "Chaque URL de la liste devient-elle une tâche, la première comme la "
                  "dernière ? Avec des URL en arguments, td6_sites(argc, argv, optind) les "
                  "rend toutes, à partir de la première qui n'est pas une option.",
                  prog, expected, seen, path, want);
    ck_abort_msg("%s : il manque une ligne « %s » (%zu lignes lues sur les %zu attendues ; "
                 "l'ordre n'importe pas : les réponses arrivent dans le désordre). Le serveur "
                 "a bien reçu la requête : les tâches finies sont-elles toutes lues avec "
                 "curl_multi_info_read, y compris après le dernier tour de boucle ?",
                 prog, expected, n_lines, n_reads + 1);
}

void check_reads_any_order(const char *prog, const td6_result *r, const expected_read *reads,
                           size_t n_reads, size_t total)
{
    char **lines;
    size_t n = td6_lines(r->out, &lines);
    bool *used = calloc(n + 1, sizeof *used);
    size_t got = 0;
    double seconds = -1;

    ck_assert_msg(used != NULL, "calloc");
    /* D'abord les lignes qui manquent : leur absence explique un compte de
     * lignes trop court, et elle a sa cause la plus probable. */
    for (size_t i = 0; i < n_reads; i++) {
        char expected[512];
        bool found = false;

        snprintf(expected, sizeof expected, "Read %ld from %s", reads[i].bytes, reads[i].url);
        for (size_t j = 0; j < n && !found; j++) {
            if (!used[j] && strcmp(lines[j], expected) == 0) {
                used[j] = true;
                found = true;
            }
        }
        if (!found)
            missing_read(prog, expected, reads, n_reads, n);
        got++;
    }
    ck_assert_msg(n == n_reads + 1,
                  "%s : %zu lignes attendues sur la sortie standard (%zu « Read » et "
                  "« Downloaded »), %zu lues. Chaque téléchargement réussi affiche UNE "
                  "ligne « Read <octets> from <url> » quand sa réponse arrive, et rien "
                  "d'autre ne va sur la sortie standard. Début de la sortie : « %.300s »",
                  prog, n_reads + 1, n_reads, n, r->out);
    ck_assert_msg(got == n_reads, "%s : %zu lignes « Read » reconnues sur %zu.", prog, got,
                  n_reads);
    ck_assert_msg(td6_downloaded_line(lines[n - 1], &got, &seconds) && got == total &&
                  seconds >= 0,
                  "%s : dernière ligne attendue « Downloaded %zu in <durée> seconds », lue "
                  "« %s ».", prog, total, lines[n - 1]);
    free(used);
    td6_lines_free(lines, n);
}

void course_reads(expected_read *reads, char (*storage)[160])
{
    for (size_t i = 0; i < N_COURSE; i++) {
        snprintf(storage[i], 160, "%s/%s", td6_server_url(), i % 2 == 0 ? "jython" : "dice");
        reads[i].url = storage[i];
        reads[i].bytes = i % 2 == 0 ? JYTHON_BYTES : DICE_BYTES;
    }
}

/* ---- Compter les threads pendant que le programme tourne ---------------- */

/* true si un des arguments de /proc/<pid>/cmdline a pour nom `name` (le
 * programme lancé à travers une enveloppe, valgrind par exemple). */
/* Lit /proc/<pid>/<what> dans buf (terminé par '\0') ; renvoie le nombre
 * d'octets lus, -1 si le processus a disparu. */
static long read_proc(const char *pid, const char *what, char *buf, size_t size)
{
    char path[64];
    FILE *f;
    size_t len;

    snprintf(path, sizeof path, "/proc/%s/%s", pid, what);
    f = fopen(path, "r");
    if (f == NULL)
        return -1;
    len = fread(buf, 1, size - 1, f);
    fclose(f);
    buf[len] = '\0';
    return (long)len;
}

static bool cmdline_names(const char *pid, const char *name)
{
    char buf[4096];
    long got = read_proc(pid, "cmdline", buf, sizeof buf);
    size_t len = got < 0 ? 0 : (size_t)got;

    if (got < 0)
        return false;
    for (size_t i = 0; i < len; i += strlen(buf + i) + 1) {
        const char *slash = strrchr(buf + i, '/');

        if (strcmp(slash != NULL ? slash + 1 : buf + i, name) == 0)
            return true;
    }
    return false;
}

/* Si /proc/<pid> est un enfant de `parent` nommé `name`, renvoie true. */
static bool is_child_named(const char *pid, pid_t parent, const char *name)
{
    char buf[512];
    char *close_paren;
    long ppid = -1;
    char state;

    if (read_proc(pid, "stat", buf, sizeof buf) < 0)
        return false;
    /* Format : « pid (nom) état ppid ... » ; le nom peut contenir des
     * espaces, on cherche donc la DERNIÈRE parenthèse fermante. */
    close_paren = strrchr(buf, ')');
    if (close_paren == NULL || sscanf(close_paren + 1, " %c %ld", &state, &ppid) != 2)
        return false;
    *close_paren = '\0';
    if (ppid != parent)
        return false;
    /* Le noyau coupe le nom à 15 caractères. */
    return strncmp(strchr(buf, '(') + 1, name, 15) == 0 || cmdline_names(pid, name);
}

/* Cherche dans /proc l'enfant de `parent` nommé `name` ; 0 si aucun. */
static pid_t find_child(pid_t parent, const char *name)
{
    DIR *proc = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;

    if (proc == NULL)
        return 0;
    while (found == 0 && (e = readdir(proc)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9' && is_child_named(e->d_name, parent, name))
            found = (pid_t)atol(e->d_name);
    closedir(proc);
    return found;
}

/* Le corps de l'échantillonneur : un thread du processus du test. (Pas un
 * processus enfant : le harnais compte et tue, à la fin du programme testé,
 * tout processus lancé par le test.) */
static void *sampler_main(void *arg)
{
    thread_sampler *s = arg;
    pid_t pid = 0;

    /* Tant que le test ne lève pas `stop` : un relevé toutes les 2 ms. */
    while (!atomic_load(&s->stop)) {
        long n;

        usleep(2000);
        if (pid == 0)
            pid = find_child(s->parent, s->prog);
        if (pid == 0)
            continue;
        n = td6_thread_count(pid);
        if (n < 0) {   /* il a disparu */
            pid = 0;
            continue;
        }
        s->samples++;
        if (n > s->max)
            s->max = n;
    }
    return NULL;
}

bool sampler_start(thread_sampler *s, const char *prog)
{
    int rc;

    if (access("/proc/self/task", R_OK) != 0)
        return false;
    s->prog = prog;
    s->parent = getpid();
    s->max = s->samples = 0;
    atomic_init(&s->stop, false);
    rc = pthread_create(&s->thread, NULL, sampler_main, s);
    ck_assert_msg(rc == 0, "pthread_create : %s", strerror(rc));
    return true;
}

long sampler_stop(thread_sampler *s, long *samples)
{
    atomic_store(&s->stop, true);
    /* Attendre le thread : après le join, max et samples ne bougent plus. */
    pthread_join(s->thread, NULL);
    *samples = s->samples;
    return s->max;
}

/* ---- Tests communs aux deux programmes ---------------------------------- */

void check_single_thread(const char *prog)
{
    enum { N = 20 };
    char urls[N][160];
    const char *args[N + 1];
    thread_sampler sampler;
    long samples = 0, max;

    /* 20 URL et 400 ms de latence : le programme vit au moins 0,4 s (des
     * centaines de relevés), et un programme à un thread par URL en
     * montrerait 20. */
    td6_server_start(400);
    for (int i = 0; i < N; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/%s", td6_server_url(), i % 2 ? "dice" : "jython");
        args[i] = urls[i];
    }
    args[N] = NULL;
    if (!sampler_start(&sampler, prog)) {
        fprintf(stderr, "(pas de /proc sur ce système : nombre de threads non vérifié)\n");
        return;
    }
    td6_result r = td6_run(prog, args, NULL, 30);
    max = sampler_stop(&sampler, &samples);
    td6_require_finished(&r, prog);
    td6_stats st = td6_server_stats();

    ck_assert_msg(st.requests == N,
                  "%s : le serveur attendait %d requêtes, il en a reçu %ld : sans "
                  "téléchargements, il n'y a rien à juger ici.", prog, N, st.requests);
    ck_assert_msg(samples > 0,
                  "%s : le test n'a pas pu observer le programme pendant qu'il tournait "
                  "(aucun relevé de /proc/<pid>/task). A-t-il fini instantanément, sans "
                  "attendre le serveur ?", prog);
    ck_assert_msg(max == 1,
                  "%s : jusqu'à %ld threads vus en même temps dans /proc/<pid>/task, un seul "
                  "attendu. Tout le chapitre tient dans UN thread : c'est la boucle "
                  "d'événements (libcurl multi) qui fait avancer toutes les tâches, pas "
                  "pthread_create ni curl_easy_perform.", prog, max);
    td6_result_free(&r);
}

void check_waits_without_cpu(const char *prog, const char *hint)
{
    enum { N = 8, MAX = 4 };
    char urls[N][160];
    const char *args[N + 3] = { "-m", "4" };
    /* asynchrone -m 4 : deux vagues de 4 requêtes à 1 s ; boucle, qui n'a
     * pas d'option, une seule vague de 8 requêtes à 2 s. */
    bool waves = strcmp(prog, "boucle") != 0;
    int latency_ms = waves ? 1000 : 2000;
    /* Le programme attend le serveur au moins 2 s dans les deux cas. Une
     * boucle qui dort (poll) consomme ~0,04 s de processeur pour ce travail,
     * presque tout au démarrage ; une boucle qui tourne sans dormir en
     * consomme autant qu'on lui en laisse : 0,4 s et plus mesurés sur une
     * machine à 2 cœurs chargée par 8 autres programmes. La borne, 7,5 % de
     * l'attente (0,15 s), laisse près de 4 fois la place au programme juste,
     * et une boucle active la dépasse dès qu'elle obtient 7,5 % d'un cœur.
     * Le temps processeur n'est pas un chronomètre : la charge de la machine
     * allonge la durée, pas lui. */
    double waited = (waves ? N / MAX : 1) * latency_ms / 1000.0, bound = waited * 0.075;
    size_t k = 0;

    td6_server_start(latency_ms);
    if (waves)
        k = 2;   /* -m 4 ; boucle n'a pas d'option */
    else
        args[0] = NULL;
    for (int i = 0; i < N; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/%s", td6_server_url(), i % 2 ? "dice" : "jython");
        args[k++] = urls[i];
    }
    args[k] = NULL;
    td6_result r = td6_run(prog, args, NULL, 30);
    td6_require_finished(&r, prog);
    td6_stats st = td6_server_stats();

    /* Un programme qui ne télécharge rien n'attend rien : peu de processeur,
     * mais aucun point pour cela. */
    ck_assert_msg(st.requests == N,
                  "%s : le serveur attendait %d requêtes, il en a reçu %ld : sans "
                  "téléchargements, il n'y a rien à juger ici.", prog, N, st.requests);
    ck_assert_msg(r.cpu_s <= bound,
                  "%s : %.2f s de temps processeur consommé pour %d téléchargements qui "
                  "attendent le serveur (au moins %.1f s d'attente) ; au plus %.2f s attendu. "
                  "Attendre le réseau ne doit rien coûter : %s", prog, r.cpu_s, N, waited,
                  bound, hint);
    td6_result_free(&r);
}

void check_sanitized(const char *prog)
{
    enum { N = 6 };
    char urls[N][160];
    const char *args[N + 1];
    expected_read reads[N - 1];
    size_t n_reads = 0;

    td6_server_start(20);
    for (int i = 0; i < N; i++) {
        snprintf(urls[i], sizeof urls[i], "%s/%s", td6_server_url(),
                 i == 3 ? "page-inexistante" : i % 2 ? "dice" : "jython");
        args[i] = urls[i];
        if (i != 3)
            reads[n_reads++] = (expected_read){ urls[i], i % 2 ? DICE_BYTES : JYTHON_BYTES };
    }
    args[N] = NULL;
    td6_use_sanitized("TD6_BIN_ASAN");
    td6_result r = td6_run(prog, args, NULL, 60);
    td6_require_finished(&r, prog);
    /* Propre parce qu'il a fait le travail, pas parce qu'il n'a rien fait :
     * les 5 pages lues, sous AddressSanitizer. */
    check_reads_any_order(prog, &r, reads, n_reads, N);
    td6_result_free(&r);
}

void check_all_in_flight(const char *prog)
{
    expected_read reads[N_COURSE];
    char urls[N_COURSE][160];

    /* Le rendez-vous du serveur (td6_server_start_rendezvous) : aucune
     * réponse ne part avant que les 160 requêtes soient en vol ensemble.
     * Un programme juste atteint donc le pic de 160 à coup sûr, même sur
     * une machine surchargée (avec une simple latence, il arrivait qu'ouvrir
     * les 160 connexions prenne plus longtemps que la première réponse) ;
     * un programme qui les envoie une à une ne l'atteint jamais. */
    td6_server_start_rendezvous(200, N_COURSE);
    course_reads(reads, urls);
    /* Toutes ensemble, les 160 requêtes prennent environ 1 s ; l'une après
     * l'autre, 160 s. Au-delà de 12 s, inutile d'attendre la fin pour
     * conclure (et la correction d'une classe reste rapide). */
    td6_result r = td6_run(prog, NULL, NULL, 12);
    if (r.timed_out) {
        td6_stats st = td6_server_stats();

        ck_abort_msg("%s : toujours pas fini après %.0f s, alors que 160 requêtes lancées "
                     "ensemble prennent moins d'une seconde ici. Le serveur n'a vu que %ld requêtes "
                     "simultanées au plus (%ld reçues) : les poignées partent-elles une à "
                     "une, chacune après la fin de la précédente ? Ajoutez-les toutes à la "
                     "poignée multi AVANT la boucle.", prog, td6_scaled(12), st.peak,
                     st.requests);
    }
    td6_require_finished(&r, prog);
    td6_stats st = td6_server_stats();

    ck_assert_msg(st.requests == N_COURSE, "%s : le serveur attendait %d requêtes, il en a "
                  "reçu %ld.", prog, N_COURSE, st.requests);
    ck_assert_msg(st.peak >= N_COURSE,
                  "%s : le serveur n'a vu que %ld requêtes simultanées au plus ; sans -m, les "
                  "160 doivent être en vol ensemble. Toutes les "
                  "poignées sont-elles ajoutées à la poignée multi AVANT la boucle, et pas "
                  "une à une quand la précédente a fini ?", prog, st.peak);
    check_reads_any_order(prog, &r, reads, N_COURSE, N_COURSE);
    td6_result_free(&r);
}

td6_result run_failing_urls(const char *prog, const char *args[6])
{
    static char urls[4][160];   /* vivent jusqu'à la fin du test */
    expected_read reads[2] = { { urls[0], JYTHON_BYTES }, { urls[3], DICE_BYTES } };

    td6_server_start(FAST_MS);
    snprintf(urls[0], sizeof urls[0], "%s/jython", td6_server_url());
    snprintf(urls[1], sizeof urls[1], "%s/page-inexistante", td6_server_url());
    snprintf(urls[2], sizeof urls[2], "%s/xkcd/9003/info.0.json", td6_server_url());
    snprintf(urls[3], sizeof urls[3], "%s/dice", td6_server_url());
    args[0] = urls[0];
    args[1] = urls[1];
    args[2] = "http://127.0.0.1:1/dice";   /* personne n'écoute : refusée */
    args[3] = urls[2];
    args[4] = urls[3];
    args[5] = NULL;
    td6_result r = td6_run(prog, args, NULL, 30);
    td6_require_finished(&r, prog);
    /* Sur 5 URL dont 3 en échec (404, refus, 500) : 2 « Read ». */
    check_reads_any_order(prog, &r, reads, 2, 5);
    return r;
}

void check_all_read(const char *prog)
{
    expected_read reads[N_COURSE];
    char urls[N_COURSE][160];

    td6_server_start(FAST_MS);
    course_reads(reads, urls);
    td6_result r = td6_run(prog, NULL, NULL, 30);
    td6_require_finished(&r, prog);
    check_reads_any_order(prog, &r, reads, N_COURSE, N_COURSE);
    ck_assert_msg(r.status == 0, "Tout a réussi : le code de sortie doit être 0 (lu %d).",
                  r.status);
    td6_result_free(&r);
}

td6_result run_silent_server(const char *prog, const char *where)
{
    static char slow[160], ok[160];   /* vivent jusqu'à la fin du test */
    expected_read reads[1] = { { ok, DICE_BYTES } };

    td6_server_start(FAST_MS);
    snprintf(slow, sizeof slow, "%s/xkcd/9005/info.0.json", td6_server_url());
    snprintf(ok, sizeof ok, "%s/dice", td6_server_url());
    const char *args[] = { slow, ok, NULL };
    td6_result r = td6_run_with_silent_server(prog, args, slow, where);

    check_reads_any_order(prog, &r, reads, 1, 2);
    return r;
}
